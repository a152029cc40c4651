/// A generic URI as the Lexicon `uri` format accepts it: a lowercase scheme, `:`, then at least one
/// visible ASCII character and no whitespace; at most 8 KiB.
public struct URIString: SyntaxString {
    public static let maxLength = 8 * 1024
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        let b = Array(string.utf8)
        if b.isEmpty { throw SyntaxError(.uri, string, .empty) }
        if b.count > Self.maxLength { throw SyntaxError(.uri, string, .tooLong(length: b.count, max: Self.maxLength)) }
        guard let colon = b.firstIndex(of: 0x3a), colon > 0 else {
            throw SyntaxError(.uri, string, .malformed("needs a scheme followed by \":\""))
        }
        guard ASCII.isLower(b[0]) else { throw SyntaxError(.uri, string, .malformed("scheme must start with a lowercase letter")) }
        if colon > 81 { throw SyntaxError(.uri, string, .malformed("scheme longer than 81 characters")) }
        let schemeByte: (UInt8) -> Bool = { ASCII.isLower($0) || ASCII.isDigit($0) || $0 == 0x2b || $0 == 0x2d || $0 == 0x2e }
        if let bad = ASCII.firstInvalid(b[..<colon], in: string, kind: .uri, allowed: schemeByte) { throw bad }
        let rest = b[(colon + 1)...]
        if rest.isEmpty { throw SyntaxError(.uri, string, .malformed("nothing after the scheme")) }
        if let bad = ASCII.firstInvalid(rest, in: string, kind: .uri, base: colon + 1, allowed: { $0 > 0x20 && $0 < 0x7f }) {
            throw bad
        }
        self.string = string
    }

    public var scheme: Substring { string.prefix(while: { $0 != ":" }) }
}
