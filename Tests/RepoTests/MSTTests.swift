import Foundation
import Protocol
import Testing
@testable import Repo

func fakeCID(_ i: Int) -> CID { CID.compute(.dagCBOR, Array("record \(i)".utf8)) }

@Suite struct MSTTests {
    @Test func emptyTreeRoot() {
        let tree = MST(source: MemoryBlocks())
        #expect(CIDText.string(tree.rootCID()) == "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm")
    }

    @Test func rootDependsOnlyOnKeySet() throws {
        var rng = SystemRandomNumberGenerator()
        let keys = (0..<600).map { "com.example.record/k\($0 * 7919 % 10007)" }
        let a = MST(source: MemoryBlocks())
        for (i, k) in keys.enumerated() { try a.put(k, fakeCID(i)) }
        let b = MST(source: MemoryBlocks())
        for (i, k) in keys.enumerated().shuffled(using: &rng) { try b.put(k, fakeCID(i)) }
        #expect(a.rootCID() == b.rootCID())
        // Adding then removing extra keys returns to the same root.
        let store = MemoryBlocks()
        let c = MST(source: store)
        for (i, k) in keys.enumerated() { try c.put(k, fakeCID(i)) }
        let root = c.rootCID(newBlock: store.add)
        let d = try MST(source: store, root: root)
        for i in 0..<300 { try d.put("com.example.extra/x\(i)", fakeCID(i)) }
        _ = d.rootCID(newBlock: store.add)
        for i in (0..<300).shuffled(using: &rng) { #expect(try d.remove("com.example.extra/x\(i)") == fakeCID(i)) }
        #expect(d.rootCID() == root)
        for (i, k) in keys.enumerated() { #expect(try d.get(k) == fakeCID(i)) }
        #expect(try d.list().count == keys.count)
        for k in keys.shuffled(using: &rng) { try d.remove(k) }
        #expect(d.rootCID() == MST(source: store).rootCID())
    }

    @Test func keyValidation() {
        for good in ["app.bsky.feed.post/3jqfcqzm3fx2j", "a/b", "com.example/x:y~z_-.", "coll/" + String(repeating: "a", count: 512)] {
            #expect(MSTKey.isValid(good), "\(good)")
        }
        for bad in ["", "nocollection", "/rkey", "coll/", "a/b/c", "coll/.", "coll/..", "coll/sp ace", "coll/é", "coll/" + String(repeating: "a", count: 513)] {
            #expect(!MSTKey.isValid(bad), "\(bad)")
        }
        #expect(throws: MSTError.self) { try MST(source: MemoryBlocks()).put("bad key", fakeCID(0)) }
    }
}
