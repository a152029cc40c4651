import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A QUIC endpoint on one UDP socket, identified by its Ed25519 key. It dials iroh-compatible
/// peers and, after `listen(alpns:)`, accepts them. A thread polls the socket and ngtcp2's
/// timers; all connection state sits behind one lock. Call `close()` when done.
public final class Endpoint: @unchecked Sendable {
    let lock = NSLock()
    let core: EndpointCore
    private var socket: UDPSocket
    private var retiredSockets: [UDPSocket] = []
    private let wakeup: Wakeup
    private var running = true
    private let stopped = DispatchSemaphore(value: 0)
    let waiters = Waiters()
    let logger: Logger

    public var endpointId: EndpointId { core.endpointId }
    public var localAddress: SocketAddress { lock.withLock { socket.localAddress } }

    /// Binds a UDP socket (`127.0.0.1:0` picks a free loopback port).
    public init(secretKey: SecretKey, bind address: SocketAddress, config: TunnelConfig = TunnelConfig(),
                logger: Logger = Logger(label: "dpds.tunnel")) throws {
        socket = try UDPSocket(bind: address)
        core = try EndpointCore(secretKey: secretKey, config: config, localAddress: socket.localAddress)
        wakeup = try Wakeup()
        self.logger = logger
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "dpds-tunnel-\(socket.localAddress.port)"
        thread.start()
    }

    /// Accept dialers that offer one of these ALPNs (one is required).
    public func listen(alpns: [String]) {
        lock.withLock { core.listenALPNs = alpns }
    }

    /// Connects to `endpointId`, trying each address in turn; the peer must prove that key.
    public func dial(endpointId: EndpointId, addresses: [SocketAddress], alpn: String) async throws -> Connection {
        var lastError: Error = TunnelError.invalidArgument("no address to dial")
        for address in addresses {
            do {
                let handle: ConnectionHandle = try await withCheckedThrowingContinuation { cont in
                    lock.withLock {
                        do {
                            let h = try core.dial(endpointId, remote: address, alpn: alpn, now: MonotonicClock.now())
                            waiters.dials[h] = cont
                            pumpLocked()
                        } catch { cont.resume(throwing: error) }
                    }
                    wakeup.signal()
                }
                return Connection(endpoint: self, handle: handle)
            } catch let error as TunnelError where error.isAuthenticationFailure || error == .alpnMismatch {
                throw error
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// The next authenticated incoming connection.
    public func accept() async throws -> Connection {
        let handle: ConnectionHandle = try await withCheckedThrowingContinuation { cont in
            lock.withLock {
                if !running { cont.resume(throwing: TunnelError.endpointClosed) } else if !waiters.accepted.isEmpty {
                    cont.resume(returning: waiters.accepted.removeFirst())
                } else { waiters.accepts.append(cont) }
            }
        }
        return Connection(endpoint: self, handle: handle)
    }

    /// Errors of incoming connections that failed before they were accepted (bad peer id, ALPN,
    /// handshake timeout): a listener otherwise never hears of them.
    public func handshakeFailures() -> AsyncStream<TunnelError> {
        let (stream, continuation) = AsyncStream<TunnelError>.makeStream()
        lock.withLock { waiters.failureStreams.append(continuation) }
        return stream
    }

    /// Moves to a fresh UDP socket on the same IP (as after a NAT rebinding or a network change);
    /// dialed connections follow by QUIC path migration.
    public func rebind() throws {
        try lock.withLock {
            var address = socket.localAddress
            address.storage.in.sin_port = 0
            if address.family == AF_INET6 { address.storage.in6.sin6_port = 0 }
            let fresh = try UDPSocket(bind: address)
            retiredSockets.append(socket)
            socket = fresh
            core.rebind(to: fresh.localAddress, now: MonotonicClock.now())
            pumpLocked()
        }
        wakeup.signal()
    }

    /// Closes every connection (application code 0) and stops the endpoint's thread.
    public func close() {
        let wasRunning: Bool = lock.withLock {
            guard running else { return false }
            let now = MonotonicClock.now()
            for h in Array(core.connections.keys) { core.close(h, code: 0, reason: "endpoint closed", now: now) }
            pumpLocked()
            running = false
            waiters.failAll(.endpointClosed)
            waiters.failureStreams.forEach { $0.finish() }
            return true
        }
        guard wasRunning else { return }
        wakeup.signal()
        stopped.wait()
    }

    // MARK: the poll loop

    private func runLoop() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate(); stopped.signal() }
        while true {
            let (fd, timeoutMs): (Int32, Int32) = lock.withLock {
                retiredSockets.removeAll()
                let now = MonotonicClock.now()
                guard let deadline = core.nextDeadline else { return (socket.fd, 1000) }
                if deadline <= now { return (socket.fd, 0) }
                return (socket.fd, Int32(min(1000, (deadline - now + 999_999) / 1_000_000)))
            }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup.fd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 2, running ? timeoutMs : 0)
            let keepGoing: Bool = lock.withLock {
                if fds[1].revents != 0 { wakeup.drain() }
                let now = MonotonicClock.now()
                if fds[0].revents != 0 {
                    var n = 0
                    while n < 512, let (len, from, segment) = socket.receive(into: buffer) {
                        let step = segment > 0 ? segment : len
                        var offset = 0
                        while offset < len {
                            let end = min(len, offset + step)
                            core.receive(UnsafeRawBufferPointer(rebasing: buffer[offset..<end]), from: from, now: now)
                            offset = end
                        }
                        n += 1
                    }
                }
                core.handleTimers(now: now)
                pumpLocked()
                return running
            }
            if !keepGoing { return }
        }
    }

    /// Sends what the core has queued and hands its events to the waiting tasks. Lock held.
    func pumpLocked() {
        let now = MonotonicClock.now()
        core.flush(now: now) { batch, _ in socket.send(batch) }
        let events = core.takeEvents()
        if !events.isEmpty { dispatch(events) }
    }

    /// Runs `body` on the core under the lock, then sends and dispatches; wakes the loop so it
    /// re-reads the timer deadline.
    func withCore<R>(_ body: (EndpointCore) throws -> R) rethrows -> R {
        let result: R = try lock.withLock {
            let r = try body(core)
            pumpLocked()
            return r
        }
        wakeup.signal()
        return result
    }
}
