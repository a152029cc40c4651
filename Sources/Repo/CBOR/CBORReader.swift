import Protocol

/// A strict reader for the DAG-CBOR shapes the repo engine reads (MST nodes, commits, CAR headers).
/// It accepts only minimal-length heads and definite lengths; callers that need canonical form also
/// re-encode and compare bytes, which catches key order and duplicate keys.
struct CBORReader {
    enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case truncated
        case unexpected(String)
        case notMinimal
        case badLink
        case trailingBytes

        var description: String {
            switch self {
            case .truncated: "truncated CBOR"
            case .unexpected(let what): "unexpected CBOR: \(what)"
            case .notMinimal: "non-minimal CBOR integer head"
            case .badLink: "malformed CID link"
            case .trailingBytes: "trailing bytes after CBOR value"
            }
        }
    }

    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) { self.bytes = bytes; self.offset = offset }

    var atEnd: Bool { offset >= bytes.count }

    func expectEnd() throws(Failure) { if offset != bytes.count { throw .trailingBytes } }

    mutating func byte() throws(Failure) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func peekMajor() throws(Failure) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        return bytes[offset] >> 5
    }

    /// Reads a head, returning (major, argument). Indefinite lengths and floats are rejected.
    mutating func head() throws(Failure) -> (UInt8, UInt64) {
        let initial = try byte()
        let major = initial >> 5, info = initial & 0x1f
        switch info {
        case 0..<24: return (major, UInt64(info))
        case 24:
            let v = UInt64(try byte())
            if v < 24 { throw .notMinimal }
            return (major, v)
        case 25, 26, 27:
            let n = 1 << Int(info - 24)
            var v: UInt64 = 0
            for _ in 0..<n { v = v << 8 | UInt64(try byte()) }
            let floor: UInt64 = info == 25 ? 0x100 : info == 26 ? 0x10000 : 0x1_0000_0000
            if v < floor { throw .notMinimal }
            return (major, v)
        default: throw .unexpected("additional info \(info)")
        }
    }

    mutating func expect(_ major: UInt8, _ what: String) throws(Failure) -> UInt64 {
        let (m, v) = try head()
        guard m == major else { throw .unexpected("expected \(what)") }
        return v
    }

    mutating func mapCount() throws(Failure) -> Int { Int(try expect(5, "map")) }
    mutating func arrayCount() throws(Failure) -> Int { Int(try expect(4, "array")) }

    mutating func raw(_ n: UInt64) throws(Failure) -> [UInt8] {
        guard n <= UInt64(bytes.count - offset) else { throw .truncated }
        defer { offset += Int(n) }
        return Array(bytes[offset..<offset + Int(n)])
    }

    mutating func byteString() throws(Failure) -> [UInt8] { try raw(try expect(2, "byte string")) }

    mutating func text() throws(Failure) -> String {
        let b = try raw(try expect(3, "text string"))
        guard let s = String(validating: b, as: UTF8.self) else { throw .unexpected("invalid UTF-8") }
        return s
    }

    mutating func uint() throws(Failure) -> UInt64 { try expect(0, "unsigned integer") }

    mutating func isNull() throws(Failure) -> Bool {
        guard offset < bytes.count else { throw .truncated }
        if bytes[offset] == 0xf6 { offset += 1; return true }
        return false
    }

    mutating func link() throws(Failure) -> CID {
        let (m, tag) = try head()
        guard m == 6, tag == 42 else { throw .unexpected("expected CID link (tag 42)") }
        let b = try byteString()
        guard b.count == 37, b[0] == 0 else { throw .badLink }
        return try CIDBinary.parse(Array(b[1...]))
    }

    mutating func optionalLink() throws(Failure) -> CID? { try isNull() ? nil : try link() }

    /// Skips one complete data item (used for unknown map values such as extra commit fields).
    mutating func skip() throws(Failure) {
        let (m, v) = try head()
        switch m {
        case 0, 1, 7: return
        case 2, 3: _ = try raw(v)
        case 4: for _ in 0..<v { try skip() }
        case 5: for _ in 0..<(v * 2) { try skip() }
        case 6: try skip()
        default: throw .unexpected("major \(m)")
        }
    }
}

/// Binary CIDv1 parsing limited to what atproto repos hold: dag-cbor or raw, sha2-256.
enum CIDBinary {
    static func parse(_ b: [UInt8]) throws(CBORReader.Failure) -> CID {
        guard b.count == 36, b[0] == 0x01, b[2] == CID.sha256Code, b[3] == 32,
              let codec = CID.Codec(rawValue: UInt64(b[1])) else { throw .badLink }
        return CID(codec: codec, digest: Array(b[4...]))
    }
}
