/// The relay asks for a full repository CAR (`repo-snapshot`, spec section 7.4).
public struct SnapshotRequest: FieldCodable {
    public static let type = "snapshotRequest"

    public enum Reason: String, Sendable, CaseIterable { case paired, missing, gap }

    public var id: Int
    public var did: String
    public var reason: String

    public init(id: Int, did: String, reason: Reason) {
        self.id = id
        self.did = did
        self.reason = reason.rawValue
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        did = try f.string("did")
        reason = try f.string("reason")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["did"] = .string(did)
        m["reason"] = .string(reason)
    }
}

/// Either side's outcome of a snapshot: no `error` means stored (relay) — the device only sends it
/// when it cannot produce a snapshot.
public struct SnapshotResult: FieldCodable {
    public static let type = "snapshotResult"
    public var id: Int
    public var error: String?
    public var message: String?

    public init(id: Int, error: WriteError? = nil, message: String? = nil) {
        self.id = id
        self.error = error?.rawValue
        self.message = message
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        error = try f.optionalString("error")
        message = try f.optionalString("message")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["error"] = .optional(error)
        m["message"] = .optional(message)
    }
}

/// First frame of a snapshot stream; `size` bytes of CAR (root = `commit`) follow, then FIN.
public struct SnapshotHeader: FieldCodable {
    public static let type = "snapshotHeader"
    public var id: Int
    public var did: String
    public var rev: String
    public var commit: CID
    public var size: Int
    /// Promotion only (relay to device, spec 7.6): how many blob streams with the same `id` come with it.
    public var blobs: Int?

    public init(id: Int, did: String, rev: String, commit: CID, size: Int, blobs: Int? = nil) {
        self.id = id
        self.did = did
        self.rev = rev
        self.commit = commit
        self.size = size
        self.blobs = blobs
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        did = try f.string("did")
        rev = try f.string("rev")
        commit = try f.link("commit")
        size = try f.count("size")
        blobs = try f.optionalCount("blobs")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["did"] = .string(did)
        m["rev"] = .string(rev)
        m["commit"] = .link(commit)
        m["size"] = .count(size)
        m["blobs"] = .optional(blobs)
    }
}
