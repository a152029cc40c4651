import Foundation
import Logging
import Relay
import RelayTestSupport
import TestSupport

/// A relay in this process on a free loopback port, over real SQLite files in a temp directory,
/// for the wallet scenarios. Ready when the server reports its bound port, never after a sleep.
/// Its log lines are captured (`logText`) so tests can search them for key material.
struct WalletRelay: Sendable {
    let port: Int
    let environment: RelayEnvironment
    let dataDirectory: URL
    let logs: LogCapture
    private let running: RunningRelay

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    static func start(registrar: (any DIDRegistrar)? = nil,
                      configure: (inout RelayConfigOverrides) -> Void = { _ in }) async throws -> WalletRelay {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-wallet-relay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var overrides = RelayConfigOverrides()
        overrides.dataDirectory = dir.path
        overrides.port = 0
        configure(&overrides)
        let config = try RelayConfig.load(environment: [:], overrides: overrides)
        let logs = LogCapture()
        var logger = Logger(label: "wallet-relay") { _ in CapturingLogHandler(capture: logs) }
        logger.logLevel = .trace
        let environment = try registrar.map { try RelayEnvironment(config: config, logger: logger, registrar: $0) }
            ?? RelayEnvironment(config: config, logger: logger)
        let running = try await RunningRelay.start(environment, within: 60)
        return WalletRelay(port: running.port, environment: environment, dataDirectory: dir, logs: logs, running: running)
    }

    func stop() async { await running.stop() }
}

func walletDeadline<T: Sendable>(seconds: Double, fileID: String = #fileID, line: Int = #line, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await bounded(seconds, fileID: fileID, line: line, operation)
}

final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return lines.joined(separator: "\n") }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        capture.append("\(event.level) \(event.message) \(all) \(event.error.map { "\($0)" } ?? "")")
    }
}

/// Every file under `directories`, for the "no file holds the key" checks.
func allFiles(under directories: [URL]) -> [URL] {
    directories.flatMap { dir -> [URL] in
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}
