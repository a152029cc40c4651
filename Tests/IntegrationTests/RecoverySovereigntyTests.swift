import Device
import Foundation
import Keys
import Protocol
import Testing
import TestSupport

/// THE sovereignty test: with shares 1 (wallet) and 3 (paper) only, and the first relay gone, the
/// account moves to a second relay the user runs (BYO): PLC ops to the new endpoint and keys (the
/// PLC directory double stands in for https://plc.directory and verifies every op: signature, prev,
/// rotation-key authority), the repo restored from the CAR the device fetched earlier, and the
/// atproto SDK logs in at the new relay and sees every record.
@Suite(.serialized) struct RecoverySovereigntyTests {
    static func runSDK(_ arguments: [String]) async throws -> [String: Any] {
        let data = try await Peers.run("wallet_sdk_records.py", arguments)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func leaveTheRelayWithWalletAndPaperShares() async throws {
        let plc = try await PLCDirectoryDouble.start()
        defer { Task { await plc.stop() } }
        let first = try await WalletRelay.start { $0.plcURL = plc.baseURL }
        let byo = try await WalletRelay.start { $0.plcURL = plc.baseURL }
        defer { Task { await byo.stop() } }
        let dir = WalletOnboardingTests.tempDir("sovereign-wallet")
        let paper = WalletOnboardingTests.tempDir("paper") + ".txt"
        let password = "hana-password"
        let created = try await WalletCreate(relay: first.url, handle: "hana.test", password: SecretBytes(Array(password.utf8)),
                                             shareThree: .paper(path: paper), directory: dir).run()
        let did = created.state.did

        // Records on the first relay, and the device's copy of the repo.
        let client = try await WalletXRPC(base: first.url).login(identifier: did, password: password).0
        var written: [String: String] = [:]
        for i in 0..<5 {
            let text = "post \(i) before leaving"
            let out = try await client.procedure("com.atproto.repo.createRecord", [
                "repo": did, "collection": "app.bsky.feed.post",
                "record": ["$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-25T12:00:0\(i).000Z"]])
            let uri = try #require(out["uri"] as? String)
            written["app.bsky.feed.post/" + String(uri.split(separator: "/").last!)] = text
        }
        _ = try await client.procedure("com.atproto.repo.putRecord", [
            "repo": did, "collection": "app.bsky.actor.profile", "rkey": "self",
            "record": ["$type": "app.bsky.actor.profile", "displayName": "Hana"]])
        let car = try await client.raw("com.atproto.sync.getRepo", query: ["did": did])

        // The first relay is gone: it cannot help, and cannot stop anything.
        await first.stop()

        var session = try WalletSession(directory: dir, walletPassphrase: nil)
        // The test keeps the old root key (rebuilt from shares 1 and 3) only to search for it afterwards.
        let oldRoot = try WalletShares.join([try #require(try session.vault.get(WalletVault.shareName)),
                                             try ShareThree.read(try Data(contentsOf: URL(fileURLWithPath: paper)))],
                                            expected: created.state.rotationKey)
        let newPaper = WalletOnboardingTests.tempDir("paper") + ".txt"
        let sources = ShareCollection(useWallet: true, useEscrow: false, paper: try Data(contentsOf: URL(fileURLWithPath: paper)))
        let result = try await WalletRecover(sources: sources, plc: URL(string: plc.baseURL)!, newRelay: byo.url, repoCAR: car,
                                             shareThree: .paper(path: newPaper)).run(&session)
        #expect(!result.oldEscrowRevoked)  // the old relay is down; its lone share is useless anyway
        #expect(session.state.relay == byo.url.absoluteString)

        let ops = await plc.log(did: did)
        let state = try #require(try PLCLog.verify(did: did, ops: ops))
        #expect(state.pdsEndpoint == byo.url.absoluteString)
        #expect(state.rotationKeys.first == result.newRotationKey)
        #expect(!state.rotationKeys.contains(created.state.rotationKey))
        let firstGenesis = try #require(ops.first?.op.state)
        for key in firstGenesis.rotationKeys { #expect(!state.rotationKeys.contains(key), "the old relay's rotation key is gone") }
        let byoKey = try #require(try await byo.environment.keys.signingKey(did: did))
        #expect(state.atprotoSigningKey == byoKey.publicKey.didKey)

        // The SDK at the new relay sees every record.
        let seen = try await Self.runSDK([byo.url.absoluteString, "hana.test", password, did,
                                          "app.bsky.feed.post", "app.bsky.actor.profile"])
        let records = try #require(seen["records"] as? [String: [String: Any]])
        #expect(records.count == written.count + 1)
        for (key, text) in written { #expect(records[key]?["text"] as? String == text, "\(key)") }
        #expect(records["app.bsky.actor.profile/self"]?["displayName"] as? String == "Hana")

        // And the new shares work at the new relay: its escrow holds share 2 of the new set.
        let log = try await session.escrowLog()
        #expect((log["share"] as? [String: Any])?["shareId"] as? String == "\(session.state.shareSet)-2")
        // Neither the old root key nor the new one is in any file or log either relay or the wallet wrote.
        let newWallet = try #require(try session.vault.get(WalletVault.shareName))
        let newThird = try ShareThree.read(try Data(contentsOf: URL(fileURLWithPath: newPaper)))
        let newRoot = try WalletShares.join([newWallet, newThird], expected: result.newRotationKey)
        for key in [oldRoot.rawRepresentation, newRoot.rawRepresentation] {
            try WalletOnboardingTests.assertNoFileHolds(key, under: [URL(fileURLWithPath: dir), first.dataDirectory, byo.dataDirectory,
                                                                    URL(fileURLWithPath: paper), URL(fileURLWithPath: newPaper)],
                                                        logs: [first.logs.text, byo.logs.text])
        }
        print("RecoverySovereigntyTests: \(ops.count) PLC ops, \(records.count) records seen by the SDK at the BYO relay")
        await byo.stop()
    }
}
