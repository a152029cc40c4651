import Protocol

extension XRPCMethods {
    static let getBlob = XRPCMethod("com.atproto.sync.getBlob", .query) { request, env in
        let did = try request.requiredParam("did")
        let cid = try request.requiredParam("cid")
        guard (try? CID(string: cid)) != nil else { throw XRPCError.invalidRequest("Invalid cid: \(cid)") }
        _ = try await RepoXRPC.servedAccount(did, env: env, request: request)
        guard let found = try await env.blobs.get(did: did, cid: cid) else {
            throw XRPCError.invalidRequest("Blob not found", name: "BlobNotFound")
        }
        let (info, bytes) = found
        // User content served from our origin: never let a browser run or sniff it.
        return .bytes(bytes, contentType: info.mimeType, extraHeaders: [
            ("x-content-type-options", "nosniff"),
            ("content-security-policy", "default-src 'none'; sandbox"),
        ])
    }
}
