import Foundation
import TestSupport
@testable import Protocol

/// Reads spec/vectors/*.json: the atproto JSON data model (`$link`, `$bytes`) into `DataValue`,
/// self-contained so the vectors are checked by code independent of the codec under test.
enum DeviceRelayVectors {
    static func load(_ name: String) throws -> JSONValue {
        let url = PackageRoot.url.appendingPathComponent("spec/vectors").appendingPathComponent(name)
        return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let hi = it.next(), let lo = it.next() {
            out.append(UInt8(String(decoding: [hi, lo], as: UTF8.self), radix: 16)!)
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

enum JSONValue: Decodable {
    case null, bool(Bool), int(Int64), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? { if case .object(let o) = self { return o[key] }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var int: Int? { if case .int(let i) = self { return Int(i) }; return nil }
    var array: [JSONValue] { if case .array(let a) = self { return a }; return [] }

    /// The data-model value this JSON denotes.
    var dataValue: DataValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .integer(i)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(\.dataValue))
        case .object(let o):
            if o.count == 1, let link = o["$link"]?.string { return .link(Self.cid(link)) }
            if o.count == 1, let b = o["$bytes"]?.string { return .bytes(Self.base64(b)) }
            return .map(o.mapValues(\.dataValue))
        }
    }

    static func base64(_ s: String) -> [UInt8] {
        let padded = s + String(repeating: "=", count: (4 - s.count % 4) % 4)
        return [UInt8](Data(base64Encoded: padded)!)
    }

    /// `b` + RFC 4648 base32 lower, unpadded, of a CIDv1 sha2-256.
    static func cid(_ s: String) -> CID {
        precondition(s.first == "b")
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
        var bits = 0, acc = 0
        var out: [UInt8] = []
        for ch in s.utf8.dropFirst() {
            acc = acc << 5 | alphabet.firstIndex(of: ch)!
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> bits) & 0xff))
            }
        }
        precondition(out.count == 36 && out[0] == 1 && out[2] == 0x12 && out[3] == 32)
        return CID(codec: CID.Codec(rawValue: UInt64(out[1]))!, digest: Array(out[4...]))
    }
}
