import Foundation
import TestSupport

/// A long-running Python peer (e.g. the iroh echo endpoint). Its stdout is read line by line;
/// closing its stdin tells it to exit. Every wait is bounded.
final class PeerProcess: @unchecked Sendable {
    let process = ChildProcess()
    private let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    private let lock = NSCondition()
    private var lines: [String] = []
    private var partial = Data()
    private var eof = false

    init(_ script: String, _ arguments: [String]) throws {
        process.executableURL = Peers.python
        process.arguments = [Peers.script(script).path] + arguments
        process.currentDirectoryURL = Peers.script(script).deletingLastPathComponent()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        stdout.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.append(data)
        }
        try process.run()
    }

    private func append(_ data: Data) {
        lock.lock()
        defer { lock.broadcast(); lock.unlock() }
        if data.isEmpty { eof = true; return }
        partial.append(data)
        while let nl = partial.firstIndex(of: 0x0a) {
            lines.append(String(decoding: partial[partial.startIndex..<nl], as: UTF8.self))
            partial = Data(partial[(nl + 1)...])
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        let stderr: String
        var description: String { "peer gave no line in time; stderr: \(stderr)" }
    }

    /// The next stdout line parsed as a JSON object, waiting at most `timeout` seconds.
    func nextJSON(timeout: TimeInterval = 60) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        while lines.isEmpty && !eof {
            if !lock.wait(until: deadline) { break }
        }
        let line = lines.isEmpty ? nil : lines.removeFirst()
        lock.unlock()
        guard let line, let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw Timeout(stderr: stopAndCollectStderr())
        }
        return obj
    }

    /// Reads JSON lines until one satisfies `match` (bounded).
    func waitFor(timeout: TimeInterval = 60, _ match: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let obj = try nextJSON(timeout: max(1, deadline.timeIntervalSinceNow))
            if match(obj) { return obj }
        }
    }

    private func stopAndCollectStderr() -> String {
        stop()
        return String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self)
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}
