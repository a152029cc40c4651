/// A CID in string form, checked for syntax only (8-256 characters of a multibase alphabet,
/// no legacy CIDv0 `Qm...`). Decoding and hash checks belong to `CID(string:)`.
public struct CIDString: SyntaxString {
    public static let minLength = 8
    public static let maxLength = 256
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        let b = Array(string.utf8)
        if b.isEmpty { throw SyntaxError(.cid, string, .empty) }
        if b.count < Self.minLength { throw SyntaxError(.cid, string, .tooShort(length: b.count, min: Self.minLength)) }
        if b.count > Self.maxLength { throw SyntaxError(.cid, string, .tooLong(length: b.count, max: Self.maxLength)) }
        if let bad = ASCII.firstInvalid(b, in: string, kind: .cid, allowed: { ASCII.isAlnum($0) || $0 == 0x2b || $0 == 0x3d }) {
            throw bad
        }
        // A CIDv0 is a bare base58 sha2-256 multihash: always "Qm" plus 44 characters.
        if b.count == 46 && string.hasPrefix("Qm") {
            throw SyntaxError(.cid, string, .malformed("CIDv0 is not supported; use CIDv1"))
        }
        self.string = string
    }
}
