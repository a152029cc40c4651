/// A network relay's `com.atproto.sync.subscribeRepos` as `firehose-proxy` consumes it (spec 7.5):
/// frames after `cursor`, each with its upstream seq, until the connection ends.
public protocol NetworkFirehoseSource: Sendable {
    func subscribe(after cursor: Int64?) -> AsyncThrowingStream<NetworkFirehoseFrame, any Error>
}

/// One upstream frame: header and body bytes verbatim, and the body's `seq`.
public struct NetworkFirehoseFrame: Sendable, Equatable {
    public var seq: Int64
    public var bytes: [UInt8]

    public init(seq: Int64, bytes: [UInt8]) {
        self.seq = seq
        self.bytes = bytes
    }
}
