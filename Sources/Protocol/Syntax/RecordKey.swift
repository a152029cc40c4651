/// A record key: 1-512 characters of `A-Za-z0-9 . - _ : ~`, not `.` or `..`.
public struct RecordKey: SyntaxString {
    public static let maxLength = 512
    public let string: String

    public init(_ string: String) throws(SyntaxError) {
        let bytes = Array(string.utf8)
        if bytes.isEmpty { throw SyntaxError(.recordKey, string, .empty) }
        if bytes.count > Self.maxLength { throw SyntaxError(.recordKey, string, .tooLong(length: bytes.count, max: Self.maxLength)) }
        if let bad = ASCII.firstInvalid(bytes, in: string, kind: .recordKey, allowed: Self.isAllowed) { throw bad }
        if string == "." || string == ".." { throw SyntaxError(.recordKey, string, .malformed("\".\" and \"..\" are not record keys")) }
        self.string = string
    }

    static func isAllowed(_ b: UInt8) -> Bool {
        ASCII.isAlnum(b) || b == 0x2e || b == 0x2d || b == 0x5f || b == 0x3a || b == 0x7e
    }
}
