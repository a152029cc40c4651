import Foundation
import Testing
import TestSupport
import Protocol
@testable import Relay

/// Inbound account migration between two in-process relays sharing the PLC directory double:
/// service-auth createAccount with the existing DID -> importRepo -> PLC op moving the DID ->
/// activateAccount; records readable at the new host, DID document pointing there.
@Suite(.serialized) struct MigrationTests {
    static func relayB(_ plc: PLCDirectoryDouble) async throws -> RelayHarness {
        try await RelayHarness.start {
            $0.plcURL = plc.baseURL
            $0.hostname = "b.example"
            $0.publicURL = "https://b.example"
            $0.serviceHandleDomains = [".test"]
        }
    }

    @Test func migrateInFromAnotherRelay() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let a = try await RelayHarness.start { $0.plcURL = plc.baseURL }
        let b = try await Self.relayB(plc)
        let clientA = PLCRelayClient(baseURL: a.baseURL), clientB = PLCRelayClient(baseURL: b.baseURL)
        let (did, tokenA) = try await clientA.createAccount(handle: "mover.test")
        for i in 0..<3 {
            _ = try await clientA.call("com.atproto.repo.createRecord", post: .map([
                "repo": .string(did), "collection": .string("app.bsky.feed.post"), "rkey": .string("post\(i)"),
                "record": .map(["$type": .string("app.bsky.feed.post"), "text": .string("hello \(i)"),
                                "createdAt": .string("2026-11-25T12:00:00.000Z")])]), token: tokenA)
        }

        // 1. Service auth from the old host proves control of the DID to the new one.
        let serviceAuth = try await clientA.call("com.atproto.server.getServiceAuth",
            query: "aud=\(b.environment.config.serviceDID)&lxm=com.atproto.server.createAccount", token: tokenA)
        let jwt = try #require(serviceAuth["token"]?.stringValue)
        await #expect(throws: PLCRelayClient.Failure.self) {   // no proof, no account
            _ = try await clientB.createAccount(handle: "mover.test", did: did)
        }
        let (sameDID, tokenB) = try await clientB.createAccount(handle: "mover.test", did: did, auth: jwt)
        #expect(sameDID == did)
        #expect(try await b.environment.accounts.account(did: did)?.isActive == false)
        #expect(try await b.environment.sequencer.events(after: 0, limit: 10).isEmpty)

        // 2. The repo moves, verified against the key in the DID document (still the old host's).
        let (status, car) = try await clientA.raw("\(a.baseURL)/xrpc/com.atproto.sync.getRepo?did=\(did)")
        try #require(status == 200)
        let (importStatus, importBody) = try await clientB.raw("\(b.baseURL)/xrpc/com.atproto.repo.importRepo", body: car,
                                                               token: tokenB, contentType: "application/vnd.ipld.car")
        #expect(importStatus == 200, "\(String(decoding: importBody, as: UTF8.self))")
        let (badStatus, _) = try await clientB.raw("\(b.baseURL)/xrpc/com.atproto.repo.importRepo", body: Data(car.dropLast(5)),
                                                   token: tokenB, contentType: "application/vnd.ipld.car")
        #expect(badStatus == 400)

        // 3. The DID moves: an op with the new host's recommended credentials, signed by a key the
        // old op allows (here the old host's rotation key; a wallet's recovery key works the same).
        let creds = try await clientB.call("com.atproto.identity.getRecommendedDidCredentials", token: tokenB)
        let newKey = try #require(creds["verificationMethods"]?["atproto"]?.stringValue)
        let newRotation = (creds["rotationKeys"]?.arrayValue ?? []).compactMap { $0.stringValue }
        try #require(!newRotation.isEmpty)
        _ = try await a.environment.registrar.update(did: did) {
            $0.updated(prev: nil, signingKey: newKey, pds: "https://b.example", rotationKeys: newRotation + $0.rotationKeys)
        }

        // 4. Activation announces the account at its new home.
        _ = try await clientB.call("com.atproto.server.activateAccount", post: .map([:]), token: tokenB)
        let types = try await b.environment.sequencer.events(after: 0, limit: 10).map(\.type)
        // ... and `#sync` tells consumers to take the repo at its new head rather than diff from history.
        #expect(types == ["#commit", "#identity", "#account", "#sync"])
        let record = try await clientB.call("com.atproto.repo.getRecord",
                                            query: "repo=\(did)&collection=app.bsky.feed.post&rkey=post2")
        #expect(record["value"]?["text"]?.stringValue == "hello 2")
        let listed = try await clientB.call("com.atproto.repo.listRecords", query: "repo=\(did)&collection=app.bsky.feed.post")
        #expect(listed["records"]?.arrayValue?.count == 3)
        let doc = try await b.environment.resolver.resolve(did)
        #expect(doc.pdsEndpoint == "https://b.example")
        #expect(doc.atprotoKey?.didKey == newKey)
        await a.stop()
        await b.stop()
        await plc.stop()
    }

    @Test func serviceAuthForAnotherAudienceIsRefused() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let a = try await RelayHarness.start { $0.plcURL = plc.baseURL }
        let b = try await Self.relayB(plc)
        let clientA = PLCRelayClient(baseURL: a.baseURL)
        let (did, tokenA) = try await clientA.createAccount(handle: "stay.test")
        for query in ["aud=did:web:elsewhere.example&lxm=com.atproto.server.createAccount",
                      "aud=\(b.environment.config.serviceDID)&lxm=com.atproto.repo.createRecord"] {
            let jwt = try #require(try await clientA.call("com.atproto.server.getServiceAuth", query: query, token: tokenA)["token"]?.stringValue)
            await #expect(throws: PLCRelayClient.Failure.self, "\(query)") {
                _ = try await PLCRelayClient(baseURL: b.baseURL).createAccount(handle: "stay.test", did: did, auth: jwt)
            }
        }
        #expect(try await b.environment.accounts.account(did: did) == nil)
        await a.stop()
        await b.stop()
        await plc.stop()
    }
}

