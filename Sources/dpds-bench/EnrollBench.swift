import ArgumentParser
import Device
import Foundation
import Logging
import Protocol
import Relay
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 7's figures on loopback: createRecord p50/p99 through relay -> tunnel -> desktop -> relay
/// signs, next to the same call on a mobile-only account of the same relay; commits per second
/// pushed from the desktop over one tunnel; reconnect to first acked push.
struct EnrollBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enroll", abstract: "Enrolled write path latency, push rate, reconnect.")

    @Option(help: "createRecord calls per mode.") var calls = 300
    @Option(help: "Commits pushed from the desktop.") var pushes = 2000
    @Option(help: "Reconnect measurements.") var reconnects = 5

    func run() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-bench-enroll-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var overrides = RelayConfigOverrides()
        overrides.dataDirectory = dir.appendingPathComponent("relay").path
        overrides.port = 0
        let config = try RelayConfig.load(environment: [:], overrides: overrides)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let environment = try RelayEnvironment(config: config, logger: logger, enrollmentSettings: config.enrollmentSettings)
        let shutdown = RelayShutdown()
        let (ready, cont) = AsyncStream.makeStream(of: Int.self)
        let server = Task { try await RelayServer(environment: environment).run(shutdown: shutdown) { cont.yield($0) } }
        var it = ready.makeAsyncIterator()
        guard let port = await it.next() else { throw ValidationError("relay did not start") }
        try await environment.enrollment.start()
        let http = BenchHTTP(base: "http://127.0.0.1:\(port)")

        let mobile = try await http.account("mobile")
        let enrolled = try await http.account("desktop")
        let ticket = try PairingTicket(parsing: try await http.ticket(enrolled))
        let desktop = try Desktop(directory: try DeviceDirectory(path: dir.appendingPathComponent("desktop").path),
                                  backoff: .init(initial: .milliseconds(50), maximum: .seconds(1)), logger: logger, say: { _ in })
        try await desktop.pair(ticket)
        try await desktop.start()
        await desktop.waitConnected()

        let m = try await Self.latencies(http, mobile, calls)
        let e = try await Self.latencies(http, enrolled, calls)
        print(String(format: "createRecord mobile-only   p50 %.2f ms  p99 %.2f ms  (%d calls)", m.p50, m.p99, calls))
        print(String(format: "createRecord enrolled      p50 %.2f ms  p99 %.2f ms  (+%.2f ms at p50)", e.p50, e.p99, e.p50 - m.p50))

        let start = ContinuousClock.now
        // Many writers at once, as a busy desktop has: the agent pipelines up to `maxInFlight` pushes.
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let i = next
                next += 1
                group.addTask { _ = try await desktop.write([Desktop.post(text: "bench \(i)")]) }
            }
            while next < min(pushes, 64) { add() }
            while try await group.next() != nil { if next < pushes { add() } }
        }
        let seconds = Self.seconds(ContinuousClock.now - start)
        print(String(format: "desktop pushes            %.0f commits/s over one tunnel (%d commits, pipelined)",
                     Double(pushes) / seconds, pushes))

        var times: [Double] = []
        for i in 0..<reconnects {
            await desktop.stop()
            _ = try await desktop.write([Desktop.post(text: "while away \(i)")])
            let t0 = ContinuousClock.now
            try await desktop.start()
            await desktop.waitConnected()  // fires after the queued commit was acked
            times.append(Self.seconds(ContinuousClock.now - t0) * 1000)
        }
        times.sort()
        print(String(format: "reconnect to first ack    median %.1f ms, max %.1f ms (%d runs)", times[times.count / 2], times.last ?? 0, reconnects))
        await desktop.stop()
        await shutdown.trigger()
        _ = await server.result
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    static func latencies(_ http: BenchHTTP, _ account: BenchHTTP.Account, _ n: Int) async throws -> (p50: Double, p99: Double) {
        var ms: [Double] = []
        for i in 0..<n {
            let t0 = ContinuousClock.now
            let status = try await http.post(account, "bench \(i)")
            guard status == 200 else { throw ValidationError("createRecord answered \(status)") }
            ms.append(seconds(ContinuousClock.now - t0) * 1000)
        }
        ms.sort()
        return (ms[ms.count / 2], ms[min(ms.count - 1, ms.count * 99 / 100)])
    }
}

/// The few XRPC calls the enroll bench makes, over URLSession.
struct BenchHTTP: Sendable {
    let base: String
    struct Account: Sendable { let did: String; let token: String }

    func call(_ nsid: String, token: String? = nil, body: [String: Any]) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "\(base)/xrpc/\(nsid)")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    func account(_ name: String) async throws -> Account {
        let (_, json) = try await call("com.atproto.server.createAccount",
                                       body: ["handle": "\(name).test", "email": "\(name)@example.com", "password": "bench-\(name)"])
        guard let did = json["did"] as? String, let token = json["accessJwt"] as? String else { throw ValidationError("createAccount: \(json)") }
        return Account(did: did, token: token)
    }

    func ticket(_ account: Account) async throws -> String {
        let (_, json) = try await call("app.dpds.device.createPairingTicket", token: account.token, body: [:])
        guard let ticket = json["ticket"] as? String else { throw ValidationError("ticket: \(json)") }
        return ticket
    }

    func post(_ account: Account, _ text: String) async throws -> Int {
        try await call("com.atproto.repo.createRecord", token: account.token, body: [
            "repo": account.did, "collection": "app.bsky.feed.post",
            "record": ["$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-25T12:00:00.000Z"],
        ]).0
    }
}
