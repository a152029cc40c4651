import Foundation
import Synchronization

public enum SequencerError: Error, Equatable {
    /// The event's write failed; its seq was handed out again.
    case eventLost
}

/// The events a group commit sequences, made durable together: `sequence` calls made with this set
/// as `Sequencer.deferral` only queue their event, and `waitDurable` then waits (once per
/// sequencer, for the last seq) until all of them are written, usually by a single fsync.
final class SequencerDeferral: Sendable {
    private let last = Mutex([(sequencer: Sequencer, seq: Int64, epoch: Int)]())

    func add(_ sequencer: Sequencer, seq: Int64, epoch: Int) {
        last.withLock { entries in
            if let i = entries.firstIndex(where: { $0.sequencer === sequencer }) {
                entries[i] = (sequencer, seq, epoch)
            } else {
                entries.append((sequencer, seq, epoch))
            }
        }
    }

    var isEmpty: Bool { last.withLock { $0.isEmpty } }

    func waitDurable() throws {
        for entry in last.withLock({ $0 }) { try entry.sequencer.waitDurable(entry.seq, epoch: entry.epoch) }
    }
}
