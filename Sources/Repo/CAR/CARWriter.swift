import Protocol

/// CAR v1, streaming: a varint-framed DAG-CBOR header `{roots, version: 1}`, then varint-framed
/// `cid ++ bytes` sections. Output goes to a sink in chunks so exports never hold the repo in memory.
public struct CARWriter {
    private let sink: ([UInt8]) throws -> Void
    private var buffer: [UInt8] = []
    private let chunk = 1 << 16

    public init(roots: [CID], sink: @escaping ([UInt8]) throws -> Void) throws {
        self.sink = sink
        buffer.reserveCapacity(chunk + 1024)
        var w = CBORWriter()
        w.mapHeader(2)
        w.text("roots"); w.arrayHeader(roots.count); for r in roots { w.link(r) }
        w.text("version"); w.uint(1)
        Varint.append(UInt64(w.bytes.count), to: &buffer)
        buffer.append(contentsOf: w.bytes)
    }

    public mutating func write(_ block: Block) throws {
        let cid = block.cid.bytes
        Varint.append(UInt64(cid.count + block.bytes.count), to: &buffer)
        buffer.append(contentsOf: cid)
        buffer.append(contentsOf: block.bytes)
        if buffer.count >= chunk { try flush() }
    }

    public mutating func flush() throws {
        if !buffer.isEmpty { try sink(buffer); buffer.removeAll(keepingCapacity: true) }
    }

    /// A whole CAR in memory (small repos, tests).
    public static func encode(roots: [CID], blocks: [Block]) -> [UInt8] {
        final class Box { var out: [UInt8] = [] }
        let box = Box()
        var w = try! CARWriter(roots: roots) { box.out.append(contentsOf: $0) }
        for b in blocks { try! w.write(b) }
        try! w.flush()
        return box.out
    }
}
