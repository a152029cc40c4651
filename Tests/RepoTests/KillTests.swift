import Foundation
import Protocol
import Testing
import TestSupport
@testable import Repo

/// SIGKILL in the middle of a long run of commits: the store must reopen, verify, and hold every
/// commit whose call returned (the child prints `rev rkey` after each returned commit).
@Suite struct KillTests {
    static var dpds: URL { PackageRoot.url.appendingPathComponent(".build/debug/dpds") }
    static var present: Bool { FileManager.default.isExecutableFile(atPath: dpds.path) }

    @Test(.enabled(if: present, "dpds not built (swift build --build-tests)"))
    func killMidRun() throws {
        let dir = tempDir()
        let child = ChildProcess()
        child.executableURL = Self.dpds
        child.arguments = ["repo", "churn", "--data", dir, "--count", "1000000",
                           "--key", String(repeating: "1f", count: 32)]
        let out = Pipe()
        child.standardOutput = out
        child.standardError = FileHandle.nullDevice
        try child.run()
        // Bound the whole wait: a stuck child is killed, which ends the read below with EOF.
        let pid = child.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 300) { kill(pid, SIGKILL) }
        // Read until enough commits have returned, then kill without warning.
        var buffer = Data()
        let reader = out.fileHandleForReading
        let deadline = Date().addingTimeInterval(300)
        while buffer.filter({ $0 == 0x0a }).count < 400 && Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        buffer.append(reader.readDataToEndOfFile())
        let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
        // A torn last line was cut mid-print: its commit had returned, but we can't parse it.
        let acknowledged = lines.dropLast().map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 2 }
        #expect(acknowledged.count >= 399)

        let storage = try SQLiteRepoStorage(path: dir + "/repo.sqlite")
        let head = try #require(try storage.head())
        #expect(head.rev >= acknowledged.last![0])
        let repo = try Repository(storage: storage, did: head.did)
        var car: [UInt8] = []
        try repo.exportCAR { car += $0 }
        let summary = try RepoVerifier.verify(car: car, signature: nil)
        let keys = Set(summary.records.map(\.key))
        for ack in acknowledged { #expect(keys.contains("com.example.churn/\(ack[1])"), "lost \(ack)") }
        print("kill test: \(acknowledged.count) acknowledged commits, \(summary.records.count) in the reopened store")
        try? FileManager.default.removeItem(atPath: dir)
    }
}

/// The command line on a CAR atmst wrote: `dpds repo verify` says ok, or exits 1 naming the problem.
@Suite struct RepoCLITests {
    func dpds(_ args: [String]) throws -> (status: Int32, out: String) {
        let p = ChildProcess()
        p.executableURL = KillTests.dpds
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: KillTests.present && Peers.shouldRun, "needs dpds built and the peers"))
    func verifyAtmstCAR() async throws {
        let dir = tempDir()
        let path = dir + "/atmst.car"
        let meta = try JSONSerialization.jsonObject(with: try await Peers.run("repo_atmst.py", ["write-car", path, "200", "3"])) as! [String: Any]
        let didKey = meta["did_key"] as! String
        let ok = try dpds(["repo", "verify", path, "--did-key", didKey])
        #expect(ok.status == 0)
        #expect(ok.out.hasPrefix("ok 200 records"))
        let wrong = try dpds(["repo", "verify", path, "--did-key", K256SigningKey().publicKey.didKey])
        #expect(wrong.status == 1)
        #expect(wrong.out.contains("signature"))
        let ls = try dpds(["repo", "ls", path])
        #expect(ls.out.split(separator: "\n").count == 200)
        #expect(ls.out.split(separator: "\n").allSatisfy { $0.split(separator: "\t").count == 2 })
        let inspect = try dpds(["repo", "inspect", path])
        #expect(inspect.out.contains("did\tdid:plc:atmstpeer"))
        // Round trip through a data directory.
        #expect(try dpds(["repo", "import", path, "--data", dir + "/d", "--did-key", didKey]).status == 0)
        #expect(try dpds(["repo", "export", "--data", dir + "/d", "-o", dir + "/back.car"]).status == 0)
        #expect(try dpds(["repo", "ls", dir + "/back.car"]).out == ls.out)
        try? FileManager.default.removeItem(atPath: dir)
    }
}
