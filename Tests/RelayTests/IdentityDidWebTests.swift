import Foundation
import Testing
import TestSupport
import Protocol
@testable import Relay

/// did:web accounts: createAccount with a did:web whose document names this relay as its PDS.
@Suite(.serialized) struct IdentityDidWebTests {
    @Test func didWebAccountNamingThisRelay() async throws {
        let web = try await PLCDidWebDouble.start()
        let relay = try await RelayHarness.start()
        let client = PLCRelayClient(baseURL: relay.baseURL)
        let pds = DIDDocument.Service(id: "#atproto_pds", type: "AtprotoPersonalDataServer",
                                      serviceEndpoint: relay.environment.config.publicURL)

        // A document naming another PDS is refused.
        await web.publish(DIDDocument(id: web.did, alsoKnownAs: ["at://web.test"], verificationMethods: [],
                                      services: [.init(id: "#atproto_pds", type: "AtprotoPersonalDataServer", serviceEndpoint: "https://other.example")]))
        await #expect(throws: PLCRelayClient.Failure.self) { _ = try await client.createAccount(handle: "web.test", did: web.did) }

        await web.publish(DIDDocument(id: web.did, alsoKnownAs: ["at://web.test"], verificationMethods: [], services: [pds]))
        let (did, token) = try await client.createAccount(handle: "web.test", did: web.did)
        #expect(did == web.did)
        #expect(try await relay.environment.accounts.account(did: did)?.isActive == true)
        #expect(try await relay.environment.accounts.plcOps(did: did).isEmpty)
        // Its recommended credentials name the key the user must publish in did.json.
        let creds = try await client.call("com.atproto.identity.getRecommendedDidCredentials", token: token)
        let key = try await relay.environment.keys.signingKey(did: did)
        #expect(creds["verificationMethods"]?["atproto"]?.stringValue == key?.publicKey.didKey)
        // updateHandle on a did:web writes no PLC op but still announces #identity.
        _ = try await client.call("com.atproto.identity.updateHandle", post: .map(["handle": .string("web2.test")]), token: token)
        #expect(try await relay.environment.sequencer.events(after: 0, limit: 20).last?.type == "#identity")
        await relay.stop()
        await web.stop()
    }

    @Test func didWebDocumentURLs() {
        #expect(DIDResolver.webDocumentURL("did:web:example.com") == "https://example.com/.well-known/did.json")
        #expect(DIDResolver.webDocumentURL("did:web:localhost%3A8080") == "http://localhost:8080/.well-known/did.json")
        #expect(DIDResolver.webDocumentURL("did:web:example.com:user:alice") == nil)   // paths are not atproto did:web
        #expect(DIDResolver.webDocumentURL("did:web:") == nil)
    }

    @Test func publishingFollowsThePLCURLSetting() throws {
        let dir = try RelayHarness.makeDataDirectory()
        #expect(try RelayHarness.config(dataDirectory: dir).publishesDIDs == false)
        #expect(try RelayHarness.config(dataDirectory: dir) { $0.plcURL = "http://127.0.0.1:1" }.publishesDIDs == true)
        #expect(try RelayConfig.load(environment: ["PDS_DATA_DIRECTORY": dir.path, "PDS_DID_PLC_URL": "https://plc.directory"]).publishesDIDs)
    }
}
