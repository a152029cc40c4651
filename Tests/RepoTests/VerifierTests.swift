import Foundation
import Protocol
import Testing
@testable import Repo

/// Hand-built repos with one defect each: the verifier must name that defect.
@Suite struct VerifierTests {
    func build(_ keys: [String]) -> (blocks: [CID: [UInt8]], commit: CID) {
        let store = MemoryBlocks()
        let tree = MST(source: store)
        for k in keys { try! tree.put(k, CID.compute(.dagCBOR, record(k.count < 20 ? k : "x"))); store.add(Block(cid: CID.compute(.dagCBOR, record(k.count < 20 ? k : "x")), bytes: record(k.count < 20 ? k : "x"))) }
        let data = tree.rootCID(newBlock: store.add)
        let commit = UnsignedCommit(did: "did:example:v", data: data, rev: "3lbcdefghijk2").signed(fakeSignature).block
        store.add(commit)
        return (store.blocks, commit.cid)
    }

    let keys = (0..<200).map { "com.example.v/k\($0)" }

    @Test func goodRepoPasses() throws {
        let (blocks, commit) = build(keys)
        let s = try RepoVerifier.verify(commit: commit, blocks: blocks, signature: { _, _ in true })
        #expect(s.records.count == 200)
        #expect(s.records.map(\.key) == keys.sorted())
    }

    @Test func badSignature() {
        let (blocks, commit) = build(keys)
        #expect(throws: RepoVerifyError.badSignature(did: "did:example:v")) {
            try RepoVerifier.verify(commit: commit, blocks: blocks, signature: { _, _ in false })
        }
    }

    @Test func missingRecordAndNode() throws {
        var (blocks, commit) = build(keys)
        let s = try RepoVerifier.verify(commit: commit, blocks: blocks, signature: nil)
        var noRecord = blocks
        noRecord[s.records[5].cid] = nil
        #expect(throws: RepoVerifyError.missingRecord(key: s.records[5].key, s.records[5].cid)) {
            try RepoVerifier.verify(commit: commit, blocks: noRecord, signature: nil)
        }
        blocks[s.nodes.last!] = nil
        #expect { try RepoVerifier.verify(commit: commit, blocks: blocks, signature: nil) } throws: { e in
            if case .missingNode(let c, _)? = e as? RepoVerifyError { return c == s.nodes.last! }
            return false
        }
    }

    /// A node whose keys are swapped, or at the wrong layer, is rejected with the reason.
    @Test func malformedNodes() throws {
        func repo(root: MSTNodeData, extra: [Block] = []) -> ([CID: [UInt8]], CID) {
            var blocks: [CID: [UInt8]] = [:]
            let bytes = root.encode()
            let rootCID = CID.compute(.dagCBOR, bytes)
            blocks[rootCID] = bytes
            for b in extra { blocks[b.cid] = b.bytes }
            let commit = UnsignedCommit(did: "did:example:v", data: rootCID, rev: "3lbcdefghijk2").signed(fakeSignature).block
            blocks[commit.cid] = commit.bytes
            return (blocks, commit.cid)
        }
        let value = Block(cid: CID.compute(.dagCBOR, record("v")), bytes: record("v"))
        // Two height-0 keys out of order: "asdf" style keys need the collection/rkey form.
        let k0 = (0..<1000).map { "com.example.v/k\($0)" }.filter { MSTKey.height($0) == 0 }
        let (a, b) = (Array(k0[0].utf8), Array(k0[1].utf8))
        let (hi, lo) = a.lexicographicallyPrecedes(b) ? (b, a) : (a, b)
        let swapped = MSTNodeData(left: nil, entries: [
            .init(prefixLength: 0, suffix: hi, value: value.cid, right: nil),
            .init(prefixLength: MSTKey.commonPrefixLength(hi, lo), suffix: Array(lo[MSTKey.commonPrefixLength(hi, lo)...]), value: value.cid, right: nil),
        ])
        let (b1, c1) = repo(root: swapped, extra: [value])
        #expect { try RepoVerifier.verify(commit: c1, blocks: b1, signature: nil) } throws: { e in
            if case .keyOrder? = e as? RepoVerifyError { return true }; return false
        }
        // A height-0 key beside a height-1 key in one node.
        let k1 = (0..<1000).map { "com.example.v/k\($0)" }.first { MSTKey.height($0) == 1 }!
        let mixed = [Array(k1.utf8), lo].sorted { $0.lexicographicallyPrecedes($1) }
        let p = MSTKey.commonPrefixLength(mixed[0], mixed[1])
        let wrongLayer = MSTNodeData(left: nil, entries: [
            .init(prefixLength: 0, suffix: mixed[0], value: value.cid, right: nil),
            .init(prefixLength: p, suffix: Array(mixed[1][p...]), value: value.cid, right: nil),
        ])
        let (b2, c2) = repo(root: wrongLayer, extra: [value])
        #expect { try RepoVerifier.verify(commit: c2, blocks: b2, signature: nil) } throws: { e in
            if case .wrongHeight? = e as? RepoVerifyError { return true }; return false
        }
        // Non-canonical prefix compression.
        let uncompressed = MSTNodeData(left: nil, entries: [
            .init(prefixLength: 0, suffix: lo, value: value.cid, right: nil),
            .init(prefixLength: 0, suffix: hi, value: value.cid, right: nil),
        ])
        let (b3, c3) = repo(root: uncompressed, extra: [value])
        #expect { try RepoVerifier.verify(commit: c3, blocks: b3, signature: nil) } throws: { e in
            if case .malformedNode? = e as? RepoVerifyError { return true }; return false
        }
        // Garbage bytes where a node should be.
        var b4 = b3
        let garbage: [UInt8] = [0xa1, 0x61, 0x65, 0x01]
        let gcid = CID.compute(.dagCBOR, garbage)
        b4[gcid] = garbage
        let commit = UnsignedCommit(did: "did:example:v", data: gcid, rev: "3lbcdefghijk2").signed(fakeSignature).block
        b4[commit.cid] = commit.bytes
        #expect { try RepoVerifier.verify(commit: commit.cid, blocks: b4, signature: nil) } throws: { e in
            if case .malformedNode? = e as? RepoVerifyError { return true }; return false
        }
    }

    @Test func carFramingErrors() {
        let (blocks, commit) = build(Array(keys.prefix(10)))
        let car = CARWriter.encode(roots: [commit], blocks: blocks.map { Block(cid: $0.key, bytes: $0.value) })
        #expect((try? RepoVerifier.verify(car: car, signature: nil)) != nil)
        #expect(throws: RepoVerifyError.self) { try RepoVerifier.verify(car: Array(car.dropLast(3)), signature: nil) }
        var flipped = car
        flipped[flipped.count - 1] ^= 1
        #expect { try RepoVerifier.verify(car: flipped, signature: nil) } throws: { e in
            if case .car(.hashMismatch)? = e as? RepoVerifyError { return true }; return false
        }
    }
}
