import Foundation
import Synchronization

/// A bounded wait ran out: a bug fails the test instead of hanging it.
public struct TimedOut: Error, CustomStringConvertible {
    public let seconds: Double
    public let place: String
    public var description: String { "timed out after \(seconds) s waiting at \(place)" }
}

/// `DPDS_TEST_BOUND_CAP=S` lowers every bound to at most S seconds: a stress loop hunting a rare
/// hang wants it to fail, with its place, well before the test watchdog stops the whole run.
private let boundCap: Double? = ProcessInfo.processInfo.environment["DPDS_TEST_BOUND_CAP"].flatMap(Double.init)

/// Bounds a wait on an event; the bound is generous and only there so a bug fails instead of hanging.
///
/// Not a task group: a group waits for every child, so an operation that ignores cancellation (a
/// continuation nobody resumes) would hang the test past its bound. Here the caller is answered at
/// the bound and the operation, cancelled, is left to end when it can.
public func bounded<T: Sendable>(_ seconds: Double, fileID: String = #fileID, line: Int = #line,
                                 _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let seconds = boundCap.map { min($0, seconds) } ?? seconds
    let once = Once<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let work = Task {
                do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: .seconds(seconds))
                if !Task.isCancelled { once.resume(.failure(TimedOut(seconds: seconds, place: "\(fileID):\(line)"))) }
                work.cancel()
            }
            once.start(continuation, tasks: [work, timer])
        }
    } onCancel: {
        once.resume(.failure(CancellationError()))
    }
}

/// The first result wins; the tasks still running are cancelled.
private final class Once<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var done = false
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, tasks: [Task<Void, Never>]) {
        let early: Result<T, any Error>? = state.withLock { s in
            s.tasks = tasks
            if let early = s.early { return early }
            s.continuation = continuation
            return nil
        }
        if let early {
            tasks.forEach { $0.cancel() }
            continuation.resume(with: early)
        }
    }

    func resume(_ result: Result<T, any Error>) {
        let (continuation, tasks): (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) = state.withLock { s in
            guard !s.done else { return (nil, []) }
            s.done = true
            if s.continuation == nil { s.early = result }
            defer { s.continuation = nil }
            return (s.continuation, s.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: result)
    }
}
