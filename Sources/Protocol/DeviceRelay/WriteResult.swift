/// XRPC error names a device answers with, and the HTTP status the relay maps each to (spec 9.4).
public enum WriteError: String, Sendable, CaseIterable {
    case invalidRequest = "InvalidRequest"
    case invalidSwap = "InvalidSwap"
    case recordNotFound = "RecordNotFound"
    case blobNotFound = "BlobNotFound"
    case blobTooLarge = "BlobTooLarge"
    case expired = "Expired"
    case internalError = "InternalError"

    public var httpStatus: Int {
        switch self {
        case .expired: 503
        case .internalError: 500
        default: 400
        }
    }

    /// Seconds for `Retry-After`, where the answer carries one.
    public var retryAfterSeconds: Int? { self == .expired ? DeviceRelayProtocol.busyRetryAfterSeconds : nil }
}

/// The outcome of one written record.
public struct WriteOutcome: Hashable, Sendable {
    public var uri: String
    public var cid: CID?

    public init(uri: String, cid: CID?) {
        self.uri = uri
        self.cid = cid
    }
}

/// The device's answer to a `writeRequest`: results plus the signed commit, or an error.
public struct WriteResult: FieldCodable {
    public static let type = "writeResult"
    public var id: Int
    public var results: [WriteOutcome]?
    public var commitCid: CID?
    public var rev: String?
    public var error: String?
    public var message: String?

    public var knownError: WriteError? { error.map { WriteError(rawValue: $0) ?? .internalError } }

    public static func success(id: Int, results: [WriteOutcome], commitCid: CID, rev: String) -> WriteResult {
        WriteResult(id: id, results: results, commitCid: commitCid, rev: rev)
    }

    public static func failure(id: Int, _ error: WriteError, message: String) -> WriteResult {
        WriteResult(id: id, error: error.rawValue, message: message)
    }

    public init(id: Int, results: [WriteOutcome]? = nil, commitCid: CID? = nil, rev: String? = nil,
                error: String? = nil, message: String? = nil) {
        self.id = id
        self.results = results
        self.commitCid = commitCid
        self.rev = rev
        self.error = error
        self.message = message
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        if try f.optionalArray("results") != nil {
            var results: [WriteOutcome] = []
            for r in try f.nested("results") {
                results.append(WriteOutcome(uri: try r.string("uri"), cid: try r.optionalLink("cid")))
            }
            self.results = results
        } else {
            results = nil
        }
        commitCid = try f.optionalLink("commitCid")
        rev = try f.optionalString("rev")
        error = try f.optionalString("error")
        message = try f.optionalString("message")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["results"] = results.map { list in
            .array(list.map { r in
                var item = MapBuilder()
                item["uri"] = .string(r.uri)
                item["cid"] = .optional(r.cid)
                return item.value
            })
        }
        m["commitCid"] = .optional(commitCid)
        m["rev"] = .optional(rev)
        m["error"] = .optional(error)
        m["message"] = .optional(message)
    }
}
