/// The relay asks the device for a blob it does not hold (`blob-forwarding`, spec section 7.3).
public struct BlobFetch: FieldCodable {
    public static let type = "blobFetch"
    public var id: Int
    public var did: String
    public var cid: CID

    public init(id: Int, did: String, cid: CID) {
        self.id = id
        self.did = did
        self.cid = cid
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        did = try f.string("did")
        cid = try f.link("cid")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["did"] = .string(did)
        m["cid"] = .link(cid)
    }
}

/// Outcome of a blob upload (device stored it) or a fetch that failed, on the control stream.
public struct BlobResult: FieldCodable {
    public static let type = "blobResult"
    public var id: Int
    public var cid: CID?
    public var size: Int?
    public var mimeType: String?
    public var error: String?
    public var message: String?

    public init(id: Int, cid: CID? = nil, size: Int? = nil, mimeType: String? = nil, error: WriteError? = nil,
                message: String? = nil) {
        self.id = id
        self.cid = cid
        self.size = size
        self.mimeType = mimeType
        self.error = error?.rawValue
        self.message = message
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        cid = try f.optionalLink("cid")
        size = try f.optionalCount("size")
        mimeType = try f.optionalString("mimeType")
        error = try f.optionalString("error")
        message = try f.optionalString("message")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["cid"] = .optional(cid)
        m["size"] = .optional(size)
        m["mimeType"] = .optional(mimeType)
        m["error"] = .optional(error)
        m["message"] = .optional(message)
    }
}

/// First frame of a blob stream; exactly `size` raw body bytes follow, then FIN.
public struct BlobHeader: FieldCodable {
    public static let type = "blobHeader"
    public var id: Int
    public var did: String
    public var size: Int
    public var mimeType: String
    /// Present when the sender knows it (a fetch answer); an upload's CID is the device's to compute.
    public var cid: CID?

    public init(id: Int, did: String, size: Int, mimeType: String, cid: CID? = nil) {
        self.id = id
        self.did = did
        self.size = size
        self.mimeType = mimeType
        self.cid = cid
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        did = try f.string("did")
        size = try f.count("size")
        mimeType = try f.string("mimeType")
        cid = try f.optionalLink("cid")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["did"] = .string(did)
        m["size"] = .count(size)
        m["mimeType"] = .string(mimeType)
        m["cid"] = .optional(cid)
    }
}
