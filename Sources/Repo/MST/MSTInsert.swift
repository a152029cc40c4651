import Protocol

extension MST {
    /// Sets `key` to `value`, returning the previous value if the key existed.
    @discardableResult
    public func put(_ key: String, _ value: CID) throws(MSTError) -> CID? { try put(Array(key.utf8), value) }

    @discardableResult
    public func put(_ key: [UInt8], _ value: CID) throws(MSTError) -> CID? {
        do { try MSTKey.validate(key) } catch { throw .invalidKey(error) }
        let height = MSTKey.height(key)
        if isEmpty {
            drop(root)
            root = MSTNode(layer: height, entries: [MSTEntry(key: key, value: value, right: nil)])
            return nil
        }
        // A key above the root lifts the tree: each new level holds the old root as its left subtree.
        while root.layer < height {
            root = MSTNode(layer: root.layer + 1, left: .loaded(root))
        }
        return try insert(into: root, key, height, value)
    }

    private func insert(into node: MSTNode, _ key: [UInt8], _ height: Int, _ value: CID) throws(MSTError) -> CID? {
        let i = node.lowerBound(key)
        if node.layer == height {
            if i < node.entries.count && node.entries[i].key == key {
                let old = node.entries[i].value
                if old != value { node.entries[i].value = value; drop(node) }
                return old
            }
            let (l, r) = try split(node.gap(i), key, layer: node.layer - 1)
            node.setGap(i, l)
            node.entries.insert(MSTEntry(key: key, value: value, right: r), at: i)
            drop(node)
            return nil
        }
        let child: MSTNode
        if let existing = try loadGap(node, i) {
            child = existing
        } else {
            child = MSTNode(layer: node.layer - 1)
            node.setGap(i, .loaded(child))
        }
        let old = try insert(into: child, key, height, value)
        if child.cid == nil { drop(node) }
        return old
    }

    /// Splits a subtree around `key` (absent from it) into the keys below and above.
    func split(_ child: MSTChild?, _ key: [UInt8], layer: Int) throws(MSTError) -> (MSTChild?, MSTChild?) {
        guard let child else { return (nil, nil) }
        let node = try resolve(child, layer: layer)
        drop(node)
        let i = node.lowerBound(key)
        let (l, r) = try split(node.gap(i), key, layer: layer - 1)
        let leftNode = MSTNode(layer: layer, left: node.left, entries: Array(node.entries[..<i]))
        leftNode.setGap(i, l)
        let rightNode = MSTNode(layer: layer, left: r, entries: Array(node.entries[i...]))
        return (leftNode.isEmpty ? nil : .loaded(leftNode), rightNode.isEmpty ? nil : .loaded(rightNode))
    }
}
