import Foundation
import Testing

/// The independent implementations in `.venv` (iroh, atproto, atmst, cbrrr, shamir-mnemonic) that
/// tests check us against. Scripts live in `tests/peers/`.
public enum Peers {
    public static var python: URL {
        if let env = ProcessInfo.processInfo.environment["DPDS_PYTHON"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return PackageRoot.url.appendingPathComponent(".venv/bin/python")
    }

    public static var isPresent: Bool { FileManager.default.isExecutableFile(atPath: python.path) }
    public static var shouldRun: Bool { isPresent || InteropCorpus.isCI }
    public static var skipReason: Comment { "test peers not installed at \(python.path) (run make venv)" }

    public static func script(_ name: String) -> URL {
        PackageRoot.url.appendingPathComponent("tests/peers").appendingPathComponent(name)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let status: Int32
        public let stderr: String
        public var description: String { "peer exited \(status): \(stderr)" }
    }

    /// `run` for async tests, on a thread of its own: a peer may need this process's tasks (a server
    /// under test) while it runs, and a cooperative thread blocked on it (two cores, two threads)
    /// could starve them until the peer's timeout.
    @discardableResult
    public static func run(_ scriptName: String, _ arguments: [String] = [], input: Data = Data(),
                           timeout: TimeInterval = 300) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(scriptName, arguments, input: input, timeout: timeout) })
            }
        }
    }

    /// Runs `tests/peers/<script>` with the venv's python, feeding `input` on stdin; returns stdout.
    /// Bounded: a peer that has not finished within `timeout` seconds is killed and reported.
    /// Blocks the calling thread for the peer's whole run (hence private: tests call `run`).
    @discardableResult
    private static func runBlocking(_ scriptName: String, _ arguments: [String] = [], input: Data = Data(),
                                   timeout: TimeInterval = 300) throws -> Data {
        let process = ChildProcess()
        process.executableURL = python
        process.arguments = [script(scriptName).path] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Drain both pipes concurrently so a chatty peer can't block on a full pipe. On threads of
        // their own: a read blocks for the peer's whole run, and held threads of Dispatch's global
        // pool (a couple per core) starve every other test that needs one.
        let outBox = DataBox(), errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outBox), (stderr, errBox)] {
            group.enter()
            Thread.detachNewThread {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw Failure(status: -1, stderr: "timed out after \(timeout)s")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(status: process.terminationStatus, stderr: String(decoding: errBox.data, as: UTF8.self))
        }
        return outBox.data
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}
