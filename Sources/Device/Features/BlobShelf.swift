import Foundation
import Protocol

/// The desktop's blobs: `blobs/<cid>` holds the bytes, `blobs/<cid>.type` the mime type. Filled by
/// promotion, by uploads the relay forwards (`blob-forwarding`) and by media added on the desktop.
public struct BlobShelf: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    private func url(_ cid: CID) -> URL { directory.appendingPathComponent(cid.description) }

    /// Stores `bytes` under their raw CID (idempotent) and returns it.
    @discardableResult
    public func store(_ bytes: [UInt8], mimeType: String) throws -> CID {
        let cid = CID.compute(.raw, bytes)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: url(cid), options: .atomic)
        try Data(mimeType.utf8).write(to: url(cid).appendingPathExtension("type"), options: .atomic)
        return cid
    }

    public func holds(_ cid: CID) -> Bool { FileManager.default.fileExists(atPath: url(cid).path) }

    public func get(_ cid: CID) -> (bytes: [UInt8], mimeType: String)? {
        guard let data = FileManager.default.contents(atPath: url(cid).path) else { return nil }
        let type = FileManager.default.contents(atPath: url(cid).appendingPathExtension("type").path)
            .map { String(decoding: $0, as: UTF8.self) } ?? "application/octet-stream"
        return (Array(data), type)
    }

    /// The blobs `writes` reference (`{"$type": "blob", "ref": link}` anywhere in a record) that are not here.
    public func missing(in writes: [ProxiedWrite]) -> [CID] {
        var out: [CID] = []
        for case let value? in writes.map(\.value) {
            for cid in DataValue.map(value).blobReferences where !out.contains(cid) { out.append(cid) }
        }
        return out.filter { !holds($0) }
    }
}
