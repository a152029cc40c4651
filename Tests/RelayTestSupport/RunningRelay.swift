import Relay
import TestSupport

/// A relay server running in this process on the port it bound: what every in-process relay of the
/// tests (mobile-only, enrollment, wallet) shares. `start` returns on the server's readiness event.
public struct RunningRelay: Sendable {
    public let port: Int
    public let environment: RelayEnvironment
    private let task: Task<Void, any Error>
    private let shutdown: RelayShutdown

    public var base: String { "http://127.0.0.1:\(port)" }

    public struct ServerExited: Error {}

    public static func start(_ environment: RelayEnvironment, within seconds: Double = 300) async throws -> RunningRelay {
        let server = RelayServer(environment: environment)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let shutdown = RelayShutdown()
        let task = Task {
            defer { readyContinuation.finish() }
            try await server.run(shutdown: shutdown) { port in readyContinuation.yield(port) }
        }
        let port = try await bounded(seconds) {
            var iterator = ready.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ServerExited() }
            return port
        }
        return RunningRelay(port: port, environment: environment, task: task, shutdown: shutdown)
    }

    /// Graceful stop, as SIGTERM would; waits until the server has finished.
    public func stop() async {
        await shutdown.trigger()
        _ = await task.result
    }
}
