import Foundation
import Protocol
import Testing
@testable import Repo

@Suite struct GroupCommitterTests {
    @Test func concurrentWritersShareTransactionsAndEachCommitIsStored() async throws {
        let dir = tempDir()
        let path = dir + "/c.sqlite"
        let committer = GroupCommitter(repository: try Repository(storage: try SQLiteRepoStorage(path: path), did: "did:example:c"),
                                       sign: { fakeSignature($0) })
        let revs = try await withThrowingTaskGroup(of: [String].self) { tasks in
            for w in 0..<16 {
                tasks.addTask {
                    var revs: [String] = []
                    for j in 0..<20 {
                        let c = try await committer.commit([.create(collection: "com.example.c", rkey: "w\(w)-\(j)", record: record("\(w) \(j)"))])
                        revs.append(c.rev)
                    }
                    return revs
                }
            }
            return try await tasks.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(Set(revs).count == 320)
        // A request whose own writes fail gets its error; the others in its group still commit.
        let bad = Task { try await committer.commit([.delete(collection: "com.example.c", rkey: "missing")]) }
        let good = Task { try await committer.commit([.create(collection: "com.example.c", rkey: "after", record: record("after"))]) }
        await #expect(throws: RepoError.recordMissing("com.example.c/missing")) { try await bad.value }
        let last = try await good.value
        let counts = committer.counts
        #expect(counts.commits == 321 && counts.groups <= counts.commits)
        print("group committer: 321 commits in \(counts.groups) transactions")
        committer.close()
        await #expect(throws: RepoError.committerClosed) { try await committer.commit([]) }

        let storage = try SQLiteRepoStorage(path: path)
        #expect(try storage.head()?.rev == max(last.rev, revs.max()!))
        let repo = try Repository(storage: storage, did: "did:example:c")
        let summary = try RepoVerifier.verify(car: try exportAll(repo), signature: nil)
        #expect(summary.records.count == 321)
        try? FileManager.default.removeItem(atPath: dir)
    }
}
