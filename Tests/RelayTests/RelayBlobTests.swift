import Foundation
import Testing
import TestSupport
import Protocol
@testable import Relay

@Suite(.serialized) struct RelayBlobTests {
    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func uploadLimitTemporaryThenReferencedAndServed() async throws {
        let relay = try await RelayHarness.start { $0.blobUploadLimit = 1000 }
        defer { Task { await relay.stop() } }
        let upload = try await relay.peer("relay_blobs.py", ["upload"])
        let did = try #require(upload["did"] as? String)
        let cid = try #require(upload["cid"] as? String)
        #expect(cid == upload["expected"] as? String)   // our raw CID equals one computed independently
        // A record now references it (the repo endpoints will do this on createRecord).
        try await relay.environment.blobs.reference(did: did, cid: cid, recordURI: "at://\(did)/app.bsky.feed.post/1")
        let fetched = try await relay.peer("relay_blobs.py", ["fetch", did, cid])
        print("relay_blobs.py: \((upload["checks"] as? [String] ?? []).count + (fetched["checks"] as? [String] ?? []).count) checks passed")
        await relay.stop()
    }

    @Test func temporaryBlobsAreCollectedAndUnreferencedOnesDeleted() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let store = try DiskBlobStore(root: dir.path)
        let kept = try await store.putTemporary(did: "did:plc:a", bytes: Array("kept".utf8), mimeType: "text/plain")
        let dropped = try await store.putTemporary(did: "did:plc:a", bytes: Array("dropped".utf8), mimeType: "text/plain")
        try await store.reference(did: "did:plc:a", cid: kept.cid, recordURI: "at://did:plc:a/c/1")
        #expect(try await store.collectGarbage(uploadedBefore: Date().addingTimeInterval(1)) == 1)
        #expect(!FileManager.default.fileExists(atPath: store.path(did: "did:plc:a", cid: dropped.cid).path))
        #expect(try await store.get(did: "did:plc:a", cid: kept.cid)?.1 == Array("kept".utf8))
        await #expect(throws: BlobStoreError.blobNotFound(dropped.cid)) {
            try await store.reference(did: "did:plc:a", cid: dropped.cid, recordURI: "at://did:plc:a/c/2")
        }
        try await store.unreference(did: "did:plc:a", recordURI: "at://did:plc:a/c/1")
        #expect(try await store.get(did: "did:plc:a", cid: kept.cid) == nil)
        #expect(!FileManager.default.fileExists(atPath: store.path(did: "did:plc:a", cid: kept.cid).path))
    }

    @Test func blobAddressesAreRawCIDs() throws {
        let cid = CID.compute(.raw, Array("hello".utf8)).string
        #expect(cid.hasPrefix("bafkrei"))
        #expect(try CID(string: cid).codec == .raw)
    }
}
