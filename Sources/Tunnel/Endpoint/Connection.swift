/// An authenticated QUIC connection to one remote endpoint. Dropping the last reference closes it.
public final class Connection: Sendable {
    let endpoint: Endpoint
    let handle: ConnectionHandle
    /// The endpoint id the peer proved during the handshake.
    public let remoteEndpointId: EndpointId
    /// The negotiated application protocol.
    public let alpn: String

    init(endpoint: Endpoint, handle: ConnectionHandle) {
        self.endpoint = endpoint
        self.handle = handle
        (remoteEndpointId, alpn) = endpoint.lock.withLock {
            (endpoint.core.remoteId(handle) ?? (try! EndpointId(bytes: [UInt8](repeating: 0, count: 32))), endpoint.core.alpn(handle) ?? "")
        }
    }

    deinit {
        endpoint.withCore { core in
            core.close(handle, code: 0, reason: "", now: MonotonicClock.now())
        }
        endpoint.lock.withLock {
            endpoint.pumpLocked()
            endpoint.releaseLocked(handle)
        }
    }

    public func openBidirectionalStream() async throws -> Stream { try await open(bidirectional: true) }
    public func openUnidirectionalStream() async throws -> Stream { try await open(bidirectional: false) }

    private func open(bidirectional: Bool) async throws -> Stream {
        while true {
            let id: Int64? = try await withCheckedContinuation { (cont: CheckedContinuation<Result<Int64?, Error>, Never>) in
                endpoint.withCore { core in
                    do {
                        if let id = try core.openStream(handle, bidirectional: bidirectional) {
                            cont.resume(returning: .success(id))
                        } else {
                            endpoint.waiters.opens[handle, default: []].append(
                                { cont.resume(returning: .success(nil)) })
                        }
                    } catch { cont.resume(returning: .failure(error)) }
                }
            }.get()
            if let id { return Stream(connection: self, id: id) }
        }
    }

    /// The next stream the peer opened and sent on.
    public func acceptBidirectionalStream() async throws -> Stream { try await accept(bidirectional: true) }
    public func acceptUnidirectionalStream() async throws -> Stream { try await accept(bidirectional: false) }

    private func accept(bidirectional: Bool) async throws -> Stream {
        while true {
            let result: Result<Int64?, Error> = await withCheckedContinuation { cont in
                endpoint.lock.withLock {
                    var queue = endpoint.waiters.incoming[handle] ?? ([], [])
                    if bidirectional, !queue.bidi.isEmpty {
                        cont.resume(returning: .success(queue.bidi.removeFirst()))
                    } else if !bidirectional, !queue.uni.isEmpty {
                        cont.resume(returning: .success(queue.uni.removeFirst()))
                    } else if let error = endpoint.waiters.closed[handle] {
                        cont.resume(returning: .failure(error))
                    } else {
                        endpoint.waiters.incomingWaiters[handle, default: []].append(
                            { cont.resume(returning: .success(nil)) })
                    }
                    endpoint.waiters.incoming[handle] = queue
                }
            }
            if let id = try result.get() { return Stream(connection: self, id: id) }
        }
    }

    /// Closes the connection with an application error code (the peer sees it).
    public func close(code: UInt64 = 0, reason: String = "") {
        endpoint.withCore { $0.close(handle, code: code, reason: reason, now: MonotonicClock.now()) }
    }

    /// Waits until the connection ends and says why.
    public func closed() async -> TunnelError {
        await withCheckedContinuation { cont in
            endpoint.lock.withLock {
                if let error = endpoint.waiters.closed[handle] { cont.resume(returning: error) } else {
                    endpoint.waiters.closeWaiters[handle, default: []].append(cont)
                }
            }
        }
    }

    public var stats: ConnectionStats? { endpoint.lock.withLock { endpoint.core.stats(handle) } }
}
