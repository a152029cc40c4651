import Foundation
import Protocol
import Testing
import TestSupport
@testable import Relay

/// Issue 5, checked line by line against the code: what the other suites did not cover yet.
@Suite struct RelayIssueAuditTests {
    @Test func everyReferenceVariableIsRead() throws {
        let dir = try RelayHarness.makeDataDirectory()
        let key = String(repeating: "ab", count: 32)
        let config = try RelayConfig.load(environment: [
            "PDS_DATA_DIRECTORY": dir.path, "PDS_BLOBSTORE_DISK_LOCATION": dir.appendingPathComponent("elsewhere").path,
            "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX": key,
            "PDS_BSKY_APP_VIEW_URL": "https://api.bsky.app", "PDS_BSKY_APP_VIEW_DID": "did:web:api.bsky.app",
            "PDS_DNS_RESOLVER": "127.0.0.1:5353",
        ])
        #expect(config.blobstoreLocation == dir.appendingPathComponent("elsewhere").path)
        #expect(config.plcRotationKeyHex == key)
        #expect(config.appViewURL == "https://api.bsky.app")
        #expect(config.appViewDID == "did:web:api.bsky.app")
        #expect(config.dnsResolver == "127.0.0.1:5353")
        #expect(DNSResolver.configured(config.dnsResolver).servers == [.init(host: "127.0.0.1", port: 5353)])
        var flags = RelayConfigOverrides()
        flags.dnsResolver = "[::1]:53"
        #expect(try RelayConfig.load(environment: ["PDS_DATA_DIRECTORY": dir.path, "PDS_DNS_RESOLVER": "127.0.0.1:5353"],
                                     overrides: flags).dnsResolver == "[::1]:53")
    }

    @Test func describeServerListsTheHandleDomainsAndErrorsUseLexiconNames() async throws {
        let relay = try await RelayHarness.start { $0.serviceHandleDomains = ["audit.test", ".other.test"] }
        let described = try await relay.client.query("com.atproto.server.describeServer")
        #expect(described.json["availableUserDomains"]?.arrayValue?.compactMap(\.stringValue) == [".audit.test", ".other.test"])

        let noPassword = try await relay.client.procedure("com.atproto.server.createAccount", .map(["handle": .string("bob.audit.test")]))
        #expect(noPassword.status == 400)
        #expect(noPassword.error == "InvalidPassword")
        let unknown = try await relay.client.query("com.atproto.identity.resolveHandle", [("handle", "nobody.audit.test")])
        #expect(unknown.status == 400)
        #expect(unknown.error == "HandleNotFound")
        await relay.stop()
    }

    /// The sync lexicons' RepoDeactivated for every repo read, except for the account itself.
    @Test func deactivatedReposAreNotServed() async throws {
        let relay = try await RelayHarness.start()
        let (alice, did) = try await relay.client.createAccount("gone.test")
        let blob = try await alice.upload(Array("bytes".utf8), mimeType: "text/plain")
        let cid = try #require(blob.json["blob"]?["ref"]?.linkValue?.description)
        let post = try await alice.procedure("com.atproto.repo.createRecord", .map([
            "repo": .string(did), "collection": .string("app.bsky.feed.post"), "rkey": .string("3l3qo2vutsw2b"),
            "record": .map(["text": .string("x"), "createdAt": .string("2026-11-25T12:00:00.000Z"),
                            "file": blob.json["blob"] ?? .null]),
        ]))
        #expect(post.status == 200)
        let reads: [(String, [(String, String)])] = [
            ("com.atproto.sync.getRepo", [("did", did)]),
            ("com.atproto.sync.getLatestCommit", [("did", did)]),
            ("com.atproto.sync.getRecord", [("did", did), ("collection", "app.bsky.feed.post"), ("rkey", "3l3qo2vutsw2b")]),
            ("com.atproto.sync.getBlob", [("did", did), ("cid", cid)]),
            ("com.atproto.sync.listBlobs", [("did", did)]),
        ]
        for (nsid, params) in reads {
            #expect(try await relay.client.query(nsid, params).status == 200, "\(nsid)")
        }
        #expect(try await alice.procedure("com.atproto.server.deactivateAccount", .map([:])).status == 200)
        for (nsid, params) in reads {
            let anonymous = try await relay.client.query(nsid, params)
            #expect(anonymous.status == 400, "\(nsid)")
            #expect(anonymous.error == "RepoDeactivated", "\(nsid)")
            #expect(try await alice.query(nsid, params).status == 200, "\(nsid) for the account itself")
        }
        let missing = try await relay.client.query("com.atproto.sync.getRepo", [("did", "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")])
        #expect(missing.error == "RepoNotFound")
        await relay.stop()
    }
}
