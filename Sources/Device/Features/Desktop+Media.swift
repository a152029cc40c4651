import Protocol

extension Desktop {
    /// Media added on the desktop itself: stored with the repo's blobs, so a record made here may
    /// name it at once (spec 8.3), and a relay with `blob-forwarding` fetches it when asked for it.
    @discardableResult
    nonisolated public func addBlob(_ bytes: [UInt8], mimeType: String) throws -> CID {
        try BlobShelf(directory: directory.blobs).store(bytes, mimeType: mimeType)
    }

    nonisolated public var blobShelf: BlobShelf { BlobShelf(directory: directory.blobs) }
}
