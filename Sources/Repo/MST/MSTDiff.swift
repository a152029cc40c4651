import Protocol

/// One record-level change between two trees.
public struct RecordOp: Sendable, Hashable {
    public enum Action: String, Sendable { case create, update, delete }
    public let action: Action
    public let key: String
    /// The value before (update, delete).
    public let prev: CID?
    /// The value after (create, update).
    public let cid: CID?

    public init(action: Action, key: String, prev: CID?, cid: CID?) {
        self.action = action; self.key = key; self.prev = prev; self.cid = cid
    }
}

/// The difference between two MST roots: record ops plus the nodes only one side holds.
public struct MSTDiff: Sendable {
    public var ops: [RecordOp] = []
    /// Nodes reachable from the new root but not the old (with bytes, ready to ship).
    public var newNodes: [Block] = []
    /// Nodes reachable from the old root but not the new.
    public var removedNodes: [CID] = []

    public var newRecordCIDs: [CID] { ops.compactMap(\.cid) }
    public var removedRecordCIDs: [CID] { ops.compactMap(\.prev) }

    private enum Item { case leaf([UInt8], CID), tree(CID, Int) }

    /// A left-to-right walk that hands out leaves and unopened subtrees, opening one only on demand.
    private struct Cursor {
        var stack: [Item] = []
        var seen: [CID: [UInt8]] = [:]
        let source: any BlockSource

        init(root: CID?, source: any BlockSource) throws(MSTError) {
            self.source = source
            if let root {
                let layer = try MST.layerOf(try MST.decodeNode(root, source: source, layer: 0), source: source)
                stack.append(.tree(root, layer))
            }
        }

        var peek: Item? { stack.last }

        mutating func skip() { if case .tree(let c, _)? = stack.popLast() { seen[c] = seen[c] ?? [] } }

        mutating func open() throws(MSTError) {
            guard case .tree(let cid, let layer)? = stack.popLast() else { return }
            guard let bytes = try? source.block(cid) else { throw .missingBlock(cid) }
            seen[cid] = bytes
            let node = try MST.decodeNode(cid, source: source, layer: layer)
            var items: [Item] = []
            if case .stored(let l)? = node.left { items.append(.tree(l, layer - 1)) }
            for e in node.entries {
                items.append(.leaf(e.key, e.value))
                if case .stored(let r)? = e.right { items.append(.tree(r, layer - 1)) }
            }
            stack.append(contentsOf: items.reversed())
        }
    }

    /// Compares two stored trees (`from` nil means empty). Identical subtrees are skipped by CID.
    public static func compute(from old: CID?, to new: CID, source: any BlockSource) throws(MSTError) -> MSTDiff {
        var a = try Cursor(root: old, source: source), b = try Cursor(root: new, source: source)
        var diff = MSTDiff()
        func text(_ k: [UInt8]) -> String { String(decoding: k, as: UTF8.self) }
        while true {
            switch (a.peek, b.peek) {
            case (nil, nil):
                diff.newNodes = b.seen.compactMap { a.seen[$0.key] == nil ? Block(cid: $0.key, bytes: $0.value) : nil }
                    .filter { !$0.bytes.isEmpty }
                diff.removedNodes = a.seen.keys.filter { b.seen[$0] == nil }
                return diff
            case (.tree(let x, let lx)?, .tree(let y, let ly)?):
                if x == y { a.skip(); b.skip() }
                else if lx > ly { try a.open() }
                else if ly > lx { try b.open() }
                else { try a.open(); try b.open() }
            case (.tree?, _): try a.open()
            case (_, .tree?): try b.open()
            case (.leaf(let k, let v)?, nil):
                diff.ops.append(RecordOp(action: .delete, key: text(k), prev: v, cid: nil)); a.stack.removeLast()
            case (nil, .leaf(let k, let v)?):
                diff.ops.append(RecordOp(action: .create, key: text(k), prev: nil, cid: v)); b.stack.removeLast()
            case (.leaf(let ka, let va)?, .leaf(let kb, let vb)?):
                if ka == kb {
                    if va != vb { diff.ops.append(RecordOp(action: .update, key: text(ka), prev: va, cid: vb)) }
                    a.stack.removeLast(); b.stack.removeLast()
                } else if ka.lexicographicallyPrecedes(kb) {
                    diff.ops.append(RecordOp(action: .delete, key: text(ka), prev: va, cid: nil)); a.stack.removeLast()
                } else {
                    diff.ops.append(RecordOp(action: .create, key: text(kb), prev: nil, cid: vb)); b.stack.removeLast()
                }
            }
        }
    }
}
