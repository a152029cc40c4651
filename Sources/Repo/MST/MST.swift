import Crypto
import Protocol

/// Where MST nodes and records are read from (the SQLite store, a CAR, memory).
public protocol BlockSource {
    func block(_ cid: CID) throws -> [UInt8]?
}

public enum MSTError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingBlock(CID)
    case malformedNode(CID, String)
    case invalidKey(MSTKey.Invalid)

    public var description: String {
        switch self {
        case .missingBlock(let c): "MST node \(c.debugString) is missing"
        case .malformedNode(let c, let why): "MST node \(c.debugString) is malformed: \(why)"
        case .invalidKey(let k): k.description
        }
    }
}

/// A Merkle Search Tree over `collection/rkey` keys, loaded lazily from a `BlockSource`.
///
/// Mutations happen in place on the loaded path; `rootCID()` re-hashes only dirty nodes. The
/// shape is canonical: the root's layer is the highest key height, every node's entries share
/// its layer, and empty subtrees are absent, so the root depends only on the key-value set.
public final class MST {
    let source: any BlockSource
    var root: MSTNode
    /// CIDs of stored nodes replaced since the last `takeDropped()`: what a commit removes.
    var dropped: [CID] = []

    /// A new, empty tree.
    public init(source: any BlockSource) {
        self.source = source
        self.root = MSTNode(layer: 0)
    }

    /// The tree whose root node is `rootCID` in `source`.
    public init(source: any BlockSource, root rootCID: CID) throws(MSTError) {
        self.source = source
        let node = try MST.decodeNode(rootCID, source: source, layer: 0)
        node.layer = try MST.layerOf(node, source: source)
        self.root = node
    }

    /// Marks a node as changed, remembering its old CID as no longer part of the tree.
    func drop(_ node: MSTNode) {
        if let c = node.cid { dropped.append(c); node.cid = nil }
    }

    public func takeDropped() -> [CID] { defer { dropped = [] }; return dropped }

    public var isEmpty: Bool { root.entries.isEmpty && root.left == nil }

    // MARK: loading

    static func decodeNode(_ cid: CID, source: any BlockSource, layer: Int) throws(MSTError) -> MSTNode {
        let bytes: [UInt8]?
        do { bytes = try source.block(cid) } catch { throw .missingBlock(cid) }
        guard let bytes else { throw .missingBlock(cid) }
        let data: MSTNodeData
        let keys: [[UInt8]]
        do { data = try MSTNodeData.decode(bytes); keys = try data.keys() } catch { throw .malformedNode(cid, error.description) }
        var entries: [MSTEntry] = []
        entries.reserveCapacity(keys.count)
        for (k, e) in zip(keys, data.entries) {
            entries.append(MSTEntry(key: k, value: e.value, right: e.right.map { .stored($0) }))
        }
        return MSTNode(layer: layer, left: data.left.map { .stored($0) }, entries: entries, cid: cid)
    }

    /// A root's layer is its keys' height; a root with no entries (not canonical, but readable)
    /// is one above whatever sits under it.
    static func layerOf(_ node: MSTNode, source: any BlockSource) throws(MSTError) -> Int {
        if let first = node.entries.first { return MSTKey.height(first.key) }
        guard case .stored(let c)? = node.left else { return 0 }
        let child = try decodeNode(c, source: source, layer: 0)
        return try layerOf(child, source: source) + 1
    }

    func resolve(_ child: MSTChild, layer: Int) throws(MSTError) -> MSTNode {
        switch child {
        case .loaded(let n): return n
        case .stored(let c): return try MST.decodeNode(c, source: source, layer: layer)
        }
    }

    /// Loads the subtree in `node`'s gap `index`, keeping it loaded so later edits reuse it.
    func loadGap(_ node: MSTNode, _ index: Int) throws(MSTError) -> MSTNode? {
        guard let g = node.gap(index) else { return nil }
        if case .loaded(let n) = g { return n }
        let n = try resolve(g, layer: node.layer - 1)
        node.setGap(index, .loaded(n))
        return n
    }

    // MARK: reading

    public func get(_ key: String) throws(MSTError) -> CID? { try get(Array(key.utf8)) }

    public func get(_ key: [UInt8]) throws(MSTError) -> CID? {
        var node = root
        while true {
            let i = node.lowerBound(key)
            if i < node.entries.count && node.entries[i].key == key { return node.entries[i].value }
            guard let next = try loadGap(node, i) else { return nil }
            node = next
        }
    }

    /// Every (key, value) in key order.
    public func forEach(_ body: (_ key: [UInt8], _ value: CID) throws -> Void) throws {
        try walk(root, body)
    }

    private func walk(_ node: MSTNode, _ body: (_ key: [UInt8], _ value: CID) throws -> Void) throws {
        if let l = node.left { try walk(try resolve(l, layer: node.layer - 1), body) }
        for e in node.entries {
            try body(e.key, e.value)
            if let r = e.right { try walk(try resolve(r, layer: node.layer - 1), body) }
        }
    }

    public func list() throws -> [(key: String, value: CID)] {
        var out: [(key: String, value: CID)] = []
        try forEach { k, v in out.append((String(decoding: k, as: UTF8.self), v)) }
        return out
    }
}

extension CID {
    var debugString: String { string }
}
