import Foundation
import Protocol
import Testing
@testable import Repo

func tempDir() -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-repo-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}

/// A tiny DAG-CBOR record `{"text": s}` (s shorter than 24 bytes).
func record(_ s: String) -> [UInt8] {
    let u = Array(s.utf8)
    precondition(u.count < 24)
    return [0xa1, 0x64] + Array("text".utf8) + [0x60 | UInt8(u.count)] + u
}

func fakeSignature(_ message: [UInt8]) -> [UInt8] { [UInt8](repeating: 7, count: 64) }

@Suite struct RepositoryTests {
    @Test func commitsPersistAndReopen() throws {
        let dir = tempDir()
        let path = dir + "/repo.sqlite"
        var revs: [String] = []
        do {
            let repo = try Repository(storage: try SQLiteRepoStorage(path: path), did: "did:example:alice")
            for i in 0..<50 {
                let c = try repo.commit([.create(collection: "app.bsky.feed.post", rkey: "p\(i)", record: record("post \(i)"))], sign: fakeSignature)
                revs.append(c.rev)
            }
            try repo.commit([.update(collection: "app.bsky.feed.post", rkey: "p3", record: record("edited"))], sign: fakeSignature)
            try repo.commit([.delete(collection: "app.bsky.feed.post", rkey: "p4")], sign: fakeSignature)
            #expect(throws: RepoError.recordExists("app.bsky.feed.post/p5")) {
                try repo.commit([.create(collection: "app.bsky.feed.post", rkey: "p5", record: record("again"))], sign: fakeSignature)
            }
            #expect(throws: RepoError.recordMissing("app.bsky.feed.post/nope")) {
                try repo.commit([.delete(collection: "app.bsky.feed.post", rkey: "nope")], sign: fakeSignature)
            }
        }
        #expect(revs == revs.sorted() && Set(revs).count == revs.count)
        let storage = try SQLiteRepoStorage(path: path)
        // The durability we claim: WAL with synchronous=FULL (2), an fsync per commit.
        #expect(try storage.pragmas().journalMode == "wal")
        #expect(try storage.pragmas().synchronous == 2)
        let repo = try Repository(storage: storage, did: "did:example:alice")
        #expect(try repo.list().count == 49)
        #expect(try repo.record(collection: "app.bsky.feed.post", rkey: "p3") == CID.compute(.dagCBOR, record("edited")))
        #expect(try repo.record(collection: "app.bsky.feed.post", rkey: "p4") == nil)
        // Records index with cursors both ways.
        let page = try storage.listRecords(collection: "app.bsky.feed.post", cursor: "p10", limit: 3, reverse: false)
        #expect(page.map(\.rkey) == ["p11", "p12", "p13"])
        let back = try storage.listRecords(collection: "app.bsky.feed.post", cursor: "p10", limit: 2, reverse: true)
        #expect(back.map(\.rkey) == ["p1", "p0"])
        #expect(try storage.collections() == ["app.bsky.feed.post"])
        // The next rev still increases after reopening.
        let next = try repo.commit([.create(collection: "app.bsky.feed.like", rkey: "l1", record: record("like"))], sign: fakeSignature)
        #expect(next.rev > revs.last!)
        // Export verifies; the store holds no garbage: every block is reachable.
        let car = try exportAll(repo)
        let summary = try RepoVerifier.verify(car: car, signature: { sig, _ in sig == fakeSignature([]) })
        #expect(summary.records.count == 50)
        var stored = 0
        try storage.forEachBlock(since: nil) { _ in stored += 1 }
        #expect(stored == 1 + summary.nodes.count + Set(summary.records.map(\.cid)).count)
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func exportSinceAndImport() throws {
        let dir = tempDir()
        let repo = try Repository(storage: try SQLiteRepoStorage(path: dir + "/a.sqlite"), did: "did:example:bob")
        for i in 0..<20 { try repo.commit([.create(collection: "com.example.x", rkey: "r\(i)", record: record("x\(i)"))], sign: fakeSignature) }
        let mid = repo.head!.rev
        try repo.commit([.create(collection: "com.example.x", rkey: "late", record: record("late"))], sign: fakeSignature)
        var partial: [UInt8] = []
        try repo.exportCAR(since: mid) { partial += $0 }
        let (roots, blocks) = try CARReader.load(partial)
        #expect(roots == [repo.head!.commit])
        #expect(blocks[CID.compute(.dagCBOR, record("late"))] != nil)
        #expect(blocks[CID.compute(.dagCBOR, record("x0"))] == nil)

        let full = try exportAll(repo)
        let target = try SQLiteRepoStorage(path: dir + "/b.sqlite")
        let head = try Repository.importCAR(full, into: target, signature: nil)
        #expect(head == repo.head)
        let copy = try Repository(storage: target, did: "did:example:bob")
        #expect(try copy.list().map(\.key) == (try repo.list().map(\.key)))
        #expect(try target.listRecords(collection: "com.example.x", cursor: nil, limit: 100, reverse: false).count == 21)
        #expect(throws: Repository.ImportError.self) { try Repository.importCAR(full, into: target, signature: nil) }
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func unsignedCommitIsAValue() throws {
        let dir = tempDir()
        let repo = try Repository(storage: try SQLiteRepoStorage(path: dir + "/r.sqlite"), did: "did:example:carol")
        let prepared = try repo.prepare([.create(collection: "com.example.x", rkey: "a", record: record("a"))], proof: true)
        #expect(prepared.ops == [RecordOp(action: .create, key: "com.example.x/a", prev: nil, cid: CID.compute(.dagCBOR, record("a")))])
        #expect(prepared.newBlocks.contains { $0.cid == prepared.commit.data })
        #expect(!prepared.proof.isEmpty)
        // Abandoning restores the tree; the same write can then be applied.
        try repo.abandon()
        #expect(try repo.list().isEmpty)
        let p2 = try repo.prepare([.create(collection: "com.example.x", rkey: "a", record: record("a"))])
        let signed = try repo.apply(signature: fakeSignature(p2.commit.bytesToSign))
        #expect(try SignedCommit.decode(signed.block.bytes) == signed)
        #expect(signed.unsigned.bytesToSign == p2.commit.bytesToSign)
        try? FileManager.default.removeItem(atPath: dir)
    }
}

