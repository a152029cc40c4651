import Protocol

/// What a run of commits changes in the block store once intermediate states are dropped.
///
/// Commit i+1 usually replaces the root, the commit block and the upper MST nodes commit i just
/// wrote, so in a group of n commits most puts are dead before the transaction ends: they are not
/// written. Every removal still becomes a garbage row (tagged with its commit's rev), because the
/// block may also exist in the store from before the batch; only removals of blocks the batch
/// itself put skip it (see below).
struct NetBatch {
    var puts: [(block: Block, rev: String)] = []
    var garbage: [(cid: CID, rev: String, record: Bool)] = []

    init(_ batch: [StorageWrite]) {
        if batch.count == 1, let w = batch.first {
            puts = w.putBlocks.map { ($0, w.head.rev) }
            garbage = w.deleteBlocks.map { ($0, w.head.rev, false) } + w.releasedRecords.map { ($0, w.head.rev, true) }
            return
        }
        // Sized up front: growing the dictionary rehashes every CID it holds (seen in the profile).
        let putCount = batch.reduce(0) { $0 + $1.putBlocks.count }
        var index: [CID: Int] = Dictionary(minimumCapacity: putCount)
        var slots: [(block: Block, rev: String)?] = []
        slots.reserveCapacity(putCount)
        for w in batch {
            let rev = w.head.rev
            for b in w.putBlocks {
                if let i = index[b.cid], slots[i] != nil { slots[i]!.rev = rev } else { index[b.cid] = slots.count; slots.append((b, rev)) }
            }
            for c in w.deleteBlocks {
                // Put earlier in this batch and never written: if the store holds this block too,
                // it is from before a removal that already left its own garbage row (every
                // removal does, and its rev is newer than the stored block's), so no row is needed.
                if let i = index[c], slots[i] != nil { slots[i] = nil; continue }
                garbage.append((c, rev, false))
            }
            // Record blocks may be shared by several keys: always written, released through the sweep.
            for c in w.releasedRecords { garbage.append((c, rev, true)) }
        }
        puts = slots.compactMap { $0 }
    }
}
