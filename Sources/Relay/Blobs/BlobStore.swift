import Foundation

/// A stored blob's metadata: content address (raw CID text), the uploader's mime type, size.
public struct BlobInfo: Sendable, Equatable, Codable {
    public let cid: String
    public let mimeType: String
    public let size: Int
}

/// Where blobs live. Disk today; S3 later behind the same methods.
public protocol BlobStore: Sendable {
    /// Stores an upload as temporary: it is garbage unless a record references it soon.
    func putTemporary(did: String, bytes: [UInt8], mimeType: String) async throws -> BlobInfo
    /// A record now references the blob: it becomes permanent. Fails if it was never uploaded.
    func reference(did: String, cid: String, recordURI: String) async throws
    /// Of `cids`, those never uploaded by (or since collected for) `did`.
    func missing(did: String, cids: [String]) async throws -> [String]
    /// The record now references exactly `cids`: new ones become permanent, ones it no longer
    /// references are deleted when nothing else references them.
    func setReferences(did: String, recordURI: String, cids: [String]) async throws
    /// The record is gone; blobs it was the last reference to are deleted.
    func unreference(did: String, recordURI: String) async throws
    /// Permanent blobs only: temporary uploads are not served.
    func get(did: String, cid: String) async throws -> (BlobInfo, [UInt8])?
    func list(did: String, limit: Int, after cursor: String?) async throws -> [String]
    /// Deletes temporary blobs uploaded before `cutoff`; returns how many.
    func collectGarbage(uploadedBefore cutoff: Date) async throws -> Int
}

public enum BlobStoreError: Error, Equatable {
    case blobNotFound(String)
}
