import Foundation
import Protocol
@testable import Repo

/// CID strings for fixtures, through the shared codec.
enum CIDText {
    static func string(_ cid: CID) -> String { cid.string }
    static func parse(_ s: String) -> CID { try! CID(string: s) }
}

final class MemoryBlocks: BlockSource {
    var blocks: [CID: [UInt8]] = [:]
    func block(_ cid: CID) throws -> [UInt8]? { blocks[cid] }
    func add(_ b: Block) { blocks[b.cid] = b.bytes }
}

func json(_ path: String) throws -> Any {
    try JSONSerialization.jsonObject(with: try TestSupportBridge.data(path))
}