func exportAll(_ repo: Repository) throws -> [UInt8] {
    var out: [UInt8] = []
    try repo.exportCAR { out += $0 }
    return out
}

@Suite struct GroupCommitTests {
    @Test func groupCommitIsAtomicAndOrdered() throws {
        let dir = tempDir()
        let storage = try SQLiteRepoStorage(path: dir + "/g.sqlite")
        let repo = try Repository(storage: storage, did: "did:example:g")
        let groups: [[RecordWrite]] = (0..<8).map { [.create(collection: "com.example.g", rkey: "r\($0)", record: record("g\($0)"))] }
            + [[.delete(collection: "com.example.g", rkey: "r0")]]
        let commits = try repo.commitGroup(groups, sign: fakeSignature)
        #expect(commits.count == 9)
        #expect(commits.map(\.rev) == commits.map(\.rev).sorted())
        #expect(try storage.head()?.rev == commits.last!.rev)
        // A failing member rolls the whole group back.
        #expect(throws: RepoError.self) {
            try repo.commitGroup([[.create(collection: "com.example.g", rkey: "new", record: record("n"))],
                                  [.delete(collection: "com.example.g", rkey: "missing")]], sign: fakeSignature)
        }
        #expect(try repo.record(collection: "com.example.g", rkey: "new") == nil)
        #expect(try storage.head()?.rev == commits.last!.rev)
        let s = try RepoVerifier.verify(car: try exportAll(repo), signature: nil)
        #expect(s.records.map(\.key) == (1..<8).map { "com.example.g/r\($0)" })
        var stored = 0
        try storage.forEachBlock(since: nil) { _ in stored += 1 }
        #expect(stored == 1 + s.nodes.count + s.records.count)
        try? FileManager.default.removeItem(atPath: dir)
    }
}
