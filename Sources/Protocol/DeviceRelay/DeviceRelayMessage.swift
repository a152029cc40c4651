/// Any message of the protocol (spec section 5), or a well-formed one of a type we do not know.
public enum DeviceRelayMessage: Hashable, Sendable {
    case hello(Hello)
    case welcome(Welcome)
    case reject(Reject)
    case commitPush(CommitPush)
    case commitAck(CommitAck)
    case commitReject(CommitReject)
    case writeRequest(WriteRequest)
    case writeResult(WriteResult)
    case ping(Ping)
    case pong(Pong)
    case blobFetch(BlobFetch)
    case blobResult(BlobResult)
    case snapshotRequest(SnapshotRequest)
    case snapshotResult(SnapshotResult)
    case blobHeader(BlobHeader)
    case snapshotHeader(SnapshotHeader)
    case firehoseEvent(FirehoseEvent)
    /// Ignored after the handshake (section 2.4); kept whole for logging.
    case unknown(type: String, DataValue)

    public static let knownTypes: [String] = [
        Hello.type, Welcome.type, Reject.type, CommitPush.type, CommitAck.type, CommitReject.type,
        WriteRequest.type, WriteResult.type, Ping.type, Pong.type, BlobFetch.type, BlobResult.type,
        SnapshotRequest.type, SnapshotResult.type, BlobHeader.type, SnapshotHeader.type, FirehoseEvent.type,
    ]

    public var body: any MessageBody {
        switch self {
        case .hello(let m): m
        case .welcome(let m): m
        case .reject(let m): m
        case .commitPush(let m): m
        case .commitAck(let m): m
        case .commitReject(let m): m
        case .writeRequest(let m): m
        case .writeResult(let m): m
        case .ping(let m): m
        case .pong(let m): m
        case .blobFetch(let m): m
        case .blobResult(let m): m
        case .snapshotRequest(let m): m
        case .snapshotResult(let m): m
        case .blobHeader(let m): m
        case .snapshotHeader(let m): m
        case .firehoseEvent(let m): m
        case .unknown(let type, let value): UnknownMessage(typeName: type, value: value)
        }
    }

    public var type: String {
        if case .unknown(let type, _) = self { return type }
        return Swift.type(of: body).type
    }

    public func toDataValue() -> DataValue { body.toDataValue() }

    public init(from value: DataValue) throws(FrameError) {
        guard case .map(let map) = value else { throw .notAMap }
        guard case .string(let type)? = map["t"] else { throw .missingType }
        switch type {
        case Hello.type: self = .hello(try Hello(from: value))
        case Welcome.type: self = .welcome(try Welcome(from: value))
        case Reject.type: self = .reject(try Reject(from: value))
        case CommitPush.type: self = .commitPush(try CommitPush(from: value))
        case CommitAck.type: self = .commitAck(try CommitAck(from: value))
        case CommitReject.type: self = .commitReject(try CommitReject(from: value))
        case WriteRequest.type: self = .writeRequest(try WriteRequest(from: value))
        case WriteResult.type: self = .writeResult(try WriteResult(from: value))
        case Ping.type: self = .ping(try Ping(from: value))
        case Pong.type: self = .pong(try Pong(from: value))
        case BlobFetch.type: self = .blobFetch(try BlobFetch(from: value))
        case BlobResult.type: self = .blobResult(try BlobResult(from: value))
        case SnapshotRequest.type: self = .snapshotRequest(try SnapshotRequest(from: value))
        case SnapshotResult.type: self = .snapshotResult(try SnapshotResult(from: value))
        case BlobHeader.type: self = .blobHeader(try BlobHeader(from: value))
        case SnapshotHeader.type: self = .snapshotHeader(try SnapshotHeader(from: value))
        case FirehoseEvent.type: self = .firehoseEvent(try FirehoseEvent(from: value))
        default: self = .unknown(type: type, value)
        }
    }
}

/// Carrier for `.unknown` so every case has a body.
struct UnknownMessage: MessageBody {
    static var type: String { "" }
    let typeName: String
    let value: DataValue

    init(typeName: String, value: DataValue) {
        self.typeName = typeName
        self.value = value
    }

    init(from value: DataValue) throws(FrameError) {
        guard case .string(let t)? = value["t"] else { throw .missingType }
        self.init(typeName: t, value: value)
    }

    func toDataValue() -> DataValue { value }
}
