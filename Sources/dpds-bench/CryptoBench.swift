import ArgumentParser
import Foundation
import Protocol

/// K-256 and P-256 sign and verify rates, next to the atproto Python SDK (pyca/cryptography over
/// OpenSSL) measured in the same run when the test peers are installed.
struct CryptoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crypto", abstract: "K-256 / P-256 sign and verify per second.")

    @Option(help: "Seconds to spend on each measurement.")
    var seconds: Double = 1.0

    func run() async throws {
        let message = [UInt8](repeating: 0x78, count: 200)  // about one commit's signing input
        var ours: [String: (sign: Double, verify: Double)] = [:]
        for (name, key) in [("k256", K256SigningKey() as any SigningKey), ("p256", P256SigningKey())] {
            let signature = try key.sign(message)
            let publicKey = key.publicKey
            let sign = try rate(seconds) { _ = try key.sign(message) }
            let verify = try rate(seconds) { precondition(publicKey.verify(signature: signature, for: message)) }
            ours[name] = (sign, verify)
        }
        let peer = peerRates()
        print("crypto (\(message.count)-byte messages, \(seconds)s per figure, one core)")
        print("curve  op        dpds ops/s   peer ops/s   dpds/peer   (peer: atproto Python SDK, OpenSSL)")
        for name in ["k256", "p256"] {
            for op in ["sign", "verify"] {
                let mine = op == "sign" ? ours[name]!.sign : ours[name]!.verify
                let theirs = peer?[name]?[op]
                let theirsText = theirs.map { String(format: "%12.0f", $0) } ?? "         n/a"
                let ratio = theirs.map { String(format: "%10.2fx", mine / $0) } ?? "          -"
                let opText = op.padding(toLength: 6, withPad: " ", startingAt: 0)
                print("\(name)   \(opText) \(String(format: "%12.0f", mine)) \(theirsText) \(ratio)")
            }
        }
        if peer == nil { print("(peer not measured: \(Self.python.path) not found; run make venv)") }
    }

    private func rate(_ seconds: Double, _ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        while true {
            for _ in 0..<50 { try body() }
            count += 50
            let elapsed = clock.now - start
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if s >= seconds { return Double(count) / s }
        }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var python: URL { root.appendingPathComponent(".venv/bin/python") }

    private func peerRates() -> [String: [String: Double]]? {
        guard FileManager.default.isExecutableFile(atPath: Self.python.path) else { return nil }
        let process = Process()
        process.executableURL = Self.python
        process.arguments = [Self.root.appendingPathComponent("tests/peers/crypto_peer.py").path, "bench", String(seconds)]
        let out = Pipe()
        process.standardOutput = out
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: [String: Double]]
    }
}
