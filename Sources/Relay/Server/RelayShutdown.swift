import ServiceLifecycle
import Synchronization

/// Asks a running relay to shut down gracefully, as SIGTERM does: in-flight requests finish,
/// then `RelayServer.run` returns. Safe to trigger before the server has started.
public final class RelayShutdown: Sendable {
    private enum State { case idle, running(ServiceGroup), requested }
    private let state = Mutex(State.idle)

    public init() {}

    public func trigger() async {
        let group: ServiceGroup? = state.withLock { state in
            switch state {
            case .running(let group): return group
            case .idle, .requested:
                state = .requested
                return nil
            }
        }
        await group?.triggerGracefulShutdown()
    }

    /// Returns false when shutdown was requested before the group could start.
    func attach(_ group: ServiceGroup) -> Bool {
        state.withLock { state in
            if case .requested = state { return false }
            state = .running(group)
            return true
        }
    }
}
