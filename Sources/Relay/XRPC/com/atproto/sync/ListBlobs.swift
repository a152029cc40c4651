extension XRPCMethods {
    static let listBlobs = XRPCMethod("com.atproto.sync.listBlobs", .query) { request, env in
        struct Output: Encodable, Sendable {
            let cursor: String?
            let cids: [String]
        }
        let did = try request.requiredParam("did")
        let limit = try request.intParam("limit", default: 500, range: 1...1000)
        _ = try await RepoXRPC.servedAccount(did, env: env, request: request)
        // `since` (a repo rev) narrows to blobs of newer commits once the repo engine is wired in.
        let cids = try await env.blobs.list(did: did, limit: limit, after: request.param("cursor"))
        return .json(Output(cursor: cids.count == limit ? cids.last : nil, cids: cids))
    }
}
