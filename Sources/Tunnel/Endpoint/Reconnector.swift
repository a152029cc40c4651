/// Keeps a connection to one remote endpoint: dials, reports `.up`, waits for the connection to
/// end, reports `.down`, and dials again after an exponential backoff (the desktop waking from
/// sleep, the relay restarting). Stop it with `stop()`.
public final class Reconnector: Sendable {
    public enum Event: Sendable {
        case up(Connection)
        case down(TunnelError)
        /// The next attempt (counting from 1) starts after this delay.
        case retrying(attempt: Int, after: Duration)
    }

    public struct Backoff: Sendable {
        public var initial: Duration
        public var maximum: Duration
        public var multiplier: Double

        public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(30), multiplier: Double = 2) {
            self.initial = initial
            self.maximum = maximum
            self.multiplier = multiplier
        }

        func delay(afterFailures n: Int) -> Duration {
            var d = initial
            for _ in 1..<max(1, n) { d = min(maximum, d * multiplier) }
            return d
        }
    }

    public let events: AsyncStream<Event>
    private let task: Task<Void, Never>

    public init(endpoint: Endpoint, endpointId: EndpointId, addresses: [SocketAddress], alpn: String,
                backoff: Backoff = Backoff()) {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        events = stream
        task = Task {
            var failures = 0
            while !Task.isCancelled {
                do {
                    let connection = try await endpoint.dial(endpointId: endpointId, addresses: addresses, alpn: alpn)
                    failures = 0
                    continuation.yield(.up(connection))
                    let reason = await withTaskCancellationHandler {
                        await connection.closed()
                    } onCancel: { connection.close(code: 0, reason: "reconnector stopped") }
                    continuation.yield(.down(reason))
                } catch {
                    let reason = error as? TunnelError ?? .handshakeFailed("\(error)")
                    continuation.yield(.down(reason))
                    if reason == .endpointClosed { break }
                }
                if Task.isCancelled { break }
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                continuation.yield(.retrying(attempt: failures, after: delay))
                try? await Task.sleep(for: delay)
            }
            continuation.finish()
        }
    }

    public func stop() { task.cancel() }

    deinit { task.cancel() }
}
