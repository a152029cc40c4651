import Foundation
import Protocol

/// A link to a subtree: either still in the block store (by CID) or loaded and possibly modified.
enum MSTChild {
    case stored(CID)
    case loaded(MSTNode)
}

/// One leaf of a node plus the subtree to its right (keys between it and the next leaf).
struct MSTEntry {
    var key: [UInt8]
    var value: CID
    var right: MSTChild?
}

/// A mutable in-memory MST node. Every entry sits at `layer`; subtrees sit at `layer - 1`.
/// `cid` caches the hash of the encoding and is cleared on mutation, so hashing is lazy and only
/// the touched path is re-encoded per commit.
final class MSTNode {
    var layer: Int
    var left: MSTChild?
    var entries: [MSTEntry]
    var cid: CID?

    init(layer: Int, left: MSTChild? = nil, entries: [MSTEntry] = [], cid: CID? = nil) {
        self.layer = layer
        self.left = left
        self.entries = entries
        self.cid = cid
    }

    var isEmpty: Bool { entries.isEmpty && left == nil }

    /// Index of the first entry whose key is >= `key` (binary search; entries are sorted).
    func lowerBound(_ key: [UInt8]) -> Int {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if MSTNode.less(entries[mid].key, key) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Byte order of two keys with memcmp: the generic `lexicographicallyPrecedes` compares
    /// element by element and was the top symbol of a tree build.
    static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let n = min(pa.count, pb.count)
                let c = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
                return c < 0 || (c == 0 && pa.count < pb.count)
            }
        }
    }

    /// The subtree in the gap before entry `index` (index == count: after the last entry).
    func gap(_ index: Int) -> MSTChild? { index == 0 ? left : entries[index - 1].right }

    func setGap(_ index: Int, _ child: MSTChild?) {
        if index == 0 { left = child } else { entries[index - 1].right = child }
    }
}
