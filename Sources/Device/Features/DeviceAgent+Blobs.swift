import Foundation
import Protocol
import Tunnel

/// `blob-forwarding` on the desktop (spec 7.3): uploads the relay forwards are stored and answered
/// with `blobResult`; a `blobFetch` is answered with a blob stream, or `BlobNotFound`.
extension DeviceAgent {
    var shelf: BlobShelf { BlobShelf(directory: directory.blobs) }

    /// The body of a forwarded `uploadBlob` (a blob stream whose header has no CID).
    func storeUpload(_ header: BlobHeader, body: [UInt8]) async {
        let limit = session.granted[Feature.blobForwarding.rawValue]?.maxBlobBytes ?? RelayPolicy.defaultMaxBlobBytes
        let result: BlobResult
        if body.count > limit {
            result = BlobResult(id: header.id, error: .blobTooLarge, message: "over maxBlobBytes (\(limit))")
        } else if header.did != pairing.did {
            result = BlobResult(id: header.id, error: .invalidRequest, message: "not this desktop's account")
        } else {
            do {
                let cid = try shelf.store(body, mimeType: header.mimeType)
                result = BlobResult(id: header.id, cid: cid, size: body.count, mimeType: header.mimeType)
            } catch {
                result = BlobResult(id: header.id, error: .internalError, message: "\(error)")
            }
        }
        await perform((try? session.send(.blobResult(result), now: now())) ?? [])
    }

    /// Answers a `blobFetch`: the blob on its own stream, or `BlobNotFound` on the control stream.
    func serveBlobFetch(_ fetch: BlobFetch) async {
        guard fetch.did == pairing.did, let blob = shelf.get(fetch.cid) else {
            let answer = BlobResult(id: fetch.id, error: .blobNotFound, message: "this desktop does not hold \(fetch.cid)")
            await perform((try? session.send(.blobResult(answer), now: now())) ?? [])
            return
        }
        do {
            let stream = try await connection.openUnidirectionalStream()
            let header = BlobHeader(id: fetch.id, did: fetch.did, size: blob.bytes.count, mimeType: blob.mimeType, cid: fetch.cid)
            try await stream.write(Frame.encode(.blobHeader(header)) + blob.bytes)
            try await stream.finish()
        } catch {
            let answer = BlobResult(id: fetch.id, error: .internalError, message: "\(error)")
            await perform((try? session.send(.blobResult(answer), now: now())) ?? [])
        }
    }
}
