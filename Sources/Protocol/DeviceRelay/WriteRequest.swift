/// One write of a proxied request, shaped like `com.atproto.repo.applyWrites`.
public struct ProxiedWrite: Hashable, Sendable {
    public enum Action: String, Sendable, CaseIterable { case create, update, delete }
    public var action: Action
    public var collection: String
    /// Absent on create: the device picks a TID.
    public var rkey: String?
    /// The record; absent for delete.
    public var value: [String: DataValue]?
    public var swapRecord: CID?

    public init(action: Action, collection: String, rkey: String? = nil, value: [String: DataValue]? = nil,
                swapRecord: CID? = nil) {
        self.action = action
        self.collection = collection
        self.rkey = rkey
        self.value = value
        self.swapRecord = swapRecord
    }

    init(fields f: MessageFields) throws(FrameError) {
        action = Action(rawValue: try f.oneOf("action", Set(Action.allCases.map(\.rawValue))))!
        collection = try f.string("collection")
        rkey = try f.optionalString("rkey")
        value = try f.optionalMap("value")
        swapRecord = try f.optionalLink("swapRecord")
    }

    func toDataValue() -> DataValue {
        var m = MapBuilder()
        m["action"] = .string(action.rawValue)
        m["collection"] = .string(collection)
        m["rkey"] = .optional(rkey)
        m["value"] = value.map { .map($0) }
        m["swapRecord"] = .optional(swapRecord)
        return m.value
    }
}

/// A write that reached the relay, forwarded to the authoritative device (spec section 7.2).
public struct WriteRequest: FieldCodable {
    public static let type = "writeRequest"
    public var id: Int
    public var did: String
    public var writes: [ProxiedWrite]
    public var swapCommit: CID?
    /// What is left of the relay's wait; the device must not apply the writes after it runs out.
    public var ttlMs: Int

    public init(id: Int, did: String, writes: [ProxiedWrite], swapCommit: CID? = nil, ttlMs: Int) {
        self.id = id
        self.did = did
        self.writes = writes
        self.swapCommit = swapCommit
        self.ttlMs = ttlMs
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        did = try f.string("did")
        var writes: [ProxiedWrite] = []
        for w in try f.nested("writes") { writes.append(try ProxiedWrite(fields: w)) }
        self.writes = writes
        swapCommit = try f.optionalLink("swapCommit")
        ttlMs = try f.count("ttlMs")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["did"] = .string(did)
        m["writes"] = .array(writes.map { $0.toDataValue() })
        m["swapCommit"] = .optional(swapCommit)
        m["ttlMs"] = .count(ttlMs)
    }
}
