/// The relay signed and sequenced a pushed commit (spec section 6.3). Replayed verbatim (new `id`)
/// for a repeated push of the same rev: that is the idempotency the device relies on.
public struct CommitAck: FieldCodable {
    public static let type = "commitAck"
    public var id: Int
    /// Firehose seq of the `#commit` event; only with `commit-ack-seq`.
    public var seq: Int?
    /// CID of the signed commit.
    public var cid: CID
    public var rev: String
    public var sig: [UInt8]

    public init(id: Int, seq: Int?, cid: CID, rev: String, sig: [UInt8]) {
        self.id = id
        self.seq = seq
        self.cid = cid
        self.rev = rev
        self.sig = sig
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        seq = try f.optionalCount("seq")
        cid = try f.link("cid")
        rev = try f.string("rev")
        sig = try f.bytes("sig")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["seq"] = .optional(seq)
        m["cid"] = .link(cid)
        m["rev"] = .string(rev)
        m["sig"] = .bytes(sig)
    }
}
