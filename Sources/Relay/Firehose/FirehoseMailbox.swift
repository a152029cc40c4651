import Synchronization

/// One subscriber's queue of live events. The hub appends a whole durable batch under one lock and
/// wakes the consumer at most once; the consumer takes everything pending in one go, so a busy
/// subscriber costs one lock and one wake-up per batch, not per event. Bounded: an append that would
/// exceed `limit` cuts the subscriber off instead of waiting (events already queued stay readable).
final class FirehoseMailbox: Sendable {
    private struct State {
        var pending: [SequencedEvent] = []
        var waiter: CheckedContinuation<[SequencedEvent]?, Never>?
        var finished = false
        var cut = false
    }

    private let state = Mutex(State())
    let limit: Int
    /// Called once when the mailbox finishes (cut off, cancelled, or consumer gone).
    let onFinish: @Sendable () -> Void

    init(limit: Int, onFinish: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.onFinish = onFinish
    }

    var wasCutOff: Bool { state.withLock { $0.cut } }

    /// Events delivered and not taken yet.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Never blocks on the consumer. Returns false when the subscriber was (or is now) cut off.
    @discardableResult
    func append(_ events: some Collection<SequencedEvent>) -> Bool {
        var finishedNow = false
        let resume: (CheckedContinuation<[SequencedEvent]?, Never>, [SequencedEvent]?)? = state.withLock { s in
            if s.finished { return nil }
            let room = limit - s.pending.count
            if events.count > room {
                s.pending.append(contentsOf: events.prefix(max(room, 0)))
                s.cut = true
                s.finished = true
                finishedNow = true
            } else {
                s.pending.append(contentsOf: events)
            }
            guard let waiter = s.waiter, !s.pending.isEmpty || s.finished else { return nil }
            s.waiter = nil
            let batch = s.pending
            s.pending = []
            return (waiter, batch.isEmpty ? nil : batch)
        }
        if let (waiter, batch) = resume { waiter.resume(returning: batch) }
        if finishedNow { onFinish() }
        return !finishedNow
    }

    func finish() {
        let (waiter, finishedNow) = state.withLock { s -> (CheckedContinuation<[SequencedEvent]?, Never>?, Bool) in
            if s.finished { return (nil, false) }
            s.finished = true
            let w = s.pending.isEmpty ? s.waiter : nil
            if w != nil { s.waiter = nil }
            return (w, true)
        }
        waiter?.resume(returning: nil)
        if finishedNow { onFinish() }
    }

    /// Everything pending (in seq order), waiting if there is none; nil once finished and drained
    /// or when the calling task is cancelled.
    func nextBatch() async -> [SequencedEvent]? {
        if let ready = takeReady() { return ready.isEmpty ? nil : ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[SequencedEvent]?, Never>) in
                let immediate: [SequencedEvent]?? = state.withLock { s in
                    if !s.pending.isEmpty {
                        let batch = s.pending
                        s.pending = []
                        return .some(batch)
                    }
                    if s.finished || Task.isCancelled { return .some(nil) }
                    s.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            finish()
        }
    }

    /// nil: nothing ready, must wait. Empty: finished and drained.
    private func takeReady() -> [SequencedEvent]? {
        state.withLock { s in
            if !s.pending.isEmpty {
                let batch = s.pending
                s.pending = []
                return batch
            }
            return s.finished ? [] : nil
        }
    }
}
