import Foundation
import Protocol
import Tunnel

/// `blob-forwarding` on one desktop's connection (spec 7.3): uploads go out on a blob stream and
/// are answered by `blobResult`; fetches go out as `blobFetch` and come back on a blob stream (or as
/// a `blobResult` error). Each waits at most `writeTimeoutMs`: a client never hangs on a desktop.
extension DeviceLink {
    enum BlobAnswer: Sendable {
        case result(BlobResult)
        case body(BlobHeader, [UInt8])
        case lost
        case timedOut
    }

    func deliverBlob(_ answer: BlobAnswer, id: Int) {
        if let waiter = blobWaiters.removeValue(forKey: id) { waiter.resume(returning: answer) }
        else { earlyBlobAnswers[id] = answer }
    }

    private func expireBlob(_ id: Int) {
        blobWaiters.removeValue(forKey: id)?.resume(returning: .timedOut)
        earlyBlobAnswers[id] = nil
    }

    private func awaitBlob(_ id: Int) async -> BlobAnswer {
        if let early = earlyBlobAnswers.removeValue(forKey: id) { return early }
        if case .closed = session.state { return .lost }
        let bound = session.limits.writeTimeoutMs
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(bound))
            await self?.expireBlob(id)
        }
        return await withCheckedContinuation { blobWaiters[id] = $0 }
    }

    /// Sends an uploaded blob to the device; its `blobResult` names the CID it stored.
    func uploadBlob(did: String, bytes: [UInt8], mimeType: String) async -> BlobAnswer {
        let id = session.takeRequestID()
        do {
            let stream = try await connection.openUnidirectionalStream()
            try await stream.write(Frame.encode(.blobHeader(BlobHeader(id: id, did: did, size: bytes.count, mimeType: mimeType))) + bytes)
            try await stream.finish()
        } catch {
            return .lost
        }
        return await awaitBlob(id)
    }

    /// Asks the device for a blob the relay does not hold.
    func fetchBlob(_ cid: CID) async -> BlobAnswer {
        guard let (id, actions) = try? session.fetchBlob(cid) else { return .lost }
        await perform(actions)
        return await awaitBlob(id)
    }

    /// A blob stream from the device: the body of a `blobFetch` it answers.
    func receiveBodyStream(_ stream: Tunnel.Stream) async {
        let limit = granted[Feature.blobForwarding.rawValue]?.maxBlobBytes ?? RelayPolicy.defaultMaxBlobBytes
        var reader = BodyStreamReader(maxBodyBytes: limit, maxFrameBytes: session.limits.maxFrameBytes)
        var header: BlobHeader?
        var body: [UInt8] = []
        do {
            while let chunk = try await stream.read() {
                for event in try reader.receive(chunk) {
                    switch event {
                    case .blob(let h): header = h
                    case .body(let bytes): body += bytes
                    case .snapshot, .complete: break
                    }
                }
            }
            _ = try reader.end()
        } catch {
            if let header { deliverBlob(.lost, id: header.id) }
            return
        }
        if let header { deliverBlob(.body(header, body), id: header.id) }
    }
}
