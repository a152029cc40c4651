import ArgumentParser
import Foundation
import Protocol
import Repo

/// Repo engine figures next to atmst on the same data shape in the same run: a 100,000-record
/// tree by single inserts, 10,000 single-record signed durable commits, CAR export, peak memory.
struct RepoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repo", abstract: "Repo engine: build, commits, export, next to atmst.")

    @Option(help: "Records in the built tree.") var records: Int = 100_000
    @Option(help: "Single-record signed commits applied to it.") var commits: Int = 10_000
    @Option(help: "Commits per group in the group-commit figure.") var group: Int = 128
    @Option(help: "Concurrent writers in the group-committer figure.") var writers: Int = 128
    @Option(help: "Records atmst builds (its rate is per insert, so fewer keeps the run short).") var atmstRecords: Int = 100_000
    @Flag(help: "Only the durable commit figures on the stored repo (no tree builds, no-fsync split, export or atmst).")
    var commitsOnly = false

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func run() async throws {
        let keys = (0..<records).map { String(format: "app.bsky.feed.post/3l%011d", $0) }.shuffled()
        let values = (0..<records).map { CID.compute(.dagCBOR, Array("record \($0)".utf8)) }

        // 1. Build by single inserts, hashing once at the end (our write path: hash per commit).
        var built: (rootCID: CID, buildS: Double, perInsertN: Int, perInsertS: Double, buildRSS: Double, peakAfterBuild: Double)?
        if !commitsOnly {
            let rss0 = peakRSSMB()
            var t = now()
            let tree = MST(source: MemoryBlockStore())
            for (k, v) in zip(keys, values) { try tree.put(k, v) }
            let rootCID = tree.rootCID()
            let buildS = now() - t
            let peakAfterBuild = peakRSSMB()
            // Same, but a root CID after every insert, as atmst computes.
            let perInsertN = min(records, 20_000)
            t = now()
            let tree2 = MST(source: MemoryBlockStore())
            for (k, v) in zip(keys.prefix(perInsertN), values) { try tree2.put(k, v); _ = tree2.rootCID() }
            built = (rootCID, buildS, perInsertN, now() - t, peakAfterBuild - rss0, peakAfterBuild)
        }

        // 2. Durable signed commits on a stored 100k-record repo.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = K256SigningKey()
        let storage = try SQLiteRepoStorage(path: dir + "/repo.sqlite")
        let pragmas = try storage.pragmas()
        let repo = try Repository(storage: storage, did: "did:example:bench")
        var t = now()
        let seed: [RecordWrite] = keys.enumerated().map { i, k in
            .create(collection: "app.bsky.feed.post", rkey: String(k.split(separator: "/")[1]), record: Self.record(i))
        }
        try repo.commit(seed, sign: key.sign)
        let loadS = now() - t
        t = now()
        var cpu = cpuSeconds()
        for i in 0..<commits {
            try repo.commit([.create(collection: "app.bsky.feed.like", rkey: String(format: "3m%011d", i), record: Self.record(records + i))], sign: key.sign)
        }
        let commitS = now() - t
        let commitCPU = cpuSeconds() - cpu
        // Group commit: `group` single-record commits, each signed, sharing one transaction and fsync.
        t = now()
        cpu = cpuSeconds()
        let groupSize = group
        let grouped = commits / groupSize * groupSize
        for g in 0..<(commits / groupSize) {
            let groups: [[RecordWrite]] = (0..<groupSize).map { j in
                let i = g * groupSize + j
                return [.create(collection: "app.bsky.graph.follow", rkey: String(format: "3n%011d", i), record: Self.record(records + commits + i))]
            }
            try repo.commitGroup(groups, sign: key.sign)
        }
        let groupS = now() - t
        let groupCPU = cpuSeconds() - cpu
        // Concurrent writers through the group committer: each awaits its own durable commit.
        let committer = GroupCommitter(repository: repo, sign: { try key.sign($0) })
        let perWriter = commits / writers
        t = now()
        cpu = cpuSeconds()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for w in 0..<writers {
                tasks.addTask {
                    for j in 0..<perWriter {
                        let i = w * perWriter + j
                        _ = try await committer.commit([.create(collection: "app.bsky.feed.repost", rkey: String(format: "3p%011d", i),
                                                                record: Self.record(records + 2 * commits + i))])
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let committerS = now() - t
        let committerCPU = cpuSeconds() - cpu
        let (groupsWritten, committed) = committer.counts
        committer.close()  // hands `repo` back for the export below

        print("repo (records \(records), commits \(commits)); durability: SQLite journal_mode=\(pragmas.journalMode), synchronous=\(pragmas.synchronous == 2 ? "FULL" : String(pragmas.synchronous)): every commit is in an fsynced WAL before its call returns")
        print("CPUs this process may run on: \(Self.allowedCPUs()) (run under `taskset -c 0` for the one-core figures)")
        if let b = built {
            print(String(format: "build %d records, single inserts, root at end:   %8.0f inserts/s  (%.2fs)", records, Double(records) / b.buildS, b.buildS))
            print(String(format: "build %d records, root CID after every insert:  %8.0f inserts/s", b.perInsertN, Double(b.perInsertN) / b.perInsertS))
            print(String(format: "memory: tree growth %.1f MB; process peak RSS after build %.1f MB", b.buildRSS, b.peakAfterBuild))
        }
        print(String(format: "store %d records in one commit:                  %8.2f s", records, loadS))
        print(String(format: "single-record signed durable commits, one fsync each: %8.0f commits/s (%.0f µs each; CPU %.0f µs each)",
                     Double(commits) / commitS, commitS / Double(commits) * 1e6, commitCPU / Double(commits) * 1e6))
        print(String(format: "same, group commit of %d (one transaction+fsync per group): %8.0f commits/s (CPU %.0f µs each)",
                     groupSize, Double(grouped) / groupS, groupCPU / Double(grouped) * 1e6))
        print(String(format: "same, %d concurrent writers, group committer:       %8.0f commits/s (mean group %.1f; each durable before it returns; CPU %.0f µs each)",
                     writers, Double(committed) / committerS, Double(committed) / Double(max(1, groupsWritten)), committerCPU / Double(max(1, committed)) * 1e6))
        print(String(format: "  one core's worth: %.0f single, %.0f grouped by %d, %.0f through the group committer (commits per CPU-second)",
                     Double(commits) / commitCPU, Double(grouped) / groupCPU, groupSize, Double(committed) / committerCPU))
        // On a shared machine the wall figures above are what the scheduler left us; this says how much.
        print(String(format: "  share of wall time this process was on a CPU: single %.0f%%, grouped %.0f%%, committer %.0f%% (100%% = a whole core)",
                     commitCPU / commitS * 100, groupCPU / groupS * 100, committerCPU / committerS * 100))
        if commitsOnly { return }

        // The same commits without fsync (synchronous=OFF): not durable, shown only to split the cost.
        let bare = try Repository(storage: try SQLiteRepoStorage(path: dir + "/bare.sqlite", durable: false), did: "did:example:bare")
        try bare.commit(seed, sign: key.sign)
        var split = (prepare: 0.0, sign: 0.0, apply: 0.0)
        t = now()
        for i in 0..<commits {
            let t0 = now()
            let p = try bare.prepare([.create(collection: "app.bsky.feed.like", rkey: String(format: "3m%011d", i), record: Self.record(records + i))])
            let t1 = now()
            let sig = try key.sign(p.commit.bytesToSign)
            let t2 = now()
            try bare.apply(signature: sig)
            split.prepare += t1 - t0; split.sign += t2 - t1; split.apply += now() - t2
        }
        let bareS = now() - t
        var fsyncs: [Double] = []
        let probe = dir + "/probe"
        FileManager.default.createFile(atPath: probe, contents: nil)
        let fd = open(probe, O_WRONLY)
        for _ in 0..<200 {
            _ = [UInt8](repeating: 1, count: 4096).withUnsafeBytes { write(fd, $0.baseAddress, 4096) }
            let s = now(); fdatasync(fd); fsyncs.append(now() - s)
        }
        close(fd)
        fsyncs.sort()

        // 3. Export.
        var bytes = 0
        t = now()
        try repo.exportCAR { bytes += $0.count }
        let exportS = now() - t
        // Again, with nothing left to sweep: the streaming rate alone.
        var bytes2 = 0
        t = now()
        cpu = cpuSeconds()
        try repo.exportCAR { bytes2 += $0.count }
        let export2S = now() - t
        let export2CPU = cpuSeconds() - cpu
        let peakTotal = peakRSSMB()

        // 4. atmst on the same shape.
        let peer = atmst()

        print(String(format: "same, no fsync (synchronous=OFF, NOT durable):     %8.0f commits/s (%.0f µs each: MST + sign + SQLite)", Double(commits) / bareS, bareS / Double(commits) * 1e6))
        print(String(format: "  per commit: MST+encode+hash %.0f µs, K-256 sign %.0f µs, SQLite transaction %.0f µs",
                     split.prepare / Double(commits) * 1e6, split.sign / Double(commits) * 1e6, split.apply / Double(commits) * 1e6))
        print(String(format: "this machine now: fdatasync median %.0f µs, p90 %.0f µs", fsyncs[100] * 1e6, fsyncs[180] * 1e6))
        print(String(format: "CAR export:                                        %8.1f MB/s (%.1f MB); again right after: %.1f MB/s (%.1f MB per CPU-second)",
                     Double(bytes) / 1e6 / exportS, Double(bytes) / 1e6, Double(bytes2) / 1e6 / export2S, Double(bytes2) / 1e6 / export2CPU))
        print(String(format: "process peak RSS at end of run: %.1f MB", peakTotal))
        guard let b = built else { return }
        print("root \(b.rootCID.text)")
        if let p = peer {
            let theirBuild = p["build_per_s"] ?? 0, theirCommits = p["commits_per_s"] ?? 0, theirRSS = p["peak_rss_mb"] ?? 0
            print(String(format: "atmst build %d records by single inserts:        %8.0f inserts/s  -> dpds %.1fx (root at end), %.1fx (root per insert)",
                         Int(p["records"] ?? 0), theirBuild, Double(records) / b.buildS / theirBuild, Double(b.perInsertN) / b.perInsertS / theirBuild))
            print(String(format: "atmst peak RSS (python process, same inputs):      %8.1f MB  -> dpds process peak after build is %.2f of it", theirRSS, b.peakAfterBuild / theirRSS))
            print(String(format: "atmst MST updates with new root (no signing/disk): %8.0f /s     -> dpds full durable commits %.1fx", theirCommits, Double(commits) / commitS / theirCommits))
        } else {
            print("(atmst not measured: peer not installed; run make venv)")
        }
    }

    /// The CPUs the kernel lets this process use (`Cpus_allowed_list`), to show core pinning.
    static func allowedCPUs() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return "unknown" }
        let list = line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
        return list + (list.contains(",") || list.contains("-") ? "" : " (one core)")
    }

    /// `{"n": i}` as DAG-CBOR.
    static func record(_ i: Int) -> [UInt8] {
        var out: [UInt8] = [0xa1, 0x61, 0x6e]
        if i < 24 { out.append(UInt8(i)) } else if i < 256 { out += [0x18, UInt8(i)] }
        else if i < 65536 { out += [0x19, UInt8(i >> 8), UInt8(i & 0xff)] }
        else { out += [0x1a, UInt8(i >> 24), UInt8((i >> 16) & 0xff), UInt8((i >> 8) & 0xff), UInt8(i & 0xff)] }
        return out
    }

    func now() -> Double { Date().timeIntervalSince1970 }

    /// User plus system CPU time of this process: the per-commit cost on one core, which the
    /// machine's load does not inflate the way it inflates wall time.
    func cpuSeconds() -> Double {
        let usage = selfUsage()
        let t = { (v: timeval) in Double(v.tv_sec) + Double(v.tv_usec) / 1e6 }
        return t(usage.ru_utime) + t(usage.ru_stime)
    }

    func peakRSSMB() -> Double { Double(selfUsage().ru_maxrss) / 1024 }

    func selfUsage() -> rusage {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return usage
    }

    func atmst() -> [String: Double]? {
        let python = ProcessInfo.processInfo.environment["DPDS_PYTHON"].map { URL(fileURLWithPath: $0) }
            ?? Self.root.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return nil }
        let process = Process()
        process.executableURL = python
        process.arguments = [Self.root.appendingPathComponent("tests/peers/repo_atmst.py").path, "bench", String(atmstRecords)]
        let out = Pipe()
        process.standardOutput = out
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard var dict = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        dict["records"] = Double(atmstRecords)
        return dict.compactMapValues { $0 as? Double }
    }
}
