/// An atproto handle: a DNS hostname with at least two labels and a TLD that starts with a letter.
/// Handles are case-insensitive; `string` is always lowercase.
public struct Handle: SyntaxString {
    public static let maxLength = 253
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        let bytes = Array(string.utf8)
        if let error = Handle.check(bytes, string, kind: .handle) { throw error }
        self.string = String(decoding: ASCII.lowercased(bytes), as: UTF8.self)
    }

    /// The hostname rules, shared with at-identifier and AT-URI authorities.
    static func check(_ bytes: [UInt8], _ string: String, kind: SyntaxError.Kind) -> SyntaxError? {
        if bytes.isEmpty { return SyntaxError(kind, string, .empty) }
        if bytes.count > maxLength { return SyntaxError(kind, string, .tooLong(length: bytes.count, max: maxLength)) }
        if let bad = ASCII.firstInvalid(bytes, in: string, kind: kind, allowed: { ASCII.isAlnum($0) || $0 == 0x2d || $0 == 0x2e }) {
            return bad
        }
        let labels = bytes.split(separator: 0x2e, omittingEmptySubsequences: false)
        if labels.count < 2 { return SyntaxError(kind, string, .malformed("needs at least two dot-separated labels")) }
        for label in labels {
            if label.isEmpty { return SyntaxError(kind, string, .malformed("empty label (leading, trailing or double dot)")) }
            if label.count > 63 { return SyntaxError(kind, string, .malformed("label longer than 63 characters")) }
            if label.first == 0x2d || label.last == 0x2d {
                return SyntaxError(kind, string, .malformed("label starts or ends with a hyphen"))
            }
        }
        if let tld = labels.last, !ASCII.isAlpha(tld.first!) {
            return SyntaxError(kind, string, .malformed("top-level domain must start with a letter"))
        }
        return nil
    }
}
