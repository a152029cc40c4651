import Protocol

extension MST {
    /// The covering proof for `keys` (sync v1.1 operation inversion): for each key, the nodes on its
    /// path from the root, and where the key sits in a node, the right-most spine of the subtree to
    /// its left and the left-most spine of the subtree to its right. With these blocks alone a
    /// consumer can undo the commit's operations and recompute the previous root.
    /// Call on a hashed tree (after `rootCID()`).
    public func coveringProof(for keys: [String]) throws(MSTError) -> [Block] {
        var seen = Set<CID>()
        var blocks: [Block] = []
        func add(_ node: MSTNode) {
            guard let cid = node.cid, seen.insert(cid).inserted else { return }
            blocks.append(Block(cid: cid, bytes: MST.encodeNode(node)))
        }
        for text in keys {
            let key = Array(text.utf8)
            var node = root
            while true {
                add(node)
                let i = node.lowerBound(key)
                if i < node.entries.count && node.entries[i].key == key {
                    var l = try loadGap(node, i)
                    while let n = l { add(n); l = try loadGap(n, n.entries.count) }
                    var r = try loadGap(node, i + 1)
                    while let n = r { add(n); r = try loadGap(n, 0) }
                    break
                }
                guard let next = try loadGap(node, i) else { break }
                node = next
            }
        }
        return blocks
    }
}
