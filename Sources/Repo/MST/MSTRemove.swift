import Protocol

extension MST {
    /// Removes `key`, returning its value, or nil when it was absent.
    @discardableResult
    public func remove(_ key: String) throws(MSTError) -> CID? { try remove(Array(key.utf8)) }

    @discardableResult
    public func remove(_ key: [UInt8]) throws(MSTError) -> CID? {
        let height = MSTKey.height(key)
        guard height <= root.layer, let old = try remove(from: root, key, height) else { return nil }
        try trimTop()
        return old
    }

    private func remove(from node: MSTNode, _ key: [UInt8], _ height: Int) throws(MSTError) -> CID? {
        let i = node.lowerBound(key)
        if node.layer == height {
            guard i < node.entries.count && node.entries[i].key == key else { return nil }
            let old = node.entries[i].value
            let merged = try merge(node.gap(i), node.entries[i].right, layer: node.layer - 1)
            node.entries.remove(at: i)
            node.setGap(i, merged)
            drop(node)
            return old
        }
        guard let child = try loadGap(node, i), let old = try remove(from: child, key, height) else { return nil }
        if child.isEmpty { node.setGap(i, nil) }
        drop(node)
        return old
    }

    /// Joins two adjacent subtrees of the same layer into one.
    private func merge(_ a: MSTChild?, _ b: MSTChild?, layer: Int) throws(MSTError) -> MSTChild? {
        guard let a else { return b }
        guard let b else { return a }
        let an = try resolve(a, layer: layer), bn = try resolve(b, layer: layer)
        drop(an); drop(bn)
        let middle = try merge(an.gap(an.entries.count), bn.left, layer: layer - 1)
        let joined = MSTNode(layer: layer, left: an.left, entries: an.entries + bn.entries)
        joined.setGap(an.entries.count, middle)
        return .loaded(joined)
    }

    /// A root left with no entries hands over to its only subtree, down to the highest real layer.
    private func trimTop() throws(MSTError) {
        while root.entries.isEmpty {
            drop(root)
            guard let l = root.left else { root = MSTNode(layer: 0); return }
            root = try resolve(l, layer: root.layer - 1)
        }
    }
}
