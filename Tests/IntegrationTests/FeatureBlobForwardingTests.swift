import Foundation
import Protocol
import Testing
@testable import Device
@testable import Relay

/// `blob-forwarding` (spec 7.3, 8.3; issue 7): uploads through the relay reach the desktop over the
/// tunnel and stay served by the relay; a blob only the desktop holds is fetched on `getBlob`;
/// `maxBlobBytes` is enforced with 413. Without the feature the desktop refuses records naming
/// blobs it lacks (`BlobNotFound`).
@Suite(.serialized) struct FeatureBlobForwardingTests {
    @Test func uploadsReachTheDesktopAndFetchesComeBack() async throws {
        let policy = try RelayPolicy(configuration: RelayPolicyConfiguration(
            tier: "byo", features: ["blob-forwarding", "commit-ack-seq"], maxBlobBytes: 50_000))
        let relay = try await EnrollRelay.start(policy: policy)
        let (alice, desktop) = try await relay.enrolledDesktop("alice")

        // Upload through the relay: the desktop stores it, the relay answers with the ref.
        let picture = pictureBytes(20_000, seed: 7)
        let cid = CID.compute(.raw, picture)
        let uploaded = try await relay.upload(alice, picture, mimeType: "image/png")
        #expect(uploaded.status == 200, "\(uploaded.text)")
        #expect(uploaded.text.contains(cid.description))
        #expect(desktop.blobShelf.get(cid)?.bytes == picture)
        // A record naming it is accepted by the desktop, and the relay keeps serving the blob.
        let posted = try await relay.postImage(alice, cid: cid.description, size: picture.count)
        #expect(posted.status == 200, "\(posted.text)")
        let served = try await relay.getBlob(alice, cid.description)
        #expect(served.status == 200)
        #expect(Array(served.body) == picture)

        // Over maxBlobBytes: 413, and nothing reaches the desktop.
        let big = pictureBytes(50_001, seed: 9)
        #expect(try await relay.upload(alice, big, mimeType: "image/png").status == 413)
        #expect(!desktop.blobShelf.holds(CID.compute(.raw, big)))

        // Media added on the desktop: the relay fetches it on getBlob, checks it and caches it.
        let local = pictureBytes(30_000, seed: 3)
        let localCID = try desktop.addBlob(local, mimeType: "image/jpeg")
        let pushed = try await desktop.write([desktopImagePost(cid: localCID, size: local.count, mimeType: "image/jpeg")])
        guard case .pushed = pushed else { Issue.record("not pushed: \(pushed)"); return }
        let fetched = try await relay.getBlob(alice, localCID.description)
        #expect(fetched.status == 200)
        #expect(Array(fetched.body) == local)
        // Unknown to both: BlobNotFound, as for any PDS.
        let unknown = CID.compute(.raw, pictureBytes(10, seed: 1))
        #expect(try await relay.getBlob(alice, unknown.description).error == "BlobNotFound")

        // Desktop asleep: cached blobs are still served; one only the desktop holds is 503.
        let later = try desktop.addBlob(pictureBytes(1_000, seed: 5), mimeType: "image/png")
        await desktop.stop()
        #expect(try await relay.post(alice, "asleep").status == 503)
        #expect(try await relay.getBlob(alice, localCID.description).status == 200)
        let offline = try await relay.getBlob(alice, later.description)
        #expect(offline.status == 503)
        #expect(offline.error == "DeviceOffline")
        print("blob forwarding: 1 upload forwarded (\(picture.count) bytes), 1 fetched from the desktop (\(local.count) bytes), 1 refused with 413")
        await relay.stop()
    }

    @Test func withoutTheFeatureTheDesktopRefusesBlobsItLacks() async throws {
        let relay = try await EnrollRelay.start(policy: try RelayPolicy(configuration: RelayPolicyConfiguration(tier: "byo")))
        let lines = Lines()
        let (alice, desktop) = try await relay.enrolledDesktop("bob", lines: lines)
        #expect(lines.all.contains { $0.contains(Degradation.whenMissing(.blobForwarding).userMessage) })
        let picture = pictureBytes(5_000, seed: 11)
        let uploaded = try await relay.upload(alice, picture, mimeType: "image/png")
        #expect(uploaded.status == 200)
        #expect(!desktop.blobShelf.holds(CID.compute(.raw, picture)))
        let refused = try await relay.postImage(alice, cid: CID.compute(.raw, picture).description, size: picture.count)
        #expect(refused.status == 400)
        #expect(refused.error == "BlobNotFound")
        // Media added on the desktop itself still works.
        let local = pictureBytes(2_000, seed: 13)
        let localCID = try desktop.addBlob(local, mimeType: "image/png")
        let pushed = try await desktop.write([desktopImagePost(cid: localCID, size: local.count, mimeType: "image/png")])
        guard case .pushed = pushed else { Issue.record("not pushed: \(pushed)"); return }
        await desktop.stop()
        await relay.stop()
    }
}
