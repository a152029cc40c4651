import Foundation
import Protocol
import Testing
import TestSupport
@testable import Repo

/// Cross-checks against atmst + cbrrr + the atproto SDK (tests/peers/repo_atmst.py).
@Suite(.serialized) struct RepoPeerTests {
    static func keySets() -> [[String]] {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz")
        func tid() -> String { "3l" + String((0..<11).map { _ in alphabet.randomElement(using: &rng)! }) }
        let collections = ["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.graph.follow"]
        var sets: [[String]] = []
        for size in [1, 2, 5, 40, 300, 1500] {
            sets.append((0..<size).map { _ in "\(collections.randomElement(using: &rng)!)/\(tid())" })
        }
        // Adversarial: keys mined for extreme heights, so the tree is tall and sparse.
        var tall: [String] = []
        var i = 0
        while tall.count < 12 { let k = "com.example.tall/k\(i)"; if MSTKey.height(k) >= 3 { tall.append(k) }; i += 1 }
        sets.append(tall)
        sets.append(tall + (0..<60).map { "com.example.tall/k\($0)" })
        // Adversarial: long shared prefixes (prefix compression at its limit).
        let long = String(repeating: "a", count: 480)
        sets.append((0..<200).map { "com.example.long/\(long)\($0)" })
        return sets.map { Array(Set($0)) }
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func sameRootAsAtmst() async throws {
        let sets = Self.keySets()
        var ours: [String] = []
        var request: [[[String]]] = []
        var maxLayer = 0
        for keys in sets {
            let tree = MST(source: MemoryBlocks())
            var pairs: [[String]] = []
            for (i, k) in keys.enumerated() {
                let v = CID.compute(.dagCBOR, Array("v\(i)".utf8))
                try tree.put(k, v)
                pairs.append([k, v.text])
            }
            ours.append(tree.rootCID().text)
            maxLayer = max(maxLayer, tree.root.layer)
            request.append(pairs)
            // Bounded: height never exceeds what the keys' hashes allow.
            #expect(tree.root.layer == keys.map(MSTKey.height).max())
        }
        let out = try await Peers.run("repo_atmst.py", ["roots"], input: try JSONSerialization.data(withJSONObject: ["sets": request]))
        let theirs = try #require(try JSONSerialization.jsonObject(with: out) as? [String])
        #expect(theirs == ours)
        print("atmst roots: \(sets.count) key sets agreed (largest \(sets.map(\.count).max()!) keys, tallest layer \(maxLayer))")
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func ourCARLoadsInAtmst() async throws {
        let dir = tempDir()
        let key = K256SigningKey()
        let repo = try Repository(storage: try SQLiteRepoStorage(path: dir + "/r.sqlite"), did: "did:example:peer")
        for i in 0..<30 {
            let writes: [RecordWrite] = (0..<10).map { .create(collection: i % 2 == 0 ? "app.bsky.feed.post" : "app.bsky.feed.like", rkey: "r\(i)x\($0)", record: record("r\(i) \($0)")) }
            try repo.commit(writes, sign: key.sign)
        }
        try repo.commit([.delete(collection: "app.bsky.feed.post", rkey: "r0x0")], sign: key.sign)
        let car = try exportAll(repo)
        let path = dir + "/ours.car"
        FileManager.default.createFile(atPath: path, contents: Data(car))
        let out = try await Peers.run("repo_atmst.py", ["check-car", path, key.publicKey.didKey])
        let r = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        #expect(r["sig_ok"] as? Bool == true)
        #expect(r["root_ok"] as? Bool == true)
        #expect(r["records_ok"] as? Bool == true)
        #expect(r["records"] as? Int == 299)
        #expect(r["data"] as? String == repo.head!.data.text)
        #expect(r["rev"] as? String == repo.head!.rev)
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func atmstCARPassesOurVerifier() async throws {
        let dir = tempDir()
        let path = dir + "/atmst.car"
        let out = try await Peers.run("repo_atmst.py", ["write-car", path, "500", "11"])
        let r = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        let didKey = try #require(r["did_key"] as? String)
        let pub = try DIDKey.parse(didKey)
        let car = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let summary = try RepoVerifier.verify(car: car, signature: { pub.verify(signature: $0, for: $1) })
        #expect(summary.records.count == 500)
        #expect(summary.commit.data.text == r["data"] as? String)
        // And imports into our store.
        let head = try Repository.importCAR(car, into: try SQLiteRepoStorage(path: dir + "/i.sqlite"), signature: { pub.verify(signature: $0, for: $1) })
        #expect(head.did == "did:plc:atmstpeer")
        // A different key is rejected.
        let other = K256SigningKey().publicKey
        #expect(throws: RepoVerifyError.badSignature(did: "did:plc:atmstpeer")) {
            try RepoVerifier.verify(car: car, signature: { other.verify(signature: $0, for: $1) })
        }
        print("atmst CAR: 500 records verified")
        try? FileManager.default.removeItem(atPath: dir)
    }
}
