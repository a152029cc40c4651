import Crypto
import Protocol

public enum CARError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(offset: Int)
    case badHeader(String)
    case badSection(offset: Int, String)
    case hashMismatch(CID)

    public var description: String {
        switch self {
        case .truncated(let o): "CAR truncated at byte \(o)"
        case .badHeader(let s): "CAR header invalid: \(s)"
        case .badSection(let o, let s): "CAR block at byte \(o) invalid: \(s)"
        case .hashMismatch(let c): "CAR block \(c.debugString) does not hash to its CID"
        }
    }
}

/// Reads a CAR v1 from bytes, checking every block hashes to its CID.
public struct CARReader {
    public let roots: [CID]
    private let bytes: [UInt8]
    private var offset: Int

    public init(_ bytes: [UInt8]) throws(CARError) {
        self.bytes = bytes
        guard let header = try? Varint.decode(bytes) else { throw .truncated(offset: 0) }
        let (len, n) = (header.value, header.length)
        guard len <= UInt64(bytes.count - n) else { throw .truncated(offset: n) }
        var r = CBORReader(Array(bytes[n..<n + Int(len)]))
        var roots: [CID]?, version: UInt64?
        do {
            let count = try r.mapCount()
            for _ in 0..<count {
                switch try r.text() {
                case "roots":
                    let k = try r.arrayCount()
                    var out: [CID] = []
                    for _ in 0..<k { out.append(try r.link()) }
                    roots = out
                case "version": version = try r.uint()
                default: try r.skip()
                }
            }
            try r.expectEnd()
        } catch { throw .badHeader(error.description) }
        guard version == 1 else { throw .badHeader("version is not 1") }
        guard let roots else { throw .badHeader("no roots") }
        self.roots = roots
        self.offset = n + Int(len)
    }

    /// The next block, or nil at the end.
    public mutating func next() throws(CARError) -> Block? {
        guard offset < bytes.count else { return nil }
        let start = offset
        guard let frame = try? Varint.decode(bytes[offset...]) else { throw .truncated(offset: start) }
        let (len, n) = (frame.value, frame.length)
        guard len <= UInt64(bytes.count - offset - n) else { throw .truncated(offset: start) }
        let body = offset + n, end = body + Int(len)
        guard len >= 36, bytes[body] == 0x01 else { throw .badSection(offset: start, "not a CIDv1") }
        // Repo blocks are dag-cbor or raw with sha2-256: codec is one varint byte.
        let cid: CID
        do { cid = try CIDBinary.parse(Array(bytes[body..<body + 36])) }
        catch { throw .badSection(offset: start, "unsupported CID") }
        let data = Array(bytes[(body + 36)..<end])
        guard Array(SHA256.hash(data: data)) == cid.digest else { throw .hashMismatch(cid) }
        offset = end
        return Block(cid: cid, bytes: data)
    }

    /// All blocks as a lookup table, the usual way to verify or import a repo.
    public static func load(_ bytes: [UInt8]) throws(CARError) -> (roots: [CID], blocks: [CID: [UInt8]]) {
        var r = try CARReader(bytes)
        var blocks: [CID: [UInt8]] = [:]
        while let b = try r.next() { blocks[b.cid] = b.bytes }
        return (r.roots, blocks)
    }
}

/// Blocks held in memory (a loaded CAR, a commit's new blocks).
public final class MemoryBlockStore: BlockSource, @unchecked Sendable {
    public var blocks: [CID: [UInt8]]
    public init(_ blocks: [CID: [UInt8]] = [:]) { self.blocks = blocks }
    public func block(_ cid: CID) throws -> [UInt8]? { blocks[cid] }
}
