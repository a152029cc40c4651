import Foundation
import Keys
import Testing
import TestSupport

/// `dpds wallet` driven as a script would: no terminal, the password on standard input, shares in
/// files. Runs the built `dpds` binary against an in-process relay.
@Suite(.serialized) struct WalletCLITests {
    static var binary: URL { PackageRoot.url.appendingPathComponent(".build/debug/dpds") }

    /// Runs `dpds` off the cooperative pool (it blocks while the relay under test needs threads).
    static func dpds(_ arguments: [String], input: String = "") async throws -> (status: Int32, out: String, err: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = ChildProcess()
                    process.executableURL = binary
                    process.arguments = arguments
                    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
                    process.standardInput = stdin
                    process.standardOutput = stdout
                    process.standardError = stderr
                    try process.run()
                    stdin.fileHandleForWriting.write(Data(input.utf8))
                    try? stdin.fileHandleForWriting.close()
                    let out = stdout.fileHandleForReading.readDataToEndOfFile()
                    let err = stderr.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
                })
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: WalletCLITests.binary.path), "dpds binary not built"))
    func scriptedCeremonies() async throws {
        let relay = try await WalletRelay.start()
        defer { Task { await relay.stop() } }
        let dir = WalletOnboardingTests.tempDir("cli-wallet")
        let recovery = WalletOnboardingTests.tempDir("cli-recovery") + ".json"
        let created = try await Self.dpds(["wallet", "create", "--dir", dir, "--relay", relay.url.absoluteString,
                                           "--handle", "fran.test", "--password-file", "-", "--recovery-file", recovery],
                                          input: "fran-password\n")
        #expect(created.status == 0, "\(created.err)")
        #expect(created.out.contains("share 3\tfile\t\(recovery)"))
        #expect(!created.out.contains("Share 3 (write"))

        let shares = try await Self.dpds(["wallet", "shares", "--dir", dir, "--verify"])
        #expect(shares.status == 0, "\(shares.err)")
        #expect(shares.out.split(separator: "\n").filter { $0.hasPrefix("share ") && !$0.hasSuffix("verified never") }.count == 3)

        let log = try await Self.dpds(["wallet", "escrow-log", "--dir", dir])
        #expect(log.status == 0, "\(log.err)")
        #expect(log.out.contains("putShare"))

        let rotated = try await Self.dpds(["wallet", "rotate-shares", "--dir", dir, "--use-wallet", "--share-file", recovery])
        #expect(rotated.status == 0, "\(rotated.err)")
        let words = try #require(rotated.out.split(separator: "\n").last).split(separator: " ")
        #expect(words.count == 33)

        let refused = try await Self.dpds(["wallet", "rotate-shares", "--dir", dir, "--share-file", recovery])
        #expect(refused.status != 0)
        #expect(refused.err.contains("1 share(s) given"))
        for output in [created, shares, log, rotated, refused] {
            #expect(!output.err.contains("fran-password") && !output.out.contains("fran-password"))
        }
        await relay.stop()
    }
}
