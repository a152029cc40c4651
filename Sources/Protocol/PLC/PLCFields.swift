/// Strict reader of one op map: each field taken once, unknown fields refused (the reference
/// schemas are `.strict()`, and a signed op must not carry data its signer may not have meant).
struct PLCFields {
    private var map: [String: DataValue]
    private let what: String

    init(_ value: DataValue, _ what: String) throws(PLCError) {
        guard case .map(let m) = value else { throw .malformed("\(what) is not a map") }
        map = m
        self.what = what
    }

    mutating func take(_ key: String) throws(PLCError) -> DataValue {
        guard let v = map.removeValue(forKey: key) else { throw .malformed("\(what) lacks \"\(key)\"") }
        return v
    }

    mutating func string(_ key: String) throws(PLCError) -> String {
        guard case .string(let s) = try take(key) else { throw .malformed("\(what).\(key) is not a string") }
        return s
    }

    mutating func strings(_ key: String) throws(PLCError) -> [String] {
        guard case .array(let a) = try take(key) else { throw .malformed("\(what).\(key) is not an array") }
        var out: [String] = []
        for v in a {
            guard case .string(let s) = v else { throw .malformed("\(what).\(key) holds a non-string") }
            out.append(s)
        }
        return out
    }

    mutating func stringMap(_ key: String) throws(PLCError) -> [String: String] {
        guard case .map(let m) = try take(key) else { throw .malformed("\(what).\(key) is not a map") }
        var out: [String: String] = [:]
        for (k, v) in m {
            guard case .string(let s) = v else { throw .malformed("\(what).\(key).\(k) is not a string") }
            out[k] = s
        }
        return out
    }

    /// `null` or a CID string (PLC carries prev as text, not as a DAG-CBOR link).
    mutating func prev() throws(PLCError) -> CID? {
        switch try take("prev") {
        case .null: return nil
        case .string(let s):
            do { return try CID(string: s) } catch { throw .malformed("\(what).prev is not a CID: \(s)") }
        default: throw .malformed("\(what).prev is neither null nor a string")
        }
    }

    func finish() throws(PLCError) {
        if let extra = map.keys.sorted().first { throw .malformed("\(what) has unexpected field \"\(extra)\"") }
    }
}