/// Leaving a relay that does not cooperate (issue 8): the user's wallet holds the recovery key
/// listed first in rotationKeys and a CAR of the repo; the old relay does nothing at all.
@Suite(.serialized) struct MigrationLeaveTests {
    /// A service-auth JWT signed by a key the user holds (the old host is not asked).
    static func serviceJWT(iss: String, aud: String, lxm: String, key: K256SigningKey) throws -> String {
        let header = Base64.encode(Array(#"{"alg":"ES256K","typ":"JWT"}"#.utf8), url: true, padded: false)
        let exp = Int(Date().timeIntervalSince1970) + 120
        let claims = #"{"iss":"\#(iss)","aud":"\#(aud)","lxm":"\#(lxm)","exp":\#(exp),"iat":\#(exp - 120),"jti":"x1"}"#
        let input = header + "." + Base64.encode(Array(claims.utf8), url: true, padded: false)
        return input + "." + Base64.encode(try key.sign(Array(input.utf8)), url: true, padded: false)
    }

    @Test func leaveWithTheRecoveryKeyAndAHeldCAR() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let a = try await RelayHarness.start { $0.plcURL = plc.baseURL }
        let b = try await MigrationTests.relayB(plc)
        let clientA = PLCRelayClient(baseURL: a.baseURL), clientB = PLCRelayClient(baseURL: b.baseURL)
        let wallet = K256SigningKey()
        let (did, tokenA) = try await clientA.createAccount(handle: "free.test", recoveryKey: wallet.publicKey.didKey)
        _ = try await clientA.call("com.atproto.repo.createRecord", post: .map([
            "repo": .string(did), "collection": .string("app.bsky.feed.post"), "rkey": .string("kept"),
            "record": .map(["$type": .string("app.bsky.feed.post"), "text": .string("mine"),
                            "createdAt": .string("2026-11-25T12:00:00.000Z")])]), token: tokenA)
        let (_, heldCAR) = try await clientA.raw("\(a.baseURL)/xrpc/com.atproto.sync.getRepo?did=\(did)")
        let directory = PLCDirectoryClient(baseURL: plc.baseURL)

        // 1. The wallet takes the DID: its own key as the atproto key, the new relay as PDS.
        let first = try await directory.lastOp(did: did)
        let takeOver = try PLCUnsignedOp.operation(try #require(first.op.state)
            .updated(prev: first.cid, signingKey: wallet.publicKey.didKey, pds: "https://b.example")).signed(by: wallet)
        try await directory.submit(did: did, takeOver)

        // 2. Account at the new relay, proven with the wallet's key; the CAR (signed by the old
        // relay's key, found in the DID's history) imports.
        let jwt = try Self.serviceJWT(iss: did, aud: b.environment.config.serviceDID, lxm: "com.atproto.server.createAccount", key: wallet)
        let (_, tokenB) = try await clientB.createAccount(handle: "free.test", did: did, auth: jwt)
        let (status, body) = try await clientB.raw("\(b.baseURL)/xrpc/com.atproto.repo.importRepo", body: heldCAR,
                                                   token: tokenB, contentType: "application/vnd.ipld.car")
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self))")

        // 3. The wallet signs the new relay's recommended credentials; the relay forwards the op.
        let creds = try await clientB.call("com.atproto.identity.getRecommendedDidCredentials", token: tokenB)
        let newKey = try #require(creds["verificationMethods"]?["atproto"]?.stringValue)
        let relayRotation = (creds["rotationKeys"]?.arrayValue ?? []).compactMap { $0.stringValue }
        let settle = try PLCUnsignedOp.operation(try #require(takeOver.op.state).updated(
            prev: takeOver.cid, signingKey: newKey, rotationKeys: [wallet.publicKey.didKey] + relayRotation)).signed(by: wallet)
        _ = try await clientB.call("com.atproto.identity.submitPlcOperation", post: .map(["operation": settle.dataValue]), token: tokenB)
        _ = try await clientB.call("com.atproto.server.activateAccount", post: .map([:]), token: tokenB)

        let record = try await clientB.call("com.atproto.repo.getRecord", query: "repo=\(did)&collection=app.bsky.feed.post&rkey=kept")
        #expect(record["value"]?["text"]?.stringValue == "mine")
        let doc = try await directory.document(did: did)
        #expect(doc.pdsEndpoint == "https://b.example")
        #expect(doc.atprotoKey?.didKey == newKey)
        #expect(await plc.log(did: did).count == 3)
        await a.stop()
        await b.stop()
        await plc.stop()
    }
}
