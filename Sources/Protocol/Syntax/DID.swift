/// A DID: `did:<method>:<identifier>` with a lowercase method and the atproto identifier charset.
public struct DID: SyntaxString {
    public static let maxLength = 2048
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        if let error = DID.check(Array(string.utf8), string, kind: .did) { throw error }
        self.string = string
    }

    /// `plc`, `web`, ...
    public var method: Substring {
        string.dropFirst(4).prefix(while: { $0 != ":" })
    }

    /// Everything after the method.
    public var identifier: Substring {
        string.dropFirst(4 + method.utf8.count + 1)
    }

    static func check(_ bytes: [UInt8], _ string: String, kind: SyntaxError.Kind) -> SyntaxError? {
        if bytes.isEmpty { return SyntaxError(kind, string, .empty) }
        if bytes.count > maxLength { return SyntaxError(kind, string, .tooLong(length: bytes.count, max: maxLength)) }
        guard bytes.starts(with: Array("did:".utf8)) else {
            return SyntaxError(kind, string, .malformed("must start with \"did:\""))
        }
        let afterPrefix = bytes[4...]
        guard let colon = afterPrefix.firstIndex(of: 0x3a) else {
            return SyntaxError(kind, string, .malformed("needs \"did:<method>:<identifier>\""))
        }
        let method = bytes[4..<colon]
        if method.isEmpty { return SyntaxError(kind, string, .malformed("empty method")) }
        if let bad = ASCII.firstInvalid(method, in: string, kind: kind, base: 4, allowed: ASCII.isLower) { return bad }
        let identifier = bytes[(colon + 1)...]
        if identifier.isEmpty { return SyntaxError(kind, string, .malformed("empty method-specific identifier")) }
        let allowed: (UInt8) -> Bool = { ASCII.isAlnum($0) || $0 == 0x2e || $0 == 0x5f || $0 == 0x3a || $0 == 0x25 || $0 == 0x2d }
        if let bad = ASCII.firstInvalid(identifier, in: string, kind: kind, base: colon + 1, allowed: allowed) { return bad }
        if identifier.last == 0x3a || identifier.last == 0x25 {
            return SyntaxError(kind, string, .malformed("identifier may not end with ':' or '%'"))
        }
        return nil
    }
}
