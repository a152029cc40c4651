/// One record operation of a commit, shaped like `com.atproto.sync.subscribeRepos#repoOp`.
public struct RepoOp: Hashable, Sendable {
    public enum Action: String, Sendable, CaseIterable { case create, update, delete }
    public var action: Action
    /// `collection/rkey`.
    public var path: String
    /// The new record; nil for delete.
    public var cid: CID?
    /// The previous record; nil for create.
    public var prev: CID?

    public init(action: Action, path: String, cid: CID?, prev: CID? = nil) {
        self.action = action
        self.path = path
        self.cid = cid
        self.prev = prev
    }

    init(fields f: MessageFields) throws(FrameError) {
        let raw = try f.oneOf("action", Set(Action.allCases.map(\.rawValue)))
        action = Action(rawValue: raw)!
        path = try f.string("path")
        cid = try f.optionalLink("cid")
        prev = try f.optionalLink("prev")
    }

    func toDataValue() -> DataValue {
        var m = MapBuilder()
        m["action"] = .string(action.rawValue)
        m["path"] = .string(path)
        m["cid"] = .optional(cid)
        m["prev"] = .optional(prev)
        return m.value
    }
}

/// An unsigned commit the device asks the relay to sign and sequence (spec section 6.1).
public struct CommitPush: FieldCodable {
    public static let type = "commitPush"
    public var id: Int
    public var did: String
    public var rev: String
    public var since: String?
    public var prevData: CID?
    /// Canonical DAG-CBOR of the unsigned commit: exactly what the relay signs.
    public var commit: [UInt8]
    /// CAR v1 slice, root = the new MST root.
    public var blocks: [UInt8]
    public var ops: [RepoOp]

    public init(id: Int, did: String, rev: String, since: String?, prevData: CID?, commit: [UInt8],
                blocks: [UInt8], ops: [RepoOp]) {
        self.id = id
        self.did = did
        self.rev = rev
        self.since = since
        self.prevData = prevData
        self.commit = commit
        self.blocks = blocks
        self.ops = ops
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        did = try f.string("did")
        rev = try f.string("rev")
        since = try f.optionalString("since")
        prevData = try f.optionalLink("prevData")
        commit = try f.bytes("commit")
        blocks = try f.bytes("blocks")
        var ops: [RepoOp] = []
        for op in try f.nested("ops") { ops.append(try RepoOp(fields: op)) }
        self.ops = ops
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["did"] = .string(did)
        m["rev"] = .string(rev)
        m["since"] = .optional(since)
        m["prevData"] = .optional(prevData)
        m["commit"] = .bytes(commit)
        m["blocks"] = .bytes(blocks)
        m["ops"] = .array(ops.map { $0.toDataValue() })
    }
}
