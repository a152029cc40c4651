import Foundation
@testable import Keys
import TestSupport
import Testing

/// Cross-checks against the reference implementation (`shamir-mnemonic` from PyPI) both ways.
@Suite struct SLIP39PeerTests {
    static let pairs = [[0, 1], [0, 2], [1, 2]]

    private func runPeer(_ jobs: [[String: Any]]) async throws -> [[String: Any]] {
        let input = try JSONSerialization.data(withJSONObject: jobs)
        let output = try await Peers.run("wallet_slip39.py", input: input)
        return try #require(JSONSerialization.jsonObject(with: output) as? [[String: Any]])
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func oursRecoverWithReference() async throws {
        var jobs: [[String: Any]] = []
        var expected: [String] = []
        for i in 0..<12 {
            let secret = ShamirSplit.randomBytes(i % 3 == 0 ? 16 : 32)
            let passphrase = i % 2 == 0 ? "" : "TREZOR pass \(i)"
            let shares = try SLIP39.generate(secret: SecretBytes(secret), groups: [(2, 3)],
                                             passphrase: SecretBytes(Array(passphrase.utf8)),
                                             iterationExponent: i % 2, extendable: i % 4 != 3)[0]
            for pair in Self.pairs {
                jobs.append(["op": "combine", "passphrase": passphrase,
                             "mnemonics": pair.map { shares[$0].words.joined(separator: " ") }])
                expected.append(hex(secret))
            }
        }
        let results = try await runPeer(jobs)
        #expect(results.count == jobs.count)
        for (result, want) in zip(results, expected) { #expect(result["secret"] as? String == want, "\(result)") }
        print("SLIP39PeerTests: \(jobs.count) of our share pairs recovered by shamir-mnemonic")
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func referenceRecoversWithOurs() async throws {
        var jobs: [[String: Any]] = []
        var secrets: [[UInt8]] = []
        for i in 0..<12 {
            let secret = ShamirSplit.randomBytes(i % 3 == 0 ? 16 : 32)
            secrets.append(secret)
            jobs.append(["op": "split", "secret": hex(secret), "passphrase": i % 2 == 0 ? "" : "pw \(i)",
                         "threshold": 2, "count": 3, "exponent": i % 2, "extendable": i % 4 != 3])
        }
        let results = try await runPeer(jobs)
        var checked = 0
        for (i, result) in results.enumerated() {
            let mnemonics = try #require(result["mnemonics"] as? [String])
            let passphrase = SecretBytes(Array((jobs[i]["passphrase"] as! String).utf8))
            for pair in Self.pairs {
                let recovered = try SLIP39.combine(mnemonics: pair.map { mnemonics[$0] }, passphrase: passphrase)
                #expect(recovered == SecretBytes(secrets[i]))
                checked += 1
            }
            // The reference's words parse back to the same words under our encoder.
            for mnemonic in mnemonics {
                #expect(try SLIP39Share.parse(mnemonic).words.joined(separator: " ") == mnemonic)
            }
        }
        print("SLIP39PeerTests: \(checked) shamir-mnemonic share pairs recovered by ours")
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func referenceRefusesWhatWeRefuse() async throws {
        let shares = try SLIP39.split(secret: SecretBytes(ShamirSplit.randomBytes(32)), threshold: 2, count: 3)
        let other = try SLIP39.split(secret: SecretBytes(ShamirSplit.randomBytes(32)), threshold: 2, count: 3)
        let mixed = [shares[0], other[1]].map { $0.words.joined(separator: " ") }
        let results = try await runPeer([["op": "combine", "mnemonics": mixed],
                                   ["op": "combine", "mnemonics": [shares[0].words.joined(separator: " ")]]])
        #expect(results.allSatisfy { $0["error"] != nil })
        #expect(throws: SLIP39Error.self) { try SLIP39.combine(mnemonics: mixed) }
    }
}
