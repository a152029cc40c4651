import Foundation
import Protocol
import Testing
import TestSupport
@testable import Repo

typealias TestSupportBridge = InteropCorpus

@Suite struct MSTVectorTests {
    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func keyHeights() throws {
        let vectors = try #require(try json("mst/key_heights.json") as? [[String: Any]])
        for v in vectors {
            let key = try #require(v["key"] as? String), height = try #require(v["height"] as? Int)
            #expect(MSTKey.height(key) == height, "\(key)")
        }
        print("mst/key_heights.json: \(vectors.count) vectors checked")
        #expect(vectors.count > 0)
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func commonPrefix() throws {
        let vectors = try #require(try json("mst/common_prefix.json") as? [[String: Any]])
        for v in vectors {
            let l = try #require(v["left"] as? String), r = try #require(v["right"] as? String)
            #expect(MSTKey.commonPrefixLength(l, r) == (v["len"] as? Int), "\(l) \(r)")
        }
        print("mst/common_prefix.json: \(vectors.count) vectors checked")
        #expect(vectors.count > 0)
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func commitProofs() throws {
        let vectors = try #require(try json("firehose/commit-proof-fixtures.json") as? [[String: Any]])
        for v in vectors {
            let comment = v["comment"] as! String
            let leaf = CIDText.parse(v["leafValue"] as! String)
            let keys = v["keys"] as! [String], adds = v["adds"] as! [String], dels = v["dels"] as! [String]
            let store = MemoryBlocks()
            let tree = MST(source: store)
            for k in keys { try tree.put(k, leaf) }
            let before = tree.rootCID(newBlock: store.add)
            #expect(CIDText.string(before) == v["rootBeforeCommit"] as? String, "\(comment)")
            // Reload from blocks so the edits run on a stored tree as they do in a real commit.
            let reloaded = try MST(source: store, root: before)
            for k in adds { try reloaded.put(k, leaf) }
            for k in dels { try reloaded.remove(k) }
            var newBlocks: [Block] = []
            let after = reloaded.rootCID { newBlocks.append($0) }
            let dropped = Set(reloaded.takeDropped())
            let removed = dropped.subtracting(newBlocks.map(\.cid))
            newBlocks.removeAll { dropped.contains($0.cid) }
            #expect(CIDText.string(after) == v["rootAfterCommit"] as? String, "\(comment)")
            let proof = try reloaded.coveringProof(for: adds + dels)
            let got = Set(proof.map { CIDText.string($0.cid) })
            let want = Set(v["blocksInProof"] as! [String])
            #expect(got == want, "\(comment): extra \(got.subtracting(want)) missing \(want.subtracting(got))")
            // The diff finds the same ops the fixture applied.
            for b in newBlocks { store.add(b) }
            let diff = try MSTDiff.compute(from: before, to: after, source: store)
            #expect(Set(diff.ops.map(\.key)) == Set(adds + dels), "\(comment)")
            #expect(Set(diff.newNodes.map(\.cid)) == Set(newBlocks.map(\.cid)), "\(comment)")
            #expect(Set(diff.removedNodes) == removed, "\(comment)")
        }
        print("firehose/commit-proof-fixtures.json: \(vectors.count) vectors checked")
        #expect(vectors.count == 6)
    }
}

/// Our direct node and commit encoders agree with the shared general DAG-CBOR codec.
@Suite struct EncoderCrossCheckTests {
    @Test func nodesAndCommitsMatchGeneralCodec() throws {
        let store = MemoryBlocks()
        let tree = MST(source: store)
        for i in 0..<500 { try tree.put("com.example.x/key\(i)", fakeCID(i)) }
        var blocks: [Block] = []
        _ = tree.rootCID { blocks.append($0) }
        for b in blocks {
            let value = try DAGCBOR.decode(b.bytes)
            #expect(DAGCBOR.encode(value) == b.bytes)
            #expect(DAGCBOR.cid(of: value) == b.cid)
        }
        let key = K256SigningKey()
        let commit = try UnsignedCommit(did: "did:example:x", data: blocks.last!.cid, rev: "3lbcdefghijk2").signed(with: key)
        let decoded = try DAGCBOR.decode(commit.block.bytes)
        #expect(DAGCBOR.encode(decoded) == commit.block.bytes)
        #expect(decoded["version"] == .integer(3))
        #expect(decoded["prev"] == .null)
        #expect(commit.verify(with: key.publicKey))
        #expect(!commit.verify(with: K256SigningKey().publicKey))
        let p256 = P256SigningKey()
        #expect(try commit.unsigned.signed(with: p256).verify(with: p256.publicKey))
        print("encoder cross-check: \(blocks.count) MST nodes + 1 commit")
    }
}
