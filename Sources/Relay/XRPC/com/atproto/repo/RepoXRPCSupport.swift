import Protocol

/// Shared parsing for the `com.atproto.repo.*` methods: their bodies and outputs are data-model
/// JSON (records may hold `$link`/`$bytes`), so they go through `DataModelJSON`, not Codable.
enum RepoXRPC {
    static let clock = TIDClock()

    static func body(_ request: XRPCRequest) throws -> [String: DataValue] {
        guard let value = try? DataModelJSON.decode(request.body), case .map(let map) = value else {
            throw XRPCError.invalidRequest("Input must be a JSON object")
        }
        return map
    }

    static func string(_ map: [String: DataValue], _ key: String) throws -> String {
        guard let s = map[key]?.stringValue, !s.isEmpty else { throw XRPCError.invalidRequest("Input must have the property \"\(key)\"") }
        return s
    }

    static func cid(_ text: String?, _ name: String) throws -> CID? {
        guard let text else { return nil }
        do { return try CID(string: text) } catch { throw XRPCError.invalidRequest("Invalid CID in \(name)") }
    }

    static func resolve(_ repo: String, env: RelayEnvironment) async throws -> String {
        let account = repo.hasPrefix("did:") ? try await env.accounts.account(did: repo)
            : try await env.accounts.account(handle: repo.lowercased())
        guard let account else { throw XRPCError.invalidRequest("Could not find repo: \(repo)", name: "RepoNotFound") }
        return account.did
    }

    static func host(_ env: RelayEnvironment) throws -> any RepoHost {
        guard let repo = env.repo else { throw XRPCError.invalidRequest("No repo engine configured") }
        return repo
    }

    static func json(_ map: [String: DataValue]) -> XRPCOutput {
        .bytes(DataModelJSON.encode(.map(map)), contentType: "application/json; charset=utf-8")
    }

    static func uri(_ did: String, _ collection: String, _ rkey: String) -> String { "at://\(did)/\(collection)/\(rkey)" }

    /// Commits, sequences the `#commit` event, and keeps the blob store's references in step: blobs a
    /// record names must have been uploaded (checked first), then become permanent; blobs only a
    /// replaced or deleted record named are deleted.
    static func commit(_ env: RelayEnvironment, did: String, writes: [RepoWrite], swapCommit: CID?) async throws -> RepoCommit {
        var named: [String] = []
        for case let .create(_, _, value) in writes { named += value.blobReferences.map(\.string) }
        for case let .update(_, _, value, _) in writes { named += value.blobReferences.map(\.string) }
        if !named.isEmpty, let missing = try await env.blobs.missing(did: did, cids: named).first {
            throw XRPCError.invalidRequest("Could not find blob: \(missing)", name: "BlobNotFound")
        }
        let commit = try await host(env).apply(did: did, writes: writes, swapCommit: swapCommit) { try env.sequencer.commitEvent($0) }
        env.crawlers.noteWrite()
        for write in writes {
            switch write {
            case .create(let c, let r, let value), .update(let c, let r, let value, _):
                // A new record without blobs has no references to set (a deleted one's were dropped):
                // skipping it spares every plain post a write transaction on the blob database.
                if case .create = write, value.blobReferences.isEmpty { continue }
                try await env.blobs.setReferences(did: did, recordURI: uri(did, c, r), cids: value.blobReferences.map(\.string))
            case .delete(let c, let r, _):
                try await env.blobs.unreference(did: did, recordURI: uri(did, c, r))
            }
        }
        return commit
    }

    static func commitMeta(_ c: RepoCommit) -> DataValue {
        .map(["cid": .string(c.cid.description), "rev": .string(c.rev)])
    }
}
