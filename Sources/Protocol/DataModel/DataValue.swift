/// A value of the AT Protocol data model: what DAG-CBOR and the JSON mapping both carry.
///
/// No floats: the atproto data model forbids them. Integers are signed 64-bit (the model's range).
/// Map keys are strings; canonical order (length first, then bytes) is applied when encoding,
/// so a `Dictionary` is enough here.
///
/// Not `indirect`: arrays and dictionaries already store their elements out of line, and an
/// indirect enum would heap-box every scalar (a decoder's hottest allocation).
public enum DataValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case bytes([UInt8])
    case link(CID)
    case array([DataValue])
    case map([String: DataValue])
}

extension DataValue {
    public subscript(key: String) -> DataValue? {
        if case .map(let m) = self { return m[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var integerValue: Int64? { if case .integer(let i) = self { return i }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var bytesValue: [UInt8]? { if case .bytes(let b) = self { return b }; return nil }
    public var linkValue: CID? { if case .link(let c) = self { return c }; return nil }
    public var arrayValue: [DataValue]? { if case .array(let a) = self { return a }; return nil }
    public var mapValue: [String: DataValue]? { if case .map(let m) = self { return m }; return nil }
}
