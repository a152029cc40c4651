import Foundation
import Protocol
import Testing
import TestSupport
@testable import Relay

/// `atproto-proxy: did#service` naming a service other than the AppView: the relay resolves the DID
/// (here a did:web served by a double standing in for the service's web host) and calls the
/// endpoint its document names, with a service-auth token addressed to that DID.
@Suite(.serialized) struct RelayProxyResolutionTests {
    @Test func proxyHeaderIsResolvedThroughTheDIDDocument() async throws {
        let keys = KeysBox()
        let host = try await PLCDidWebDouble.start()
        defer { Task { await host.stop() } }
        let chat = try await AppViewDouble.start(did: host.did) { did in try await keys.get()?.signingKey(did: did)?.publicKey }
        defer { chat.stop() }
        await host.publish(DIDDocument(id: host.did, alsoKnownAs: [], verificationMethods: [],
                                       services: [.init(id: "#bsky_chat", type: "BskyChatService", serviceEndpoint: chat.url)]))
        let relay = try await RelayHarness.start { _ in }
        defer { Task { await relay.stop() } }
        keys.set(relay.environment.keys)
        let (alice, did) = try await relay.client.createAccount("alice.test")

        let sent = try await alice.procedure("chat.bsky.convo.sendMessage", .map(["text": .string("hi")]),
                                             headers: ["atproto-proxy": "\(host.did)#bsky_chat"])
        #expect(sent.status == 200, "\(sent.json)")
        let call = try #require(chat.calls.last)
        #expect(call.refusal == nil && call.claims["iss"] == did && call.claims["aud"] == host.did)
        #expect(call.claims["lxm"] == "chat.bsky.convo.sendMessage")

        let missing = try await alice.query("chat.bsky.convo.listConvos", headers: ["atproto-proxy": "\(host.did)#nowhere"])
        #expect(missing.status == 400 && missing.json["message"]?.stringValue?.contains("#nowhere") == true)
        await relay.stop()
    }
}
