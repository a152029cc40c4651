import Device
import Foundation
import GRDB
import Keys
@testable import Relay
import Testing

/// The relay's escrow of share 2, over real HTTP on loopback with the wallet's own client.
@Suite(.serialized) struct EscrowTests {
    private func account(_ relay: WalletRelay, handle: String) async throws -> (WalletXRPC, String) {
        let created = try await WalletXRPC(base: relay.url).procedure(
            "com.atproto.server.createAccount", ["handle": handle, "password": "pw-\(handle)", "email": "\(handle)@example.com"])
        let token = try #require(created["accessJwt"] as? String)
        return (WalletXRPC(base: relay.url, accessToken: token), try #require(created["did"] as? String))
    }

    private func errorName(_ body: () async throws -> Any) async -> String? {
        do { _ = try await body(); return nil } catch let WalletError.xrpc(_, _, error, _) { return error } catch { return "\(error)" }
    }

    @Test func refusalsWaitingPeriodAndCancel() async throws {
        let relay = try await WalletRelay.start()
        defer { Task { await relay.stop() } }
        let (client, did) = try await account(relay, handle: "alice.test")
        let shares = try SLIP39.split(secret: SecretBytes(K256SigningKeyBytes.random()), threshold: 2, count: 3)
        let words = String(decoding: shares[1].mnemonic.bytes, as: UTF8.self)

        #expect(await errorName { try await client.procedure("app.dpds.escrow.putShare", ["share": "not a share"]) } == "InvalidShare")
        let put = try await client.procedure("app.dpds.escrow.putShare", ["share": words])
        #expect(put["shareId"] as? String == "\(shares[1].identifier)-2")
        #expect(await errorName { try await client.procedure("app.dpds.escrow.getShare") } == "NoPendingRelease")
        let release = try await client.procedure("app.dpds.escrow.requestRelease")
        #expect(release["availableAt"] as? String != release["requestedAt"] as? String)
        #expect(await errorName { try await client.procedure("app.dpds.escrow.getShare") } == "ReleasePending")
        _ = try await client.procedure("app.dpds.escrow.cancelRelease")
        #expect(await errorName { try await client.procedure("app.dpds.escrow.getShare") } == "NoPendingRelease")
        #expect(await errorName { try await client.procedure("app.dpds.escrow.cancelRelease") } == "NoPendingRelease")

        // A forged token and an expired one, both naming the account: refused, and logged against it.
        let jwt = SessionJWT(secret: "not the relay's secret")
        let now = AuthVerifier.now()
        let claims = JWTClaims(scope: AuthVerifier.accessScope, sub: did, aud: relay.environment.config.serviceDID, iat: now, exp: now + 600)
        let forged = WalletXRPC(base: relay.url, accessToken: jwt.sign(claims, type: "at+jwt"))
        #expect(await errorName { try await forged.procedure("app.dpds.escrow.requestRelease") } == "InvalidToken")
        let expiredClaims = JWTClaims(scope: AuthVerifier.accessScope, sub: did, aud: relay.environment.config.serviceDID,
                                      iat: now - 7200, exp: now - 3600)
        let expired = WalletXRPC(base: relay.url, accessToken: SessionJWT(secret: relay.environment.config.jwtSecret)
            .sign(expiredClaims, type: "at+jwt"))
        #expect(await errorName { try await expired.procedure("app.dpds.escrow.getShare") } == "ExpiredToken")
        #expect(await errorName { try await WalletXRPC(base: relay.url).procedure("app.dpds.escrow.getShare") } == "AuthRequired")

        let log = try #require(try await client.query("app.dpds.escrow.getLog")["entries"] as? [[String: Any]])
        let lines = log.map { "\($0["action"]!) \($0["actor"]!) \($0["outcome"]!)" }
        #expect(lines == [
            "putShare \(did) refused", "putShare \(did) stored", "getShare \(did) refused",
            "requestRelease \(did) pending", "deviceNotice \(did) pending", "getShare \(did) refused",
            "cancelRelease \(did) cancelled", "getShare \(did) refused", "cancelRelease \(did) refused",
            "requestRelease claimed:\(did) refused", "getShare claimed:\(did) refused",
        ])
        #expect(log.allSatisfy { ($0["origin"] as? String)?.contains("dpds-wallet") == true })

        // The relay alone holds one share: not enough, and it is not stored in clear.
        let held = try #require(try await relay.environment.escrow.share(did: did))
        #expect(throws: SLIP39Error.notEnoughShares(have: 1, need: 2)) {
            try SLIP39.combine(mnemonics: [String(decoding: held.bytes, as: UTF8.self)])
        }
        for file in allFiles(under: [relay.dataDirectory]) {
            let data = try Data(contentsOf: file)
            #expect(data.range(of: Data(words.utf8)) == nil, "share in clear in \(file.lastPathComponent)")
            #expect(data.range(of: Data(words.split(separator: " ").prefix(8).joined(separator: " ").utf8)) == nil)
        }
        print("EscrowTests: \(log.count) audit log entries checked")
        await relay.stop()
    }

    @Test func releaseAfterTheWindowAndTheLogIsAppendOnly() async throws {
        let relay = try await WalletRelay.start { $0.escrowReleaseDelay = 0 }
        defer { Task { await relay.stop() } }
        let (client, did) = try await account(relay, handle: "bob.test")
        let shares = try SLIP39.split(secret: SecretBytes(K256SigningKeyBytes.random()), threshold: 2, count: 3)
        let words = String(decoding: shares[1].mnemonic.bytes, as: UTF8.self)
        _ = try await client.procedure("app.dpds.escrow.putShare", ["share": words])
        _ = try await client.procedure("app.dpds.escrow.requestRelease")
        let got = try await client.procedure("app.dpds.escrow.getShare")
        #expect(got["share"] as? String == words)
        // Released once: a second fetch needs a new request.
        #expect(await errorName { try await client.procedure("app.dpds.escrow.getShare") } == "NoPendingRelease")
        _ = try await client.procedure("app.dpds.escrow.deleteShare")
        #expect(await errorName { try await client.procedure("app.dpds.escrow.requestRelease") } == "NoShare")

        // Another account's token never reaches bob's share or log.
        let (other, _) = try await account(relay, handle: "carol.test")
        let otherLog = try #require(try await other.query("app.dpds.escrow.getLog")["entries"] as? [[String: Any]])
        #expect(otherLog.isEmpty)
        let log = try await relay.environment.escrow.log(did: did)
        #expect(log.map(\.action).contains("getShare"))
        let db = try DatabaseQueue(path: relay.dataDirectory.appendingPathComponent("escrow.sqlite").path)
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "DELETE FROM escrow_log") } }
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "UPDATE escrow_log SET outcome = 'x'") } }
        let rows = try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM escrow_log") }
        #expect(rows == log.count)
        await relay.stop()
    }
}

enum K256SigningKeyBytes {
    static func random() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}
