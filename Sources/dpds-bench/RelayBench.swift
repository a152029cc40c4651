import ArgumentParser
import Foundation
import Logging
import Protocol
import Relay

/// The relay as a PDS under load, in this process, over real loopback HTTP: createRecord throughput
/// and latency from wrk with 1, 4 and 16 clients (one account, and one account per client), durable
/// storage (every commit is in the firehose's log, SQLite WAL with synchronous=FULL, before it is
/// acknowledged; concurrent commits of all accounts share that fsync by group commit, and the repos'
/// own files are written without one, the log being their redo log), server CPU per write, RSS idle and
/// under load, and the firehose fanning out to 100 and 1,000 real WebSocket subscribers.
struct RelayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "relay", abstract: "Relay: createRecord over HTTP (wrk), firehose fan-out, RSS.")

    @Option(help: "Seconds per wrk run.") var seconds: Int = 10
    @Option(help: "Client counts.") var clients: [Int] = [1, 4, 16]
    @Option(help: "Firehose subscriber counts.") var subscribers: [Int] = [100, 1000]
    @Option(help: "Fan-out pacing factor (FirehoseHub.pacing; default the relay's).") var pacing: Int?
    @Option(help: "Offered createRecord rate (writes/s, 16 clients) of the fan-out runs at a fixed rate; 0 skips them.")
    var fixedRate: Int = 500

    func run() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-relay-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var overrides = RelayConfigOverrides()
        overrides.dataDirectory = dir.path
        overrides.port = 0
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let env = try RelayEnvironment(config: try RelayConfig.load(environment: [:], overrides: overrides), logger: logger)
        if let pacing { env.hub.pacing = pacing }
        let server = RelayServer(environment: env)
        let shutdown = RelayShutdown()
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let serverTask = Task { try await server.run(shutdown: shutdown) { readyContinuation.yield($0) } }
        var portIterator = ready.makeAsyncIterator()
        guard let port = await portIterator.next() else { throw ValidationError("relay did not start") }
        let url = "http://127.0.0.1:\(port)"
        let idle = residentMiB().now
        print("relay bench: durable storage (every acknowledged write fsynced in the firehose log, SQLite WAL synchronous=FULL, shared by all accounts' concurrent writes; repo files synchronous=NORMAL with that log as redo log); load generator wrk \(seconds)s per run")
        print(String(format: "RSS idle after start: %.1f MiB", idle))

        var accounts: [(String, String)] = []
        for i in 0..<max(clients.max() ?? 16, 16) { accounts.append(try await Self.createAccount(url, "bench\(i).test")) }

        var cpuPerWrite = 0.0   // seconds, 16 clients on 16 accounts without subscribers: what fan-out adds to
        print("clients accounts   writes/s    p50 ms    p99 ms  errors  server CPU/write  wrk CPU/write")
        for count in clients {
            for many in count == 1 ? [false] : [false, true] {
                let use = many ? Array(accounts.prefix(count)) : [accounts[0]]
                let cpu0 = cpuSeconds()
                let run = try WrkRun.createRecords(url: url, clients: count, accounts: use, seconds: seconds, workDir: dir.path)
                // This process is the server (wrk is a child process, counted apart).
                let serverCPU = cpuSeconds() - cpu0
                if many || count == 1 { cpuPerWrite = serverCPU / Double(max(run.requests, 1)) }
                print(String(format: "%7d %8d %10.0f %9.2f %9.2f %7d %14.3f ms %12.3f ms", count, many ? count : 1,
                             run.perSecond, run.p50ms, run.p99ms, run.errors, serverCPU * 1000 / Double(max(run.requests, 1)),
                             run.generatorCPUSeconds * 1000 / Double(max(run.requests, 1))))
            }
        }
        print(String(format: "RSS under load: now %.1f MiB, peak %.1f MiB", residentMiB().now, residentMiB().peak))

        for n in subscribers {
            try await fanOut(env: env, port: port, url: url, subscribers: n, accounts: Array(accounts.prefix(16)), dir: dir.path,
                             cpuPerWrite: cpuPerWrite)
        }
        // Flat out, writers and fan-out share two cores with the load generator and the subscribers'
        // reader; at a rate the machine can carry, this shows what subscribers alone cost writers.
        if fixedRate > 0 {
            let pause = max(0, 16 * 1000 / fixedRate - 2)
            print("fixed offered rate: 16 clients on 16 accounts, each pausing \(pause) ms after every answer (about \(fixedRate) writes/s offered)")
            for n in [0] + subscribers {
                try await fanOut(env: env, port: port, url: url, subscribers: n, accounts: Array(accounts.prefix(16)), dir: dir.path,
                                 cpuPerWrite: cpuPerWrite, pauseMs: pause)
            }
        }
        print(String(format: "RSS after fan-out: now %.1f MiB, peak %.1f MiB", residentMiB().now, residentMiB().peak))
        await shutdown.trigger()
        _ = await serverTask.result
    }

    /// `n` live subscribers, each its own WebSocket connection to subscribeRepos over loopback,
    /// while wrk writes with 16 clients; then waits (at most 120 s) until each has every event.
    /// Server CPU is this process's minus the subscribers' reader thread (wrk is a child process);
    /// per event per subscriber it is what the run cost beyond `cpuPerWrite` per write, over
    /// events x subscribers.
    func fanOut(env: RelayEnvironment, port: Int, url: String, subscribers n: Int, accounts: [(String, String)], dir: String,
                cpuPerWrite: Double, pauseMs: Int? = nil) async throws {
        let start = try await env.sequencer.bounds().latest
        let sockets = try WebSocketSubscribers(port: port, cursor: start, count: n)
        let deadline0 = Date().addingTimeInterval(60)
        while env.hub.subscriberCount < n && Date() < deadline0 { try await Task.sleep(for: .milliseconds(20)) }
        let cpu0 = cpuSeconds(), reader0 = sockets.readerCPUSeconds
        let run = try WrkRun.createRecords(url: url, clients: 16, accounts: accounts, seconds: seconds, workDir: dir, pauseMs: pauseMs)
        // Writes wrk left in flight when it stopped may still be sequenced: count against the final seq.
        var sequenced = Int(try await env.sequencer.bounds().latest - start)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            let latest = Int(try await env.sequencer.bounds().latest - start)
            if latest == sequenced && !sockets.counts.contains(where: { $0 < sequenced }) { break }
            sequenced = latest
        }
        let readerCPU = sockets.readerCPUSeconds - reader0
        let serverCPU = cpuSeconds() - cpu0 - readerCPU
        let complete = sockets.counts.filter { $0 == sequenced }.count
        if complete < n { print("fan-out: counts min \(sockets.counts.min() ?? 0) max \(sockets.counts.max() ?? 0) of \(sequenced)") }
        let cut = sockets.closedCount
        sockets.stop()
        print("fan-out (pacing \(env.hub.pacing)\(pauseMs == nil ? "" : ", fixed rate")) " + String(format: "%5d WebSocket subscribers: writer %.0f writes/s (p50 %.2f ms, p99 %.2f ms), %d events, %d/%d subscribers received every one, %d cut off",
                     n, run.perSecond, run.p50ms, run.p99ms, sequenced, complete, n, cut))
        let events = Double(max(sequenced, 1))
        print(String(format: "  server CPU %.3f ms/event (%.1f us/event/subscriber over the %.3f ms/write without subscribers); bench subscribers' reader thread %.3f ms/event (%.2f us/event/subscriber)",
                     serverCPU * 1000 / events, n == 0 ? 0.0 : (serverCPU / events - cpuPerWrite) * 1e6 / Double(n), cpuPerWrite * 1000,
                     readerCPU * 1000 / events, n == 0 ? 0.0 : readerCPU * 1e6 / events / Double(n)))
        // What the kernel copies over loopback, once out of the relay and once into the subscribers:
        // flat out, that copying is what 1,000 subscribers on the same two cores cost most.
        if n > 0 {
            let frames = try await env.sequencer.events(after: start, limit: sequenced)
            let bytes = frames.reduce(0) { $0 + $1.frame.count }
            print(String(format: "  mean event frame %.0f bytes; the fan-out carried %.0f MB/s to its subscribers",
                         Double(bytes) / events, Double(bytes) * Double(n) / 1e6 / Double(seconds)))
        }
    }

    static func createAccount(_ url: String, _ handle: String) async throws -> (String, String) {
        let answer = try await OutboundHTTP().send("POST", URL(string: url + "/xrpc/com.atproto.server.createAccount")!,
                                                   headers: ["content-type": "application/json"],
                                                   body: Array(#"{"handle":"\#(handle)","password":"bench-password"}"#.utf8))
        let data = Data(answer.body)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let did = object["did"] as? String, let jwt = object["accessJwt"] as? String else {
            throw ValidationError("createAccount failed: \(String(decoding: data, as: UTF8.self))")
        }
        return (did, jwt)
    }
}
