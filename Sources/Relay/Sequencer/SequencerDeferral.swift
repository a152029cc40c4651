import Foundation
import Synchronization

public enum SequencerError: Error, Equatable {
    /// The event's write failed; its seq was handed out again.
    case eventLost
    case malformedEvent(String)
}

/// The events a group commit sequences, made durable together: `sequence` calls made with this set
/// as `Sequencer.deferral` only queue their event, and `waitDurable` then waits (once per
/// sequencer, for the last seq) until all of them are written, usually by a single fsync.
///
/// With `holdsPublication`, its events stay durable but unseen by live subscribers until `release`:
/// the commit writer logs a commit's event before storing the commit in its repo, and a subscriber
/// told of a commit must find it there.
final class SequencerDeferral: Sendable {
    private let last = Mutex([(sequencer: Sequencer, seq: Int64, epoch: Int)]())
    private let added = Mutex(0)
    private let seqs = Mutex([ObjectIdentifier: (Sequencer, [Int64])]())
    let holdsPublication: Bool

    init(holdsPublication: Bool = false) { self.holdsPublication = holdsPublication }

    /// Publishes the held events (each sequencer's, in seq order, after any held before them).
    func release() {
        for (sequencer, held) in seqs.withLock({ Array($0.values) }) { sequencer.release(held) }
    }

    /// How many events were queued under this deferral so far.
    var count: Int { added.withLock { $0 } }

    func add(_ sequencer: Sequencer, seq: Int64, epoch: Int) {
        added.withLock { $0 += 1 }
        if holdsPublication {
            seqs.withLock { $0[ObjectIdentifier(sequencer), default: (sequencer, [])].1.append(seq) }
        }
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
