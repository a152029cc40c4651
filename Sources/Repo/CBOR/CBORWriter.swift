import Protocol

/// A direct canonical DAG-CBOR writer for the few shapes the repo engine emits (MST nodes, commits,
/// CAR headers). Emitting bytes straight from our structs skips building a `DataValue` tree per node,
/// which matters when thousands of nodes are hashed per second; tests cross-check it against the
/// general codec and atmst.
struct CBORWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func head(_ major: UInt8, _ value: UInt64) {
        let m = major << 5
        switch value {
        case ..<24: bytes.append(m | UInt8(value))
        case ..<0x100: bytes.append(m | 24); bytes.append(UInt8(value))
        case ..<0x10000:
            bytes.append(m | 25)
            bytes.append(UInt8(value >> 8)); bytes.append(UInt8(truncatingIfNeeded: value))
        case ..<0x1_0000_0000:
            bytes.append(m | 26)
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        default:
            bytes.append(m | 27)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
    }

    mutating func uint(_ v: UInt64) { head(0, v) }
    mutating func int(_ v: Int64) { if v >= 0 { head(0, UInt64(v)) } else { head(1, UInt64(-1 - v)) } }
    mutating func byteString(_ b: some Collection<UInt8>) { head(2, UInt64(b.count)); bytes.append(contentsOf: b) }
    mutating func text(_ s: String) { let u = Array(s.utf8); head(3, UInt64(u.count)); bytes.append(contentsOf: u) }
    mutating func arrayHeader(_ n: Int) { head(4, UInt64(n)) }
    mutating func mapHeader(_ n: Int) { head(5, UInt64(n)) }
    mutating func null() { bytes.append(0xf6) }

    /// Tag 42 around the binary CID with its 0x00 multibase prefix, as DAG-CBOR requires.
    /// Written field by field: repo CIDs are always v1, one-byte codec, sha2-256.
    mutating func link(_ cid: CID) {
        // Byte by byte: an array literal here would allocate on every link of every node.
        bytes.append(0xd8); bytes.append(42); bytes.append(0x58); bytes.append(37); bytes.append(0x00); bytes.append(0x01)
        bytes.append(UInt8(cid.codec.rawValue)); bytes.append(CID.sha256Code); bytes.append(32)
        bytes.append(contentsOf: cid.digest)
    }

    /// A one-character text string (the field names of MST nodes), without building a String.
    mutating func key(_ ascii: UInt8) { bytes.append(0x61); bytes.append(ascii) }

    mutating func optionalLink(_ cid: CID?) { if let cid { link(cid) } else { null() } }
}
