import Foundation
import Protocol
import Repo
import Testing
@testable import Relay

/// applyWrites, getBlocks, getRepoStatus, listRepos paging, and blobs following their records.
@Suite(.serialized) struct RelayBatchAndSyncTests {
    @Test func applyWritesResultsSwapCommitAndGetBlocks() async throws {
        let relay = try await RelayHarness.start()
        defer { Task { await relay.stop() } }
        let (alice, did) = try await relay.client.createAccount("alice.test")
        func op(_ kind: String, _ rkey: String, _ text: String? = nil) -> DataValue {
            var m: [String: DataValue] = ["$type": .string("com.atproto.repo.applyWrites#\(kind)"),
                                          "collection": .string("app.bsky.feed.post"), "rkey": .string(rkey)]
            if let text { m["value"] = RelayWriteRulesTests.post(text) }
            return .map(m)
        }
        let first = try await alice.procedure("com.atproto.repo.applyWrites", .map([
            "repo": .string(did), "writes": .array([op("create", "a", "one"), op("create", "b", "two")])]))
        #expect(first.status == 200)
        let results = first.json["results"]?.arrayValue ?? []
        #expect(results.map { $0["$type"]?.stringValue } == ["com.atproto.repo.applyWrites#createResult",
                                                             "com.atproto.repo.applyWrites#createResult"])
        #expect(results.first?["uri"]?.stringValue == "at://\(did)/app.bsky.feed.post/a")
        let commit = try #require(first.json["commit"]?["cid"]?.stringValue)

        let second = try await alice.procedure("com.atproto.repo.applyWrites", .map([
            "repo": .string(did), "swapCommit": .string(commit),
            "writes": .array([op("update", "a", "one edited"), op("delete", "b")])]))
        #expect(second.json["results"]?.arrayValue?.map { $0["$type"]?.stringValue } ==
                ["com.atproto.repo.applyWrites#updateResult", "com.atproto.repo.applyWrites#deleteResult"])
        let stale = try await alice.procedure("com.atproto.repo.applyWrites", .map([
            "repo": .string(did), "swapCommit": .string(commit), "writes": .array([op("create", "c", "three")])]))
        #expect(stale.status == 400 && stale.error == "InvalidSwap")
        let duplicate = try await alice.procedure("com.atproto.repo.applyWrites", .map([
            "repo": .string(did), "writes": .array([op("create", "a", "again")])]))
        #expect(duplicate.status == 400 && duplicate.error == "InvalidSwap")

        // getBlocks: the head commit and the record, as a CAR; an unknown CID is BlockNotFound.
        let head = try #require(try await relay.environment.repo?.head(did: did))
        let record = try #require(try await relay.environment.repo?.getRecord(did: did, collection: "app.bsky.feed.post", rkey: "a"))
        let blocks = try await relay.client.query("com.atproto.sync.getBlocks",
                                                  [("did", did), ("cids", head.cid.string), ("cids", record.cid.string)])
        #expect(blocks.status == 200 && blocks.headers["content-type"] == "application/vnd.ipld.car")
        let car = try CARReader.load(blocks.body)
        #expect(Set(car.blocks.keys) == [head.cid, record.cid] && car.roots.isEmpty)
        let missing = try await relay.client.query("com.atproto.sync.getBlocks",
                                                   [("did", did), ("cids", CID.compute(.dagCBOR, [0xa0]).string)])
        #expect(missing.status == 400 && missing.error == "BlockNotFound")

        let status = try await relay.client.query("com.atproto.sync.getRepoStatus", [("did", did)])
        #expect(status.json["active"] == .bool(true) && status.json["rev"]?.stringValue == head.rev)
        let unknown = try await relay.client.query("com.atproto.sync.getRepoStatus", [("did", "did:plc:nobody")])
        #expect(unknown.error == "RepoNotFound")
        await relay.stop()
    }

    @Test func listReposPagesThroughEveryAccount() async throws {
        let relay = try await RelayHarness.start()
        defer { Task { await relay.stop() } }
        var dids: [String] = []
        for i in 0..<5 { dids.append(try await relay.client.createAccount("user\(i).test").1) }
        var seen: [String] = [], cursor: String?
        repeat {
            var params = [("limit", "2")]
            if let cursor { params.append(("cursor", cursor)) }
            let page = try await relay.client.query("com.atproto.sync.listRepos", params)
            for repo in page.json["repos"]?.arrayValue ?? [] {
                seen.append(try #require(repo["did"]?.stringValue))
                #expect(repo["head"]?.stringValue != nil && repo["rev"]?.stringValue != nil && repo["active"] == .bool(true))
            }
            cursor = page.json["cursor"]?.stringValue
        } while cursor != nil
        #expect(seen == dids.sorted())
        await relay.stop()
    }

    /// A record naming an upload makes it permanent and the `#commit` lists it; deleting the record
    /// deletes the blob; an upload nobody names is collected after the grace period; naming a blob
    /// never uploaded is BlobNotFound.
    @Test func blobsFollowTheRecordsThatNameThem() async throws {
        let relay = try await RelayHarness.start()
        defer { Task { await relay.stop() } }
        let (alice, did) = try await relay.client.createAccount("alice.test")
        let image = try await alice.upload(Array(repeating: 7, count: 300), mimeType: "image/png")
        let blob = try #require(image.json["blob"])
        let cid = try #require(blob["ref"]?.linkValue?.string)
        let orphan = try await alice.upload(Array(repeating: 9, count: 10), mimeType: "image/png")
        let orphanCID = try #require(orphan.json["blob"]?["ref"]?.linkValue?.string)

        var post = RelayWriteRulesTests.post("with image").mapValue!
        post["embed"] = .map(["$type": .string("app.bsky.embed.images"),
                              "images": .array([.map(["alt": .string(""), "image": blob])])])
        let created = try await alice.procedure("com.atproto.repo.createRecord", .map([
            "repo": .string(did), "collection": .string("app.bsky.feed.post"), "rkey": .string("img"), "record": .map(post)]))
        #expect(created.status == 200)
        let events = try await relay.environment.sequencer.events(after: 0, limit: 100)
        let last = try FirehoseTestFrames.body(try #require(events.last).frame)
        let blobCID = try CID(string: cid)
        #expect(last["blobs"] == .array([.link(blobCID)]))
        #expect(try await relay.environment.blobs.get(did: did, cid: cid) != nil)

        #expect(try await relay.environment.blobs.collectGarbage(uploadedBefore: Date().addingTimeInterval(1)) == 1)
        #expect(try await relay.environment.blobs.missing(did: did, cids: [cid, orphanCID]) == [orphanCID])

        var ghost = post
        ghost["embed"] = .map(["$type": .string("app.bsky.embed.images"), "images": .array([.map([
            "alt": .string(""), "image": .map(["$type": .string("blob"), "ref": .link(CID.compute(.raw, [1, 2, 3])),
                                               "mimeType": .string("image/png"), "size": .integer(3)])])])])
        let refused = try await alice.procedure("com.atproto.repo.createRecord", .map([
            "repo": .string(did), "collection": .string("app.bsky.feed.post"), "record": .map(ghost)]))
        #expect(refused.status == 400 && refused.error == "BlobNotFound")

        _ = try await alice.procedure("com.atproto.repo.deleteRecord", .map([
            "repo": .string(did), "collection": .string("app.bsky.feed.post"), "rkey": .string("img")]))
        #expect(try await relay.environment.blobs.get(did: did, cid: cid) == nil)
        await relay.stop()
    }
}
