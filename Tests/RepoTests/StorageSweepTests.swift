import Foundation
import GRDB
import Protocol
import Testing
@testable import Repo

/// The append-only block store: removals are swept later, a group writes only its net blocks.
@Suite struct StorageSweepTests {
    func storedBlocks(_ s: SQLiteRepoStorage) throws -> Int { try s.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM blocks") ?? 0 } }

    @Test func groupWithRemovalsAndRestoresKeepsExactlyTheTree() throws {
        let dir = tempDir()
        let storage = try SQLiteRepoStorage(path: dir + "/s.sqlite")
        let repo = try Repository(storage: storage, did: "did:example:s")
        for i in 0..<40 { try repo.commit([.create(collection: "com.example.s", rkey: "k\(i)", record: record("v\(i)"))], sign: fakeSignature) }
        // Deleting and re-creating a key in one group rebuilds nodes identical to ones the group
        // removed; the same record bytes under two keys share a block.
        let groups: [[RecordWrite]] = [
            [.delete(collection: "com.example.s", rkey: "k3")],
            [.create(collection: "com.example.s", rkey: "k3", record: record("v3"))],
            [.create(collection: "com.example.s", rkey: "twin", record: record("v5"))],
            [.update(collection: "com.example.s", rkey: "k5", record: record("new"))],
            [.delete(collection: "com.example.s", rkey: "k7")],
        ]
        try repo.commitGroup(groups, sign: fakeSignature)
        for i in 40..<60 { try repo.commit([.create(collection: "com.example.s", rkey: "k\(i)", record: record("v\(i)"))], sign: fakeSignature) }
        #expect(try storedBlocks(storage) > 0)
        try storage.sweep()
        let summary = try RepoVerifier.verify(car: try exportAll(repo), signature: nil)
        #expect(summary.records.count == 60)
        #expect(try storedBlocks(storage) == 1 + summary.nodes.count + Set(summary.records.map(\.cid)).count)
        // The shared record block survives the update that released it from k5.
        #expect(try storage.block(CID.compute(.dagCBOR, record("v5"))) != nil)
        #expect(try storage.block(CID.compute(.dagCBOR, record("v7"))) == nil)
        try? FileManager.default.removeItem(atPath: dir)
    }

    func garbageRows(_ s: SQLiteRepoStorage) throws -> Int { try s.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM garbage") ?? 0 } }

    /// Export leaves out what the sweep would delete, without sweeping (an export never waits on
    /// deletes), and holds exactly the current tree's blocks.
    @Test func exportSkipsGarbageWithoutSweeping() throws {
        let dir = tempDir()
        let storage = try SQLiteRepoStorage(path: dir + "/e.sqlite")
        let repo = try Repository(storage: storage, did: "did:example:e")
        for i in 0..<30 { try repo.commit([.create(collection: "com.example.e", rkey: "k\(i)", record: record("v\(i)"))], sign: fakeSignature) }
        try repo.commitGroup([
            [.update(collection: "com.example.e", rkey: "k1", record: record("w1"))],
            [.delete(collection: "com.example.e", rkey: "k2")],
            [.create(collection: "com.example.e", rkey: "twin", record: record("v4"))],
            [.delete(collection: "com.example.e", rkey: "k4")],
        ], sign: fakeSignature)
        let garbage = try garbageRows(storage)
        #expect(garbage > 0)
        let car = try exportAll(repo)
        let summary = try RepoVerifier.verify(car: car, signature: nil)
        #expect(summary.records.count == 29)
        let (_, blocks) = try CARReader.load(car)
        #expect(blocks.count == 1 + summary.nodes.count + Set(summary.records.map(\.cid)).count)
        #expect(blocks[CID.compute(.dagCBOR, record("v1"))] == nil)
        #expect(blocks[CID.compute(.dagCBOR, record("v2"))] == nil)
        #expect(blocks[CID.compute(.dagCBOR, record("v4"))] != nil)
        #expect(try garbageRows(storage) == garbage)
        // The sweep then deletes exactly what the export left out.
        try storage.sweep()
        #expect(try storedBlocks(storage) == blocks.count)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A group's intermediate nodes (put by one commit, removed by a later one) are never written
    /// and need no garbage row; the store still ends with exactly the tree after a sweep.
    @Test func groupIntermediatesLeaveNoGarbageRows() throws {
        let dir = tempDir()
        let storage = try SQLiteRepoStorage(path: dir + "/g.sqlite")
        let repo = try Repository(storage: storage, did: "did:example:g")
        for i in 0..<20 { try repo.commit([.create(collection: "com.example.g", rkey: "k\(i)", record: record("v\(i)"))], sign: fakeSignature) }
        try storage.sweep()
        let groups: [[RecordWrite]] = (0..<16).map { [.create(collection: "com.example.g", rkey: "n\($0)", record: record("n\($0)"))] }
        try repo.commitGroup(groups, sign: fakeSignature)
        // Each commit's removals include the previous commit block and root: at most the first
        // commit's removals plus what reached nodes older than the group stay as rows.
        #expect(try garbageRows(storage) < 16 * 2)
        try storage.sweep()
        let summary = try RepoVerifier.verify(car: try exportAll(repo), signature: nil)
        #expect(summary.records.count == 36)
        #expect(try storedBlocks(storage) == 1 + summary.nodes.count + Set(summary.records.map(\.cid)).count)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Past the threshold, commits sweep the oldest garbage a slice at a time (no single long
    /// sweep holds up the commits behind it): garbage stays bounded, every dead block not still
    /// listed as garbage is gone, and the tree stays whole, including a block a record still uses.
    @Test func commitsSweepInSlicesPastTheThreshold() throws {
        let dir = tempDir()
        let storage = try SQLiteRepoStorage(path: dir + "/sl.sqlite")
        storage.sweepThreshold = 8
        storage.sweepMinimumSlice = 16
        let repo = try Repository(storage: storage, did: "did:example:sl")
        for i in 0..<5 { try repo.commit([.create(collection: "com.example.sl", rkey: "k\(i)", record: record("v\(i)"))], sign: fakeSignature) }
        try repo.commit([.create(collection: "com.example.sl", rkey: "twin", record: record("v0"))], sign: fakeSignature)
        for round in 0..<40 {
            try repo.commit([.update(collection: "com.example.sl", rkey: "k\(round % 5)", record: record("r\(round)"))], sign: fakeSignature)
            #expect(try garbageRows(storage) < 8 + 16)
        }
        let summary = try RepoVerifier.verify(car: try exportAll(repo), signature: nil)
        #expect(summary.records.count == 6)
        let tree = 1 + summary.nodes.count + Set(summary.records.map(\.cid)).count
        #expect(try storedBlocks(storage) <= tree + garbageRows(storage))
        #expect(try storage.block(CID.compute(.dagCBOR, record("v0"))) != nil)
        try storage.sweep()
        #expect(try storedBlocks(storage) == tree)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A commit transaction that fails late (a trigger refuses its sweep here) rolls back its
    /// garbage rows, and the count that decides when to sweep stays with what the table holds.
    @Test func aRolledBackCommitLeavesTheGarbageCountTrue() throws {
        let dir = tempDir()
        let storage = try SQLiteRepoStorage(path: dir + "/rb.sqlite")
        let repo = try Repository(storage: storage, did: "did:example:rb")
        for i in 0..<3 { try repo.commit([.create(collection: "com.example.rb", rkey: "k\(i)", record: record("v\(i)"))], sign: fakeSignature) }
        let before = storage.garbageCount
        #expect(try garbageRows(storage) == before)
        #expect(before > 0)
        storage.sweepThreshold = 1
        try storage.db.write { try $0.execute(sql: "CREATE TRIGGER refuse BEFORE DELETE ON garbage BEGIN SELECT RAISE(ABORT, 'refused'); END") }
        #expect(throws: (any Error).self) {
            try repo.commit([.update(collection: "com.example.rb", rkey: "k0", record: record("lost"))], sign: fakeSignature)
        }
        #expect(storage.garbageCount == before)
        #expect(try garbageRows(storage) == before)
        try storage.db.write { try $0.execute(sql: "DROP TRIGGER refuse") }
        let reopened = try Repository(storage: storage, did: "did:example:rb")
        try reopened.commit([.update(collection: "com.example.rb", rkey: "k0", record: record("kept"))], sign: fakeSignature)
        #expect(try garbageRows(storage) == storage.garbageCount)
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func firstLayoutIsMigrated() throws {
        let dir = tempDir()
        let path = dir + "/old.sqlite"
        // A store as session 1 wrote it (blocks keyed by CID), holding one small repo.
        let source = try Repository(storage: try SQLiteRepoStorage(path: dir + "/src.sqlite"), did: "did:example:m")
        for i in 0..<10 { try source.commit([.create(collection: "com.example.m", rkey: "r\(i)", record: record("m\(i)"))], sign: fakeSignature) }
        let car = try exportAll(source)
        let (_, blocks) = try CARReader.load(car)
        let head = source.head!
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: """
                CREATE TABLE blocks (cid BLOB PRIMARY KEY, rev TEXT NOT NULL, bytes BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX blocks_rev ON blocks(rev);
                CREATE TABLE records (collection TEXT NOT NULL, rkey TEXT NOT NULL, cid BLOB NOT NULL, PRIMARY KEY (collection, rkey)) WITHOUT ROWID;
                CREATE INDEX records_cid ON records(cid);
                CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), did TEXT NOT NULL, commit_cid BLOB NOT NULL, rev TEXT NOT NULL, data_cid BLOB NOT NULL);
                """)
            for (cid, bytes) in blocks { try db.execute(sql: "INSERT INTO blocks VALUES (?, ?, ?)", arguments: [Data(cid.bytes), head.rev, Data(bytes)]) }
            for (key, cid) in try source.list() {
                let parts = key.split(separator: "/")
                try db.execute(sql: "INSERT INTO records VALUES (?, ?, ?)", arguments: [String(parts[0]), String(parts[1]), Data(cid.bytes)])
            }
            try db.execute(sql: "INSERT INTO head VALUES (1, ?, ?, ?, ?)", arguments: [head.did, Data(head.commit.bytes), head.rev, Data(head.data.bytes)])
        }
        try old.close()
        let migrated = try SQLiteRepoStorage(path: path)
        let repo = try Repository(storage: migrated, did: "did:example:m")
        #expect(try repo.list().count == 10)
        try repo.commit([.create(collection: "com.example.m", rkey: "new", record: record("new"))], sign: fakeSignature)
        let summary = try RepoVerifier.verify(car: try exportAll(repo), signature: nil)
        #expect(summary.records.count == 11)
        try? FileManager.default.removeItem(atPath: dir)
    }
}
