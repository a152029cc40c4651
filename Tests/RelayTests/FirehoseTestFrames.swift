import Protocol

/// Splits a subscribeRepos frame into its header and body maps.
enum FirehoseTestFrames {
    static func split(_ frame: [UInt8]) throws -> (header: [String: DataValue], body: [String: DataValue]) {
        let (header, length) = try DAGCBOR.decodeFirst(frame)
        let body = try DAGCBOR.decode(frame[length...])
        return (header.mapValue ?? [:], body.mapValue ?? [:])
    }

    static func body(_ frame: [UInt8]) throws -> [String: DataValue] { try split(frame).body }
}
