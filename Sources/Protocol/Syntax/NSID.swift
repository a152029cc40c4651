/// A namespaced identifier: a reversed domain authority plus a name, e.g. `app.bsky.feed.post`.
public struct NSID: SyntaxString {
    public static let maxLength = 253 + 1 + 63
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let error = NSID.check(Array(string.utf8), string) { throw error }
        self.string = string
    }

    /// The last segment (case-sensitive), e.g. `post`.
    public var name: Substring { string[string.index(after: string.lastIndex(of: ".")!)...] }

    /// The authority as a hostname, lowercased, e.g. `feed.bsky.app`.
    public var authority: String {
        string.split(separator: ".").dropLast().reversed().joined(separator: ".").lowercased()
    }

    static func check(_ bytes: [UInt8], _ string: String) -> SyntaxError? {
        if bytes.isEmpty { return SyntaxError(.nsid, string, .empty) }
        if bytes.count > maxLength { return SyntaxError(.nsid, string, .tooLong(length: bytes.count, max: maxLength)) }
        if let bad = ASCII.firstInvalid(bytes, in: string, kind: .nsid, allowed: { ASCII.isAlnum($0) || $0 == 0x2d || $0 == 0x2e }) {
            return bad
        }
        let segments = bytes.split(separator: 0x2e, omittingEmptySubsequences: false)
        if segments.count < 3 { return SyntaxError(.nsid, string, .malformed("needs at least three segments")) }
        for (i, segment) in segments.enumerated() {
            if segment.isEmpty { return SyntaxError(.nsid, string, .malformed("empty segment")) }
            if segment.count > 63 { return SyntaxError(.nsid, string, .malformed("segment longer than 63 characters")) }
            if i == segments.count - 1 {
                if !ASCII.isAlpha(segment.first!) { return SyntaxError(.nsid, string, .malformed("name must start with a letter")) }
                if segment.contains(0x2d) { return SyntaxError(.nsid, string, .malformed("name may contain only letters and digits")) }
            } else {
                if i == 0 && !ASCII.isAlpha(segment.first!) {
                    return SyntaxError(.nsid, string, .malformed("first segment (top-level domain) must start with a letter"))
                }
                if segment.first == 0x2d || segment.last == 0x2d {
                    return SyntaxError(.nsid, string, .malformed("domain segment starts or ends with a hyphen"))
                }
            }
        }
        return nil
    }
}
