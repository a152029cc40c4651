/// An AT-URI in the restricted form Lexicons use:
/// `at://<did-or-handle>[/<collection-nsid>[/<record-key>]][#/<json-pointer>]`.
public struct ATURI: SyntaxString {
    public static let maxLength = 8 * 1024

    public let authority: ATIdentifier
    public let collection: NSID?
    public let recordKey: RecordKey?
    /// The JSON-pointer fragment without its `#`, starting with `/`.
    public let fragment: String?
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        let bytes = Array(string.utf8)
        if bytes.isEmpty { throw SyntaxError(.atURI, string, .empty) }
        if bytes.count > Self.maxLength { throw SyntaxError(.atURI, string, .tooLong(length: bytes.count, max: Self.maxLength)) }
        guard bytes.starts(with: Array("at://".utf8)) else { throw SyntaxError(.atURI, string, .malformed("must start with \"at://\"")) }

        var main = bytes[5...]
        var fragment: String? = nil
        if let hash = main.firstIndex(of: 0x23) {
            let tail = bytes[(hash + 1)...]
            guard tail.first == 0x2f else { throw SyntaxError(.atURI, string, .malformed("fragment must be a JSON pointer starting with \"/\"")) }
            if let bad = ASCII.firstInvalid(tail, in: string, kind: .atURI, base: hash + 1, allowed: Self.isFragmentByte) { throw bad }
            fragment = String(decoding: tail, as: UTF8.self)
            main = bytes[5..<hash]
        }

        let parts = main.split(separator: 0x2f, omittingEmptySubsequences: false)
        if parts.count > 3 { throw SyntaxError(.atURI, string, .malformed("path has more than collection and record key")) }
        if parts.contains(where: \.isEmpty) { throw SyntaxError(.atURI, string, .malformed("empty path segment (trailing or double slash)")) }

        do {
            authority = try ATIdentifier(String(decoding: parts[0], as: UTF8.self))
            collection = parts.count > 1 ? try NSID(String(decoding: parts[1], as: UTF8.self)) : nil
            recordKey = parts.count > 2 ? try RecordKey(String(decoding: parts[2], as: UTF8.self)) : nil
        } catch {
            throw SyntaxError(.atURI, string, .malformed(error.description))
        }
        self.fragment = fragment
        self.string = string
    }

    public init(authority: ATIdentifier) {
        self.init(authority, nil, nil)
    }

    public init(authority: ATIdentifier, collection: NSID, recordKey: RecordKey? = nil) {
        self.init(authority, collection, recordKey)
    }

    private init(_ authority: ATIdentifier, _ collection: NSID?, _ recordKey: RecordKey?) {
        self.authority = authority
        self.collection = collection
        self.recordKey = recordKey
        self.fragment = nil
        var out = "at://" + authority.string
        if let collection { out += "/" + collection.string }
        if let recordKey { out += "/" + recordKey.string }
        self.string = out
    }

    private static func isFragmentByte(_ b: UInt8) -> Bool {
        // RFC 3986 pchar plus the JSON-pointer extras; no whitespace and no second '#'.
        if ASCII.isAlnum(b) { return true }
        return Array("._~:@!$&%')(*+,;=-[]/\\".utf8).contains(b)
    }
}
