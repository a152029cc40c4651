import NIOCore

/// One row of `repo_seq`: the complete firehose frame, ready to send as it is.
public struct SequencedEvent: Sendable, Equatable {
    public let seq: Int64
    public let did: String
    public let type: String
    public let frame: [UInt8]
    /// The frame copied once into a buffer that every subscriber's socket write shares
    /// (ByteBuffer is copy-on-write: fan-out to 1,000 sockets allocates nothing per socket).
    public let wire: ByteBuffer

    public init(seq: Int64, did: String, type: String, frame: [UInt8]) {
        self.seq = seq
        self.did = did
        self.type = type
        self.frame = frame
        self.wire = ByteBuffer(bytes: frame)
    }
}
