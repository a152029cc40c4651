import Crypto
import Protocol

/// A content-addressed block: CID plus the bytes it hashes.
public struct Block: Sendable, Hashable {
    public let cid: CID
    public let bytes: [UInt8]
    public init(cid: CID, bytes: [UInt8]) { self.cid = cid; self.bytes = bytes }
}

extension MST {
    /// The root CID. Nodes changed since the last call are encoded and hashed; their blocks are
    /// handed to `newBlock` (children before parents).
    public func rootCID(newBlock: (Block) throws -> Void) rethrows -> CID {
        try hash(root, newBlock)
    }

    public func rootCID() -> CID { rootCID(newBlock: { _ in }) }

    private func hash(_ node: MSTNode, _ newBlock: (Block) throws -> Void) rethrows -> CID {
        if let cid = node.cid { return cid }
        if case .loaded(let l)? = node.left { _ = try hash(l, newBlock) }
        // By index, not `for e in entries`: that copies each entry (key, value and child, three
        // retains and releases) just to look at its child.
        for i in node.entries.indices { if case .loaded(let r)? = node.entries[i].right { _ = try hash(r, newBlock) } }
        let bytes = MST.encodeNode(node)
        let cid = CID(codec: .dagCBOR, digest: sha256Bytes(bytes))
        node.cid = cid
        try newBlock(Block(cid: cid, bytes: bytes))
        return cid
    }

    static func childCID(_ child: MSTChild?) -> CID? {
        switch child {
        case nil: nil
        case .stored(let c): c
        case .loaded(let n): n.cid
        }
    }

    /// Encodes a node whose children are already hashed, straight from the in-memory node
    /// (same bytes as `MSTNodeData.encode`, without the intermediate copies).
    static func encodeNode(_ node: MSTNode) -> [UInt8] {
        var w = CBORWriter(capacity: 16 + node.entries.count * 100)
        w.mapHeader(2)
        w.key(UInt8(ascii: "e"))
        w.arrayHeader(node.entries.count)
        var previous: [UInt8] = []
        for e in node.entries {
            let p = MSTKey.commonPrefixLength(previous, e.key)
            w.mapHeader(4)
            w.key(UInt8(ascii: "k")); w.byteString(e.key[p...])
            w.key(UInt8(ascii: "p")); w.uint(UInt64(p))
            w.key(UInt8(ascii: "t")); w.optionalLink(childCID(e.right))
            w.key(UInt8(ascii: "v")); w.link(e.value)
            previous = e.key
        }
        w.key(UInt8(ascii: "l"))
        w.optionalLink(childCID(node.left))
        return w.bytes
    }
}
