import Protocol

extension Sequencer {
    /// `#commit` as subscribeRepos defines it; `rebase`/`tooBig` are deprecated but still required.
    @discardableResult
    public func commitEvent(_ commit: RepoCommit) throws -> SequencedEvent {
        let ops: [DataValue] = commit.ops.map { op in
            var map: [String: DataValue] = [
                "action": .string(op.action),
                "path": .string(op.path),
                "cid": op.cid.map(DataValue.link) ?? .null,
            ]
            if let prev = op.prev { map["prev"] = .link(prev) }
            return .map(map)
        }
        var body: [String: DataValue] = [
            "repo": .string(commit.did),
            "commit": .link(commit.cid),
            "rev": .string(commit.rev),
            "since": commit.since.map(DataValue.string) ?? .null,
            "blocks": .bytes(commit.blocks),
            "ops": .array(ops),
            "blobs": .array(commit.blobs.map(DataValue.link)),
            "rebase": .bool(false),
            "tooBig": .bool(false),
        ]
        if let prevData = commit.prevData { body["prevData"] = .link(prevData) }
        return try sequence(did: commit.did, type: "#commit", body: body)
    }
}
