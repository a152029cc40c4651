/// Reads a blob or snapshot stream (spec section 3.3): one header frame, then exactly `size` raw
/// bytes, then FIN. Body bytes are handed out as they arrive, never buffered whole; the caller's
/// QUIC stream flow control is the backpressure.
public struct BodyStreamReader: Sendable {
    public enum Event: Hashable, Sendable {
        case blob(BlobHeader)
        case snapshot(SnapshotHeader)
        case body([UInt8])
        /// Exactly `size` bytes arrived and the stream ended.
        case complete
    }

    public enum Failure: Error, Hashable, Sendable {
        case frame(FrameError)
        /// The stream began with a message that does not start a body stream.
        case notABodyStream(type: String)
        case bodyOverLimit(size: Int, limit: Int)
        case bodyTooLong(expected: Int)
        case bodyTooShort(expected: Int, received: Int)
    }

    public let maxBodyBytes: Int
    private var frames: FrameReader
    private var expected: Int?
    private var received = 0

    public init(maxBodyBytes: Int, maxFrameBytes: Int = Limits.default.maxFrameBytes) {
        self.maxBodyBytes = maxBodyBytes
        frames = FrameReader(limit: maxFrameBytes)
    }

    public mutating func receive(_ bytes: some Collection<UInt8>) throws(Failure) -> [Event] {
        var events: [Event] = []
        var rest = Array(bytes)
        if expected == nil {
            frames.append(rest)
            let message: DeviceRelayMessage?
            do { message = try frames.next() } catch { throw .frame(error) }
            guard let message else { return [] }
            let size: Int
            switch message {
            case .blobHeader(let h): size = h.size; events.append(.blob(h))
            case .snapshotHeader(let h): size = h.size; events.append(.snapshot(h))
            default: throw .notABodyStream(type: message.type)
            }
            guard size <= maxBodyBytes else { throw .bodyOverLimit(size: size, limit: maxBodyBytes) }
            expected = size
            rest = frames.drain()
        }
        guard let expected, !rest.isEmpty else { return events }
        guard received + rest.count <= expected else { throw .bodyTooLong(expected: expected) }
        received += rest.count
        events.append(.body(rest))
        return events
    }

    /// FIN: the body must be exactly as long as its header said.
    public mutating func end() throws(Failure) -> [Event] {
        guard let expected else {
            do { try frames.finish() } catch { throw .frame(error) }
            throw .frame(.truncated(buffered: 0))
        }
        guard received == expected else { throw .bodyTooShort(expected: expected, received: received) }
        return [.complete]
    }
}

extension FrameReader {
    /// Hands out and forgets whatever follows the frames read so far.
    mutating func drain() -> [UInt8] {
        let rest = Array(remaining)
        self = FrameReader(limit: limit)
        return rest
    }
}
