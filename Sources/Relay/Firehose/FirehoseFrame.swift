import Protocol

/// A subscribeRepos frame: header `{op, t}` then the body, two DAG-CBOR objects back to back.
public enum FirehoseFrame {
    /// `op: 1` message frame of type `t` (e.g. `#commit`).
    public static func message(type: String, body: DataValue) -> [UInt8] {
        DAGCBOR.encode(.map(["op": .integer(1), "t": .string(type)])) + DAGCBOR.encode(body)
    }

    /// `op: -1` error frame; the stream closes after it.
    public static func error(_ name: String, message: String?) -> [UInt8] {
        var body: [String: DataValue] = ["error": .string(name)]
        if let message { body["message"] = .string(message) }
        return DAGCBOR.encode(.map(["op": .integer(-1)])) + DAGCBOR.encode(.map(body))
    }

    /// The body of a stored or received frame: the second of its two DAG-CBOR objects.
    public static func body(of frame: [UInt8]) throws -> DataValue {
        let header = try DAGCBOR.decodeFirst(frame)
        return try DAGCBOR.decode(frame[header.length...])
    }

    public static func info(_ name: String, message: String?) -> [UInt8] {
        var body: [String: DataValue] = ["name": .string(name)]
        if let message { body["message"] = .string(message) }
        return Self.message(type: "#info", body: .map(body))
    }
}
