/// A network firehose event concerning the account, forwarded verbatim (`firehose-proxy`, spec 7.5).
public struct FirehoseEvent: FieldCodable {
    public static let type = "firehoseEvent"
    /// The upstream seq (not per account).
    public var seq: Int
    /// The upstream `subscribeRepos` frame bytes.
    public var event: [UInt8]

    public init(seq: Int, event: [UInt8]) {
        self.seq = seq
        self.event = event
    }

    init(fields f: MessageFields) throws(FrameError) {
        seq = try f.count("seq")
        event = try f.bytes("event")
    }

    func write(to m: inout MapBuilder) {
        m["seq"] = .count(seq)
        m["event"] = .bytes(event)
    }
}
