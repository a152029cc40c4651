import Foundation
import Logging
import Protocol
import Relay
import Device
import RelayTestSupport
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A relay (HTTP on a free loopback port, tunnel on another) over real SQLite in a temp directory,
/// plus helpers to make accounts and desktops. Every wait is on an event, bounded by `deadline`.
struct EnrollRelay: Sendable {
    let port: Int
    let environment: RelayEnvironment
    let dataDirectory: URL
    let running: RunningRelay

    var base: String { "http://127.0.0.1:\(port)" }

    static func temp(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `plcURL`: publish DIDs there (a `PLCDirectoryDouble`) and name it in tickets.
    static func start(policy: RelayPolicy = .preset(.pro), plcURL: String? = nil,
                      networkFirehose: (any NetworkFirehoseSource)? = nil,
                      configure: (inout RelayConfigOverrides) -> Void = { _ in }) async throws -> EnrollRelay {
        let dir = try temp("relay")
        var overrides = RelayConfigOverrides()
        overrides.dataDirectory = dir.path
        overrides.port = 0
        overrides.plcURL = plcURL
        configure(&overrides)
        let config = try RelayConfig.load(environment: [:], overrides: overrides)
        var logger = Logger(label: "enroll-relay")
        logger.logLevel = .warning
        // The spec's 3 s write bound is about sleeping desktops; on two loaded cores running the whole
        // suite an awake one can miss it, so these tests (none of which test that bound) widen it.
        var policy = policy
        policy.limits.writeTimeoutMs = 120_000
        let environment = try RelayEnvironment(config: config, logger: logger,
                                               enrollmentSettings: Enrollment.Settings(policy: policy, plcDirectory: plcURL,
                                                                                      networkFirehose: networkFirehose))
        let running = try await RunningRelay.start(environment)
        try await environment.enrollment.start()
        return EnrollRelay(port: running.port, environment: environment, dataDirectory: dir, running: running)
    }

    func stop() async { await running.stop() }

    struct Reply: Sendable {
        let status: Int
        let body: Data
        let retryAfter: String?

        var object: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
        func string(_ key: String) -> String? { object[key] as? String }
        var error: String? { string("error") }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func call(_ nsid: String, token: String? = nil, body: [String: Any]? = nil, query: String = "") async throws -> Reply {
        var request = URLRequest(url: URL(string: "\(base)/xrpc/\(nsid)\(query.isEmpty ? "" : "?" + query)")!)
        request.timeoutInterval = 300
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Reply(status: http.statusCode, body: data, retryAfter: http.value(forHTTPHeaderField: "Retry-After"))
    }

    struct Account: Sendable {
        let did: String
        let handle: String
        let token: String
    }

    func createAccount(_ name: String) async throws -> Account {
        let reply = try await call("com.atproto.server.createAccount",
                                   body: ["handle": "\(name).test", "email": "\(name)@example.com", "password": "hunter2-\(name)"])
        guard reply.status == 200, let did = reply.string("did"), let token = reply.string("accessJwt") else {
            throw EnrollTestError.http(reply.status, reply.text)
        }
        return Account(did: did, handle: "\(name).test", token: token)
    }

    func ticket(for account: Account) async throws -> PairingTicket {
        let reply = try await call("app.dpds.device.createPairingTicket", token: account.token, body: [:])
        guard reply.status == 200, let text = reply.string("ticket") else { throw EnrollTestError.http(reply.status, reply.text) }
        return try PairingTicket(parsing: text)
    }

    func post(_ account: Account, _ text: String) async throws -> Reply {
        try await call("com.atproto.repo.createRecord", token: account.token, body: [
            "repo": account.did, "collection": "app.bsky.feed.post",
            "record": ["$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-25T12:00:00.000Z"],
        ])
    }

    /// `#commit` seqs on the firehose log, all events (must have no gaps).
    func seqs() async throws -> [Int64] {
        try await environment.sequencer.events(after: 0, limit: 10_000).map(\.seq)
    }
}

struct Lines: Sendable {
    private let box = Box()
    final class Box: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
    }
    func add(_ line: String) { box.lock.withLock { box.lines.append(line) } }
    var all: [String] { box.lock.withLock { box.lines } }
}

func makeDesktop(_ lines: Lines = Lines(), features: FeatureSet = DeviceSession.Configuration.allFeatures()) throws -> Desktop {
    var logger = Logger(label: "enroll-desktop")
    logger.logLevel = .warning
    // The spec's 10 s welcome bound is tight when a 2-core CI box runs every suite at once.
    return try Desktop(directory: try DeviceDirectory(path: try EnrollRelay.temp("desktop").path), features: features,
                       backoff: .init(initial: .milliseconds(100), maximum: .seconds(1)), welcomeTimeoutMs: 120_000,
                       logger: logger, say: { lines.add($0) })
}

enum EnrollTestError: Error {
    case http(Int, String)
}

/// Bounds a wait on an event; generous, only so a bug fails instead of hanging.
func deadline<T: Sendable>(_ seconds: Double, fileID: String = #fileID, line: Int = #line, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await bounded(seconds, fileID: fileID, line: line, operation)
}
