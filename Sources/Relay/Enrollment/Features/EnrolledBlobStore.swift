import Foundation
import Protocol

/// `BlobStore` for a relay with desktops (spec 7.3, 8.3, 11), wrapping the relay's own store the way
/// `EnrolledRepoHost` wraps its engine, so the XRPC endpoints stay unchanged. For an enrolled
/// account whose session has `blob-forwarding`:
/// - an upload goes to the desktop over the tunnel (over `maxBlobBytes`: 413) and, once the desktop
///   stored it, into the relay's cache too, which keeps serving it;
/// - a `getBlob` for a blob the relay does not hold is fetched from the desktop, checked against its
///   CID and cached; while the desktop is offline that answers 503 `DeviceOffline`.
/// Without the feature uploads stay on the relay only, and the desktop refuses records naming blobs
/// it lacks (`BlobNotFound`).
public struct EnrolledBlobStore: BlobStore {
    let inner: any BlobStore
    let enrollment: Enrollment

    public init(inner: any BlobStore, enrollment: Enrollment) {
        self.inner = inner
        self.enrollment = enrollment
    }

    /// The record URI that pins a blob fetched from the desktop in the relay's cache.
    static let fetchedMarker = "dpds:fetched-from-desktop"

    private func forwarding(_ did: String) async throws -> (maxBlobBytes: Int, link: DeviceLink?)? {
        guard try await enrollment.mode(did: did) == .enrolled,
              let grant = await enrollment.grantsOrPolicy(did: did)[Feature.blobForwarding.rawValue] else { return nil }
        let link = await enrollment.isOnline(did: did) ? await enrollment.link(did: did) : nil
        return (grant.maxBlobBytes ?? RelayPolicy.defaultMaxBlobBytes, link)
    }

    private static func offline() -> XRPCError {
        EnrolledRepoHost.unavailable(retryAfter: DeviceRelayProtocol.offlineRetryAfterSeconds, "DeviceOffline",
                                     "The desktop that holds this repository is offline")
    }

    public func putTemporary(did: String, bytes: [UInt8], mimeType: String) async throws -> BlobInfo {
        guard let forwarding = try await forwarding(did) else {
            return try await inner.putTemporary(did: did, bytes: bytes, mimeType: mimeType)
        }
        guard bytes.count <= forwarding.maxBlobBytes else {
            throw XRPCError.payloadTooLarge("Blob over the relay's maxBlobBytes (\(forwarding.maxBlobBytes))")
        }
        guard let link = forwarding.link else { throw Self.offline() }
        let cid = CID.compute(.raw, bytes)
        switch await link.uploadBlob(did: did, bytes: bytes, mimeType: mimeType) {
        case .result(let result) where result.error == nil && result.cid == cid:
            return try await inner.putTemporary(did: did, bytes: bytes, mimeType: mimeType)
        case .result(let result):
            let name = result.error ?? "InternalError"
            let status = WriteError(rawValue: name)?.httpStatus ?? 500
            throw XRPCError(.init(code: status), name, result.message ?? "the desktop stored another blob")
        case .timedOut:
            throw EnrolledRepoHost.unavailable(retryAfter: DeviceRelayProtocol.busyRetryAfterSeconds, "DeviceTimeout",
                                               "The desktop did not answer in time")
        case .lost, .body:
            throw Self.offline()
        }
    }

    public func get(did: String, cid: String) async throws -> (BlobInfo, [UInt8])? {
        if let held = try await inner.get(did: did, cid: cid) { return held }
        guard let forwarding = try await forwarding(did), let wanted = try? CID(string: cid) else { return nil }
        guard let link = forwarding.link else { throw Self.offline() }
        switch await link.fetchBlob(wanted) {
        case .body(let header, let bytes):
            // Never cache or serve bytes that are not the blob asked for (spec 7.3).
            guard CID.compute(.raw, bytes) == wanted else {
                throw XRPCError(.badGateway, "InternalError", "the desktop sent a blob that does not match its CID")
            }
            let info = try await inner.putTemporary(did: did, bytes: bytes, mimeType: header.mimeType)
            try await inner.reference(did: did, cid: info.cid, recordURI: Self.fetchedMarker)
            return (info, bytes)
        case .result:
            return nil
        case .timedOut:
            throw EnrolledRepoHost.unavailable(retryAfter: DeviceRelayProtocol.busyRetryAfterSeconds, "DeviceTimeout",
                                               "The desktop did not answer in time")
        case .lost:
            throw Self.offline()
        }
    }

    public func reference(did: String, cid: String, recordURI: String) async throws {
        try await inner.reference(did: did, cid: cid, recordURI: recordURI)
    }

    public func missing(did: String, cids: [String]) async throws -> [String] {
        try await inner.missing(did: did, cids: cids)
    }

    public func setReferences(did: String, recordURI: String, cids: [String]) async throws {
        try await inner.setReferences(did: did, recordURI: recordURI, cids: cids)
    }

    public func unreference(did: String, recordURI: String) async throws {
        try await inner.unreference(did: did, recordURI: recordURI)
    }

    public func list(did: String, limit: Int, after cursor: String?) async throws -> [String] {
        try await inner.list(did: did, limit: limit, after: cursor)
    }

    public func collectGarbage(uploadedBefore cutoff: Date) async throws -> Int {
        try await inner.collectGarbage(uploadedBefore: cutoff)
    }
}
