/// Frames: a 4-byte big-endian body length, then one DAG-CBOR map with a type tag `t` (spec section 3).
public enum Frame {
    public static let headerLength = 4

    public static func encode(_ message: DeviceRelayMessage) -> [UInt8] {
        encode(body: DAGCBOR.encode(message.toDataValue()))
    }

    public static func encode(_ message: some MessageBody) -> [UInt8] {
        encode(body: DAGCBOR.encode(message.toDataValue()))
    }

    static func encode(body: [UInt8]) -> [UInt8] {
        let n = UInt32(body.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + body
    }

    /// Section 3.2: nesting depth 64, and never more than the absolute frame ceiling.
    static let limits = DAGCBORLimits(maxDepth: DeviceRelayProtocol.maxNestingDepth,
                                      maxSize: DeviceRelayProtocol.absoluteMaxFrameBytes)

    /// Decodes one frame body (without its length prefix).
    public static func decode(body: some Collection<UInt8>) throws(FrameError) -> DeviceRelayMessage {
        guard !body.isEmpty else { throw .emptyFrame }
        let value: DataValue
        do {
            value = try DAGCBOR.decode(Array(body), limits: limits)
        } catch {
            throw .invalidDAGCBOR(String(describing: error))
        }
        return try DeviceRelayMessage(from: value)
    }

    /// Decodes exactly one whole frame, prefix included, under `limit`.
    public static func decode(_ bytes: [UInt8], limit: Int = DeviceRelayProtocol.absoluteMaxFrameBytes)
        throws(FrameError) -> DeviceRelayMessage
    {
        var reader = FrameReader(limit: limit)
        reader.append(bytes)
        guard let message = try reader.next() else { throw .truncated(buffered: bytes.count) }
        try reader.finish()
        return message
    }
}

/// Incremental frame reader for one stream: feed bytes as they arrive, pull whole messages out.
/// The length is checked before any body byte is buffered, so an over-limit frame costs 4 bytes.
public struct FrameReader: Sendable {
    public var limit: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(limit: Int) {
        self.limit = min(limit, DeviceRelayProtocol.absoluteMaxFrameBytes)
    }

    public var bufferedCount: Int { buffer.count - start }

    var remaining: ArraySlice<UInt8> { buffer[start...] }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole message, nil if more bytes are needed.
    public mutating func next() throws(FrameError) -> DeviceRelayMessage? {
        guard bufferedCount >= Frame.headerLength else { return nil }
        var length = 0
        for i in 0..<Frame.headerLength { length = length << 8 | Int(buffer[start + i]) }
        guard length > 0 else { throw .emptyFrame }
        guard length <= limit else { throw .frameTooLarge(length: length, limit: limit) }
        guard bufferedCount >= Frame.headerLength + length else { return nil }
        let bodyStart = start + Frame.headerLength
        let body = buffer[bodyStart..<(bodyStart + length)]
        start = bodyStart + length
        return try Frame.decode(body: body)
    }

    /// At the end of the stream: anything left is a truncated frame.
    public func finish() throws(FrameError) {
        if bufferedCount > 0 { throw .truncated(buffered: bufferedCount) }
    }
}
