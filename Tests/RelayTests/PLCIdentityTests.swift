import Foundation
import Testing
import TestSupport
import Protocol
@testable import Relay

/// The relay's did:plc life cycle against the PLC directory double: genesis published and
/// verified by the directory, recovery key first, handle updates as chained ops.
@Suite(.serialized) struct PLCIdentityTests {
    @Test func genesisIsPublishedWithTheRecoveryKeyFirst() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let relay = try await RelayHarness.start { $0.plcURL = plc.baseURL }
        let client = PLCRelayClient(baseURL: relay.baseURL)
        let recovery = K256SigningKey().publicKey.didKey
        let (did, _) = try await client.createAccount(handle: "alice.test", recoveryKey: recovery)

        let log = await plc.log(did: did)
        try #require(log.count == 1)
        let state = try #require(try PLCLog.verify(did: did, ops: log))
        #expect(state.rotationKeys == [recovery, relay.environment.registrar.rotationKeyDID])
        #expect(state.alsoKnownAs == ["at://alice.test"])
        #expect(state.pdsEndpoint == relay.environment.config.publicURL)
        let key = try #require(try await relay.environment.keys.signingKey(did: did))
        #expect(state.atprotoSigningKey == key.publicKey.didKey)

        // Resolution goes through the directory, and the document points here.
        let doc = try await relay.environment.resolver.resolve(did)
        #expect(doc.pdsEndpoint == relay.environment.config.publicURL)
        #expect(doc.atprotoKey?.didKey == key.publicKey.didKey)
        #expect(doc.handle == "alice.test")
        await relay.stop()
        await plc.stop()
    }

    @Test func updateHandleChainsAnOpAndEmitsIdentity() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let relay = try await RelayHarness.start { $0.plcURL = plc.baseURL }
        let client = PLCRelayClient(baseURL: relay.baseURL)
        let (did, token) = try await client.createAccount(handle: "bob.test")
        _ = try await client.call("com.atproto.identity.updateHandle", post: .map(["handle": .string("robert.test")]), token: token)

        let log = await plc.log(did: did)
        try #require(log.count == 2)
        #expect(log[1].prev == log[0].cid)
        #expect(try PLCLog.verify(did: did, ops: log)?.handle == "robert.test")
        let resolved = try await client.call("com.atproto.identity.resolveHandle", query: "handle=robert.test")
        #expect(resolved["did"]?.stringValue == did)
        let events = try await relay.environment.sequencer.events(after: 0, limit: 100)
        #expect(events.last?.type == "#identity")
        await relay.stop()
        await plc.stop()
    }

    @Test func embeddedDefaultResolvesOwnDIDsWithoutPublishing() async throws {
        let relay = try await RelayHarness.start()
        #expect(relay.environment.plcDirectory == nil)
        let client = PLCRelayClient(baseURL: relay.baseURL)
        let (did, token) = try await client.createAccount(handle: "carol.test")
        #expect(did.hasPrefix("did:plc:") && did.count == 32)
        let doc = try await relay.environment.resolver.resolve(did)
        #expect(doc.handle == "carol.test")
        _ = try await client.call("com.atproto.identity.updateHandle", post: .map(["handle": .string("caroline.test")]), token: token)
        #expect(try await relay.environment.resolver.resolve(did).handle == "caroline.test")
        #expect(try await relay.environment.accounts.plcOps(did: did).count == 2)

        let creds = try await client.call("com.atproto.identity.getRecommendedDidCredentials", token: token)
        #expect(creds["rotationKeys"] == .array([.string(relay.environment.registrar.rotationKeyDID)]))
        #expect(creds["alsoKnownAs"] == .array([.string("at://caroline.test")]))
        #expect(creds["services"]?["atproto_pds"]?["endpoint"]?.stringValue == relay.environment.config.publicURL)
        await relay.stop()
    }

    @Test func directoryRefusalsAreClearErrors() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let key = K256SigningKey()
        let genesis = try PLCUnsignedOp.operation(.atproto(signingKey: key.publicKey.didKey, handle: "x.test", pds: "https://x",
                                                           rotationKeys: [key.publicKey.didKey], prev: nil)).signed(by: key)
        let client = PLCDirectoryClient(baseURL: plc.baseURL)
        // Wrong DID for this genesis: the directory answers 400 with its reason.
        await #expect(throws: PLCDirectoryClient.Failure.refused(status: 400, message: PLCError.genesisHashMismatch(
            expected: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", actual: genesis.did).description)) {
            try await client.submit(did: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", genesis)
        }
        try await client.submit(did: genesis.did, genesis)
        let forged = try PLCUnsignedOp.operation(genesis.op.state!.updated(prev: genesis.cid, handle: "y.test")).signed(by: K256SigningKey())
        await #expect(throws: PLCDirectoryClient.Failure.self) { try await client.submit(did: genesis.did, forged) }
        #expect(try await client.lastOp(did: genesis.did) == genesis)
        #expect(try await client.document(did: genesis.did).handle == "x.test")
        await plc.stop()

        // A relay whose directory is gone fails createAccount with a clear error.
        let relay = try await RelayHarness.start { $0.plcURL = plc.baseURL }
        await #expect(throws: PLCRelayClient.Failure.self) {
            _ = try await PLCRelayClient(baseURL: relay.baseURL).createAccount(handle: "dave.test")
        }
        await relay.stop()
    }

    @Test func serviceDIDDocumentIsServed() async throws {
        let relay = try await RelayHarness.start()
        let (status, body) = try await PLCRelayClient(baseURL: relay.baseURL).raw("\(relay.baseURL)/.well-known/did.json")
        #expect(status == 200)
        let doc = try DIDDocument(json: Array(body))
        #expect(doc.id == relay.environment.config.serviceDID)
        #expect(doc.pdsEndpoint == relay.environment.config.publicURL)
        await relay.stop()
    }
}
