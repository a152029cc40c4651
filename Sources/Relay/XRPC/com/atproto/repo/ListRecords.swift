import Protocol

extension XRPCMethods {
    static let listRecords = XRPCMethod("com.atproto.repo.listRecords", .query) { request, env in
        let did = try await RepoXRPC.resolve(try request.requiredParam("repo"), env: env)
        let collection = try request.requiredParam("collection")
        let limit = try request.intParam("limit", default: 50, range: 1...100)
        let reverse = try request.boolParam("reverse") ?? false
        let rows = try await RepoXRPC.host(env).listRecords(did: did, collection: collection, limit: limit,
                                                            cursor: request.param("cursor"), reverse: reverse)
        var out: [String: DataValue] = [
            "records": .array(rows.map { .map(["uri": .string(RepoXRPC.uri(did, collection, $0.rkey)),
                                               "cid": .string($0.cid.description), "value": $0.value]) }),
        ]
        if rows.count == limit, let last = rows.last { out["cursor"] = .string(last.rkey) }
        return RepoXRPC.json(out)
    }
}
