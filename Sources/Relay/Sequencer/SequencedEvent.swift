/// One row of `repo_seq`: the complete firehose frame, ready to send as it is.
public struct SequencedEvent: Sendable, Equatable {
    public let seq: Int64
    public let did: String
    public let type: String
    public let frame: [UInt8]
}
