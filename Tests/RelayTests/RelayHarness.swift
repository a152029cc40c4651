import Foundation
import Logging
import Relay
import RelayTestSupport
import TestSupport

/// A relay running in-process on a free loopback port, over real SQLite files in a temp directory.
/// `start` returns once the server reports its bound port (the readiness event), never after a sleep.
struct RelayHarness: Sendable {
    let port: Int
    let environment: RelayEnvironment
    let dataDirectory: URL
    private let running: RunningRelay

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func makeDataDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func config(dataDirectory: URL, configure: (inout RelayConfigOverrides) -> Void = { _ in }) throws -> RelayConfig {
        var overrides = RelayConfigOverrides()
        overrides.dataDirectory = dataDirectory.path
        overrides.port = 0
        configure(&overrides)
        return try RelayConfig.load(environment: [:], overrides: overrides)
    }

    static func start(dataDirectory: URL? = nil,
                      configure: (inout RelayConfigOverrides) -> Void = { _ in }) async throws -> RelayHarness {
        let dir = try dataDirectory ?? makeDataDirectory()
        var logger = Logger(label: "relay-test")
        logger.logLevel = .warning
        let environment = try RelayEnvironment(config: try config(dataDirectory: dir, configure: configure), logger: logger)
        let running = try await RunningRelay.start(environment, within: 60)
        return RelayHarness(port: running.port, environment: environment, dataDirectory: dir, running: running)
    }

    /// Graceful stop, as SIGTERM would; waits until the server has finished.
    func stop() async { await running.stop() }

    /// Runs a python peer off the cooperative pool (it blocks while the server under test needs threads).
    func peer(_ script: String, _ arguments: [String] = [], timeout: TimeInterval = 300) async throws -> [String: Any] {
        let data = try await runPeer(script, [baseURL] + arguments, timeout: timeout)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw HarnessError.badPeerOutput(String(decoding: data, as: UTF8.self))
        }
        return object
    }
}

func runPeer(_ script: String, _ arguments: [String], timeout: TimeInterval = 300) async throws -> Data {
    try await Peers.run(script, arguments, timeout: timeout)
}

enum HarnessError: Error {
    case serverExited
    case badPeerOutput(String)
}

/// Bounds a wait on an event; the bound is generous and only there so a bug fails instead of hanging.
func withDeadline<T: Sendable>(seconds: Double, fileID: String = #fileID, line: Int = #line, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await bounded(seconds, fileID: fileID, line: line, operation)
}
