import Protocol
import Repo

extension XRPCMethods {
    /// The repo blocks named by `cids` as a CAR without roots; any missing one fails the call.
    static let getBlocks = XRPCMethod("com.atproto.sync.getBlocks", .query) { request, env in
        let did = try request.requiredParam("did")
        let texts = request.parameters["cids"] ?? []
        let cids = try texts.map { text -> CID in
            guard let cid = try? CID(string: text) else { throw XRPCError.invalidRequest("Invalid cid: \(text)") }
            return cid
        }
        _ = try await RepoXRPC.servedAccount(did, env: env, request: request)
        let (found, missing) = try await RepoXRPC.host(env).blocks(did: did, cids: cids)
        guard missing.isEmpty else {
            throw XRPCError.invalidRequest("Could not find cids: \(missing.map(\.string))", name: "BlockNotFound")
        }
        let car = CARWriter.encode(roots: [], blocks: found.map { Block(cid: $0.cid, bytes: $0.bytes) })
        return .bytes(car, contentType: "application/vnd.ipld.car")
    }
}
