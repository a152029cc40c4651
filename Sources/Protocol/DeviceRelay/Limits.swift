/// The limits a relay announces in `welcome` (spec section 10); all are required on the wire.
public struct Limits: Hashable, Sendable {
    public var maxFrameBytes = 4_194_304
    public var maxCommitBytes = 2_000_000
    public var maxOpsPerCommit = 200
    public var maxInFlight = 8
    public var pingIntervalMs = 15_000
    public var pingTimeoutMs = 10_000
    public var offlineAfterMs = 45_000
    public var writeTimeoutMs = 3_000
    public var commitAckTimeoutMs = 30_000

    public init() {}

    public static let `default` = Limits()

    static var keyPaths: [(String, WritableKeyPath<Limits, Int>)] { [
        ("maxFrameBytes", \.maxFrameBytes), ("maxCommitBytes", \.maxCommitBytes),
        ("maxOpsPerCommit", \.maxOpsPerCommit), ("maxInFlight", \.maxInFlight),
        ("pingIntervalMs", \.pingIntervalMs), ("pingTimeoutMs", \.pingTimeoutMs),
        ("offlineAfterMs", \.offlineAfterMs), ("writeTimeoutMs", \.writeTimeoutMs),
        ("commitAckTimeoutMs", \.commitAckTimeoutMs),
    ] }

    init(fields: MessageFields) throws(FrameError) {
        for (key, path) in Self.keyPaths { self[keyPath: path] = try fields.count(key) }
        guard maxFrameBytes <= DeviceRelayProtocol.absoluteMaxFrameBytes else {
            throw .invalidValue(message: fields.message, field: "maxFrameBytes", reason: "over the 16 MiB ceiling")
        }
        guard maxInFlight >= 1, pingIntervalMs >= 1, pingTimeoutMs >= 1, offlineAfterMs >= 1 else {
            throw .invalidValue(message: fields.message, field: "limits", reason: "zero")
        }
    }

    func toDataValue() -> DataValue {
        .map(Dictionary(uniqueKeysWithValues: Self.keyPaths.map { ($0.0, DataValue.count(self[keyPath: $0.1])) }))
    }
}
