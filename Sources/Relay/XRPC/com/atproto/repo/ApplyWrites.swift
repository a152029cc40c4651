import Protocol

extension XRPCMethods {
    /// Creates, updates and deletes in one commit; all or nothing.
    static let applyWrites = XRPCMethod("com.atproto.repo.applyWrites", .procedure) { request, env in
        let auth = try env.auth.access(request)
        let input = try RepoXRPC.body(request)
        let did = try await RepoXRPC.ownRepo(try RepoXRPC.string(input, "repo"), auth: auth.did, env: env)
        guard let items = input["writes"]?.arrayValue else { throw XRPCError.invalidRequest("Input must have the property \"writes\"") }
        // The reference PDS's cap on one batch.
        guard items.count <= 200 else { throw XRPCError.invalidRequest("Too many writes. Max: 200") }
        let swapCommit = try RepoXRPC.cid(input["swapCommit"]?.stringValue, "swapCommit")
        let writes = try items.map(ApplyWritesInput.write)
        let commit = try await RepoXRPC.commit(env, did: did, writes: writes, swapCommit: swapCommit)
        var cids: [String: CID] = [:]
        for op in commit.ops { if let cid = op.cid { cids[op.path] = cid } }
        let results: [DataValue] = writes.map { write in
            switch write {
            case .create(let c, let r, _), .update(let c, let r, _, _):
                let kind = if case .create = write { "createResult" } else { "updateResult" }
                return .map(["$type": .string("com.atproto.repo.applyWrites#\(kind)"),
                             "uri": .string(RepoXRPC.uri(did, c, r)),
                             "cid": .string(cids["\(c)/\(r)"]?.string ?? ""),
                             "validationStatus": .string("unknown")])
            case .delete:
                return .map(["$type": .string("com.atproto.repo.applyWrites#deleteResult")])
            }
        }
        return RepoXRPC.json(["commit": RepoXRPC.commitMeta(commit), "results": .array(results)])
    }
}

/// Parsing of applyWrites' `#create` / `#update` / `#delete` union members.
enum ApplyWritesInput {
    static func write(_ item: DataValue) throws -> RepoWrite {
        guard let map = item.mapValue else { throw XRPCError.invalidRequest("Each write must be an object") }
        let collection = try RepoXRPC.string(map, "collection")
        guard NSID.isValid(collection) else { throw XRPCError.invalidRequest("Invalid collection: \(collection)") }
        switch map["$type"]?.stringValue {
        case "com.atproto.repo.applyWrites#create":
            guard let value = map["value"], case .map = value else { throw XRPCError.invalidRequest("Input must have the property \"value\"") }
            let rkey = map["rkey"]?.stringValue ?? RepoXRPC.clock.next().string
            return .create(collection: collection, rkey: rkey, value: value)
        case "com.atproto.repo.applyWrites#update":
            guard let value = map["value"], case .map = value else { throw XRPCError.invalidRequest("Input must have the property \"value\"") }
            return .update(collection: collection, rkey: try RepoXRPC.string(map, "rkey"), value: value, swapRecord: nil)
        case "com.atproto.repo.applyWrites#delete":
            return .delete(collection: collection, rkey: try RepoXRPC.string(map, "rkey"), swapRecord: nil)
        case let other:
            throw XRPCError.invalidRequest("Invalid write type: \(other ?? "none")")
        }
    }
}
