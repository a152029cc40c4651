/// Tasks suspended on the endpoint, keyed by what would let them continue. Every waiter is
/// resumed on the event it waits for or on its connection's close; it then re-checks the core.
final class Waiters {
    struct StreamKey: Hashable { let connection: ConnectionHandle; let stream: Int64 }

    var dials: [ConnectionHandle: CheckedContinuation<ConnectionHandle, Error>] = [:]
    var accepts: [CheckedContinuation<ConnectionHandle, Error>] = []
    var accepted: [ConnectionHandle] = []
    typealias Wake = () -> Void
    var reads: [StreamKey: Wake] = [:]
    var writes: [StreamKey: Wake] = [:]
    var opens: [ConnectionHandle: [Wake]] = [:]
    var incoming: [ConnectionHandle: (bidi: [Int64], uni: [Int64])] = [:]
    var incomingWaiters: [ConnectionHandle: [Wake]] = [:]
    var closed: [ConnectionHandle: TunnelError] = [:]
    var closeWaiters: [ConnectionHandle: [CheckedContinuation<TunnelError, Never>]] = [:]
    /// Connections the application holds a `Connection` for (released when it is dropped).
    var handedOut: Set<ConnectionHandle> = []
    /// Listeners of `Endpoint.handshakeFailures()`.
    var failureStreams: [AsyncStream<TunnelError>.Continuation] = []

    func failAll(_ error: TunnelError) {
        for (_, c) in dials { c.resume(throwing: error) }
        dials.removeAll()
        for c in accepts { c.resume(throwing: error) }
        accepts.removeAll()
        wakeAll()
    }

    func wakeAll() {
        for (_, c) in reads { c() }
        reads.removeAll()
        for (_, c) in writes { c() }
        writes.removeAll()
        for (_, list) in opens { list.forEach { $0() } }
        opens.removeAll()
        for (_, list) in incomingWaiters { list.forEach { $0() } }
        incomingWaiters.removeAll()
    }

    func wake(connection h: ConnectionHandle) {
        for key in reads.keys where key.connection == h { reads.removeValue(forKey: key)?() }
        for key in writes.keys where key.connection == h { writes.removeValue(forKey: key)?() }
        opens.removeValue(forKey: h)?.forEach { $0() }
        incomingWaiters.removeValue(forKey: h)?.forEach { $0() }
    }
}

extension Endpoint {
    /// Lock held.
    func dispatch(_ events: [CoreEvent]) {
        for event in events {
            switch event {
            case .established(let h):
                if let dial = waiters.dials.removeValue(forKey: h) {
                    waiters.handedOut.insert(h)
                    dial.resume(returning: h)
                } else if !waiters.accepts.isEmpty {
                    waiters.handedOut.insert(h)
                    waiters.accepts.removeFirst().resume(returning: h)
                } else {
                    waiters.handedOut.insert(h)
                    waiters.accepted.append(h)
                }
            case .streamOpened(let h, let s):
                var queue = waiters.incoming[h] ?? ([], [])
                if StreamKind.isBidirectional(s) { queue.bidi.append(s) } else { queue.uni.append(s) }
                waiters.incoming[h] = queue
                waiters.incomingWaiters.removeValue(forKey: h)?.forEach { $0() }
            case .readable(let h, let s):
                waiters.reads.removeValue(forKey: .init(connection: h, stream: s))?()
            case .writable(let h, let s):
                waiters.writes.removeValue(forKey: .init(connection: h, stream: s))?()
            case .streamsAvailable(let h):
                waiters.opens.removeValue(forKey: h)?.forEach { $0() }
            case .closed(let h, let error):
                waiters.closed[h] = error
                waiters.closeWaiters.removeValue(forKey: h)?.forEach { $0.resume(returning: error) }
                waiters.wake(connection: h)
                if let dial = waiters.dials.removeValue(forKey: h) {
                    dial.resume(throwing: error)
                } else if !waiters.handedOut.contains(h) {
                    for s in waiters.failureStreams { s.yield(error) }
                }
                if !waiters.handedOut.contains(h) {
                    logger.debug("connection \(h) ended before it was handed out: \(error)")
                    releaseLocked(h)
                }
            }
        }
    }

    /// Forgets a connection (its CONNECTION_CLOSE, if any, already went out). Lock held.
    func releaseLocked(_ h: ConnectionHandle) {
        core.release(h)
        waiters.closed[h] = nil
        waiters.incoming[h] = nil
        waiters.handedOut.remove(h)
    }
}
