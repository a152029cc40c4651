import Device
import Foundation
import Keys
import Protocol
import Testing

/// `dpds wallet create`'s ceremony against an in-process relay: the account exists, the shares are
/// where they belong, and afterwards no file the wallet or the relay wrote holds the rotation key.
@Suite(.serialized) struct WalletOnboardingTests {
    static func tempDir(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    }

    /// Every way the 32-byte key could appear in a file: raw, hex (both cases), base64 (std, url,
    /// padded or not), base58btc, and the multibase/did:key-style private form (0x1301 varint prefix).
    static func keyForms(_ key: [UInt8]) -> [Data] {
        let hex = key.map { String(format: "%02x", $0) }.joined()
        let multicodec: [UInt8] = [0x81, 0x26] + key
        var forms = [Data(key), Data(hex.utf8), Data(hex.uppercased().utf8), Data(Base58.encode(key).utf8),
                     Data(("z" + Base58.encode(multicodec)).utf8)]
        for url in [false, true] {
            for padded in [false, true] { forms.append(Data(Base64.encode(key, url: url, padded: padded).utf8)) }
        }
        return forms
    }

    static func assertNoFileHolds(_ key: [UInt8], under directories: [URL], logs: [String] = []) throws {
        let forms = keyForms(key)
        var checked = 0
        for file in allFiles(under: directories) {
            let data = try Data(contentsOf: file)
            for form in forms { #expect(data.range(of: form) == nil, "rotation key found in \(file.path)") }
            checked += 1
        }
        for log in logs {
            for form in forms { #expect(Data(log.utf8).range(of: form) == nil, "rotation key found in a log") }
        }
        print("WalletOnboardingTests: \(checked) files and \(logs.count) logs searched for \(forms.count) forms of the key")
    }

    @Test func createSplitsTheKeyAndWritesItNowhere() async throws {
        let relay = try await WalletRelay.start()
        defer { Task { await relay.stop() } }
        let dir = Self.tempDir("wallet")
        let paper = Self.tempDir("paper") + ".txt"
        let create = WalletCreate(relay: relay.url, handle: "dana.test", email: "dana@example.com",
                                  password: SecretBytes(Array("dana-password".utf8)), shareThree: .paper(path: paper),
                                  directory: dir)
        let result = try await create.run()
        #expect(result.paperWords == nil)
        #expect(result.state.shares.map(\.place) == ["wallet", "escrow", "paper"])
        #expect(result.state.rotationKey.hasPrefix("did:key:zQ3s"))

        // The escrow holds share 2 of the same set.
        let session = try WalletSession(directory: dir, walletPassphrase: nil)
        let log = try await session.escrowLog()
        let held = try #require(log["share"] as? [String: Any])
        #expect(held["shareId"] as? String == "\(result.state.shareSet)-2")
        #expect(try String(contentsOfFile: paper, encoding: .utf8).split(separator: " ").count == 33)
        let paperMode = try FileManager.default.attributesOfItem(atPath: paper)[.posixPermissions] as? Int
        #expect(paperMode == 0o600)

        // Any two reconstruct the same key (checked against the recorded did:key); the test then
        // looks for that key everywhere.
        let wallet = try #require(try session.vault.get(WalletVault.shareName))
        let paperShare = try ShareThree.read(try Data(contentsOf: URL(fileURLWithPath: paper)))
        let escrowShare = try #require(try await relay.environment.escrow.share(did: result.state.did))
        let key = try WalletShares.join([wallet, paperShare], expected: result.state.rotationKey)
        #expect(try WalletShares.join([escrowShare, paperShare], expected: result.state.rotationKey).rawRepresentation == key.rawRepresentation)
        #expect(try WalletShares.join([wallet, escrowShare], expected: result.state.rotationKey).rawRepresentation == key.rawRepresentation)
        try Self.assertNoFileHolds(key.rawRepresentation,
                                   under: [URL(fileURLWithPath: dir), URL(fileURLWithPath: paper), relay.dataDirectory],
                                   logs: [relay.logs.text])

        await #expect(throws: WalletError.alreadyInitialized(dir)) { try await create.run() }
        await relay.stop()
    }

    @Test func sharesCanBeVerifiedAndRotated() async throws {
        let relay = try await WalletRelay.start()
        defer { Task { await relay.stop() } }
        let dir = Self.tempDir("wallet")
        let file = Self.tempDir("recovery") + ".json"
        let created = try await WalletCreate(relay: relay.url, handle: "erin.test", shareThree: .file(path: file), directory: dir).run()
        var session = try WalletSession(directory: dir, walletPassphrase: nil)
        let verified = try await session.shares(verify: true)
        #expect(verified.allSatisfy { $0.lastVerified != nil })

        let newPaper = Self.tempDir("paper") + ".txt"
        let sources = ShareCollection(useWallet: true, useEscrow: false, paper: try Data(contentsOf: URL(fileURLWithPath: file)))
        _ = try await WalletResplit.rotate(&session, using: sources, shareThree: .paper(path: newPaper))
        #expect(session.state.shareSet != created.state.shareSet)
        #expect(session.state.rotationKey == created.state.rotationKey)
        // The old recovery file no longer combines with the new wallet share.
        let oldThird = try ShareThree.read(try Data(contentsOf: URL(fileURLWithPath: file)))
        let newWallet = try #require(try session.vault.get(WalletVault.shareName))
        #expect(throws: WalletError.self) { try WalletShares.join([newWallet, oldThird], expected: nil) }
        let newThird = try ShareThree.read(try Data(contentsOf: URL(fileURLWithPath: newPaper)))
        #expect(try WalletShares.join([newWallet, newThird], expected: created.state.rotationKey).publicKey.didKey
                == created.state.rotationKey)
        await relay.stop()
    }
}
