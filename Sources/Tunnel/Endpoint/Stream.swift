/// One QUIC stream of a `Connection`, as async reads and writes. Writes wait while too many of
/// their bytes are unacknowledged; the peer's reads pace ours through flow control.
public struct Stream: Sendable {
    public let connection: Connection
    public let id: Int64

    init(connection: Connection, id: Int64) {
        self.connection = connection
        self.id = id
    }

    private var endpoint: Endpoint { connection.endpoint }
    private var key: Waiters.StreamKey { .init(connection: connection.handle, stream: id) }

    /// Up to `maxBytes` bytes, or nil at the end of the stream. Throws on reset or connection loss.
    public func read(maxBytes: Int = 1 << 16) async throws -> [UInt8]? {
        while true {
            let result: Result<StreamRead, Error> = await withCheckedContinuation { cont in
                endpoint.withCore { core in
                    do {
                        let r = try core.read(connection.handle, stream: id, max: maxBytes)
                        if r == .wouldBlock {
                            endpoint.waiters.reads[key] = { cont.resume(returning: .success(.wouldBlock)) }
                        } else { cont.resume(returning: .success(r)) }
                    } catch { cont.resume(returning: .failure(error)) }
                }
            }
            switch try result.get() {
            case .data(let bytes): return bytes
            case .end: return nil
            case .reset(let code): throw TunnelError.streamReset(code: code)
            case .wouldBlock: continue
            }
        }
    }

    /// Everything until the end of the stream; throws if more than `limit` bytes arrive.
    public func readToEnd(limit: Int = 64 << 20) async throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try await read() {
            out += chunk
            if out.count > limit { throw TunnelError.invalidArgument("stream longer than \(limit) bytes") }
        }
        return out
    }

    public func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            try await waitForSendSpace()
            let end = min(bytes.count, offset + 256 << 10)
            try bytes[offset..<end].withUnsafeBytes { piece in
                try endpoint.withCore { try $0.write(connection.handle, stream: id, piece, fin: false) }
            }
            offset = end
        }
    }

    /// Ends the sending side (FIN) after what was written.
    public func finish() async throws {
        try endpoint.withCore { core in
            try [UInt8]().withUnsafeBytes { try core.write(connection.handle, stream: id, $0, fin: true) }
        }
    }

    /// Abandons the stream in both directions with an application error code.
    public func reset(code: UInt64 = 0) {
        endpoint.withCore { $0.resetStream(connection.handle, stream: id, code: code) }
    }

    private func waitForSendSpace() async throws {
        let limit = endpoint.core.config.sendBufferLimit
        while true {
            let result: Result<Bool, Error> = await withCheckedContinuation { cont in
                endpoint.lock.withLock {
                    do {
                        if try endpoint.core.unacknowledged(connection.handle, stream: id) < limit {
                            cont.resume(returning: .success(true))
                        } else {
                            endpoint.waiters.writes[key] = { cont.resume(returning: .success(false)) }
                        }
                    } catch { cont.resume(returning: .failure(error)) }
                }
            }
            if try result.get() { return }
        }
    }
}
