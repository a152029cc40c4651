import Foundation
import Synchronization
import Protocol
import Testing
import TestSupport
@testable import Relay

/// Preferences stay here; other app.bsky calls reach the AppView (a double that checks the
/// service-auth JWT against the account's own key) with the answer passed back unchanged.
@Suite(.serialized) struct RelayAppViewTests {
    @Test func preferencesStoredAndOtherCallsProxiedWithServiceAuth() async throws {
        let keys = KeysBox()
        let appView = try await AppViewDouble.start { did in try await keys.get()?.signingKey(did: did)?.publicKey }
        defer { appView.stop() }
        let relay = try await RelayHarness.start {
            $0.appViewURL = appView.url
            $0.appViewDID = appView.did
        }
        defer { Task { await relay.stop() } }
        keys.set(relay.environment.keys)
        let (alice, did) = try await relay.client.createAccount("alice.test")

        let empty = try await alice.query("app.bsky.actor.getPreferences")
        #expect(empty.json["preferences"] == .array([]))
        let prefs: DataValue = .array([.map(["$type": .string("app.bsky.actor.defs#adultContentPref"), "enabled": .bool(false)])])
        #expect(try await alice.procedure("app.bsky.actor.putPreferences", .map(["preferences": prefs])).status == 200)
        #expect(try await alice.query("app.bsky.actor.getPreferences").json["preferences"] == prefs)
        let foreign = try await alice.procedure("app.bsky.actor.putPreferences", .map(["preferences": .array([
            .map(["$type": .string("com.example.pref")])])]))
        #expect(foreign.status == 400)
        #expect(appView.calls.isEmpty)

        let timeline = try await alice.query("app.bsky.feed.getTimeline", [("limit", "5")])
        #expect(timeline.status == 200 && timeline.json["proxied"] == .string("app.bsky.feed.getTimeline"))
        #expect(timeline.json["query"] == .string("limit=5") && timeline.headers["atproto-repo-rev"] == "double-rev")
        let call = try #require(appView.calls.last)
        #expect(call.refusal == nil && call.claims["iss"] == did && call.claims["aud"] == appView.did)
        #expect(call.claims["lxm"] == "app.bsky.feed.getTimeline")

        let failed = try await alice.query("app.bsky.feed.getPostThread", [("fail", "NotFound")])
        #expect(failed.status == 400 && failed.error == "NotFound")
        let posted = try await alice.procedure("chat.bsky.convo.sendMessage", .map(["text": .string("hi")]),
                                               headers: ["atproto-proxy": "\(appView.did)#bsky_appview"])
        #expect(posted.status == 200 && appView.calls.last?.body == DataModelJSON.encode(.map(["text": .string("hi")])))
        let elsewhere = try await alice.query("app.bsky.feed.getTimeline", headers: ["atproto-proxy": "did:web:other.test#bsky_appview"])
        #expect(elsewhere.status == 400 && elsewhere.json["message"]?.stringValue?.contains("did:web:other.test") == true)
        let anonymous = try await relay.client.query("app.bsky.feed.getTimeline")
        #expect(anonymous.status == 401)
        await relay.stop()
    }
}

/// The relay's keys, handed to the AppView double once the relay exists (it starts first).
final class KeysBox: Sendable {
    private let keys = Mutex<AccountKeys?>(nil)
    func set(_ value: AccountKeys) { keys.withLock { $0 = value } }
    func get() -> AccountKeys? { keys.withLock { $0 } }
}
