extension XRPCMethods {
    static let uploadBlob = XRPCMethod("com.atproto.repo.uploadBlob", .procedure, bodyLimit: .blobUpload) { request, env in
        let auth = try env.auth.access(request)
        let mimeType = request.headers[.contentType].flatMap { $0.isEmpty || $0 == "*/*" ? nil : $0 }
            ?? "application/octet-stream"
        let info = try await env.blobs.putTemporary(did: auth.did, bytes: request.body, mimeType: mimeType)
        return .json(UploadBlobOutput(blob: .init(ref: .init(link: info.cid), mimeType: info.mimeType, size: info.size)))
    }
}

/// `{"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType", "size"}}`
struct UploadBlobOutput: Encodable, Sendable {
    struct Link: Encodable, Sendable {
        let link: String
        enum CodingKeys: String, CodingKey { case link = "$link" }
    }
    struct Blob: Encodable, Sendable {
        let type = "blob"
        let ref: Link
        let mimeType: String
        let size: Int
        enum CodingKeys: String, CodingKey { case type = "$type", ref, mimeType, size }
    }
    let blob: Blob
}
