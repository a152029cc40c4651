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

    /// Graceful stop, as SIGTERM would; waits until the server has finished. A graceful stop waits
    /// for open connections: after `graceSeconds` the server is cancelled instead (abruptly), and
    /// after as long again the stop gives up, saying so, rather than hang the whole test run.
    public func stop(graceSeconds: Double = 60) async {
        await shutdown.trigger()
        if await Self.finished(task, within: graceSeconds) { return }
        print("RunningRelay: the relay on port \(port) had not stopped \(Int(graceSeconds)) s after a graceful stop; cancelling it")
        task.cancel()
        if await Self.finished(task, within: graceSeconds) { return }
        print("RunningRelay: the relay on port \(port) did not stop when cancelled either; left running")
    }

    /// Whether `task` ends within `seconds`. Unstructured on purpose: a task group would wait for a
    /// child that awaits a task which never ends.
    private static func finished(_ task: Task<Void, any Error>, within seconds: Double) async -> Bool {
        let (outcome, report) = AsyncStream.makeStream(of: Bool.self)
        Task { _ = await task.result; report.yield(true) }
        Task { try? await Task.sleep(for: .seconds(seconds)); report.yield(false) }
        var first = outcome.makeAsyncIterator()
        return await first.next() ?? false
    }
}
