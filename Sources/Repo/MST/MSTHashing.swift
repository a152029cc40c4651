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
        for e in node.entries { if case .loaded(let r)? = e.right { _ = try hash(r, newBlock) } }
        let bytes = MST.encodeNode(node)
        let cid = CID(codec: .dagCBOR, digest: Array(SHA256.hash(data: bytes)))
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

    /// Encodes a node whose children are already hashed.
    static func encodeNode(_ node: MSTNode) -> [UInt8] {
        var entries: [MSTNodeData.Entry] = []
        entries.reserveCapacity(node.entries.count)
        var previous: [UInt8] = []
        for e in node.entries {
            let p = MSTKey.commonPrefixLength(previous, e.key)
            entries.append(.init(prefixLength: p, suffix: Array(e.key[p...]), value: e.value, right: childCID(e.right)))
            previous = e.key
        }
        return MSTNodeData(left: childCID(node.left), entries: entries).encode()
    }
}
