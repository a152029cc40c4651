/// A BCP 47 language tag (RFC 5646) as atproto uses them, e.g. `en`, `pt-BR`, `zh-Hant`.
///
/// `isWellFormed` checks the grammar (with atproto's lowercase primary subtag); `init` and
/// `isValid` also reject repeated variants and repeated extension singletons (RFC 5646 §2.2.9).
public struct LanguageTag: SyntaxString {
    public let string: String
    /// Primary language subtag (lowercase); nil for private-use-only and irregular grandfathered tags.
    public let language: String?
    public let extendedLanguages: [String]
    public let script: String?
    public let region: String?
    public let variants: [String]
    /// Each extension with its singleton first, e.g. `["u", "co", "phonebk"]`.
    public let extensions: [[String]]
    /// The private-use subtags after `x`.
    public let privateUse: [String]
    public let isGrandfathered: Bool

    public init(_ string: String) throws(SyntaxError) {
        let parsed = try LanguageTagGrammar.parse(string)
        var seenVariants = Set<String>()
        for variant in parsed.variants where !seenVariants.insert(variant.lowercased()).inserted {
            throw SyntaxError(.languageTag, string, .invalidValue("variant subtag \"\(variant)\" is repeated"))
        }
        var seenSingletons = Set<String>()
        for ext in parsed.extensions where !seenSingletons.insert(ext[0].lowercased()).inserted {
            throw SyntaxError(.languageTag, string, .invalidValue("extension singleton \"\(ext[0])\" is repeated"))
        }
        self.string = string
        language = parsed.language
        extendedLanguages = parsed.extendedLanguages
        script = parsed.script
        region = parsed.region
        variants = parsed.variants
        extensions = parsed.extensions
        privateUse = parsed.privateUse
        isGrandfathered = parsed.isGrandfathered
    }

    /// Grammar only: true for tags such as `de-DE-1901-1901` that `init` rejects as invalid.
    public static func isWellFormed(_ string: String) -> Bool {
        (try? LanguageTagGrammar.parse(string)) != nil
    }
}
