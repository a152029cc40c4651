import Foundation
import Synchronization
import TestSupport

/// `dpds relay serve` as a child process (the built binary, as a self-hoster runs it), on a given
/// loopback port and data directory. `start` returns when it prints its "listening" line;
/// `stop` sends SIGTERM and waits for the exit, so a restart reuses the same files and port.
final class RelayProcess: @unchecked Sendable {
    let port: Int
    let dataDirectory: URL
    private let process: ChildProcess
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["DPDS_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return PackageRoot.url.appendingPathComponent(".build/debug/dpds")
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    /// A port the kernel just handed out and released: free for the relay to take.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError.serverExited }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private init(port: Int, dataDirectory: URL, process: ChildProcess) {
        self.port = port
        self.dataDirectory = dataDirectory
        self.process = process
    }

    static func start(port: Int, dataDirectory: URL, extraArguments: [String] = []) async throws -> RelayProcess {
        let process = ChildProcess()
        process.executableURL = binary
        process.arguments = ["relay", "serve", "--port", "\(port)", "--data-directory", dataDirectory.path] + extraArguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        // Drains stdout for the life of the process (a full pipe would stall the relay's logging).
        let reader = stdout.fileHandleForReading
        Thread.detachNewThread {
            var pending = ""
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending += String(decoding: chunk, as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    continuation.yield(String(pending[..<newline]))
                    pending = String(pending[pending.index(after: newline)...])
                }
            }
            continuation.finish()
        }
        try process.run()
        let relay = RelayProcess(port: port, dataDirectory: dataDirectory, process: process)
        let listening = try await withDeadline(seconds: 120) {
            for await line in lines where line.hasPrefix("dpds relay listening on ") { return true }
            return false
        }
        guard listening else { throw HarnessError.serverExited }
        return relay
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// SIGKILL: the relay gets no chance to finish anything (what a crash or an OOM kill does).
    func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
