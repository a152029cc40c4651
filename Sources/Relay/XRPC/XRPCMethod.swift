/// One XRPC endpoint: its NSID, whether it is a query (GET) or a procedure (POST), how much body it
/// accepts, and the handler. Each endpoint file declares one of these in an extension of `XRPCMethods`.
public struct XRPCMethod: Sendable {
    public enum Kind: Sendable { case query, procedure }

    /// JSON inputs are small; blob uploads get the configured `PDS_BLOB_UPLOAD_LIMIT`.
    public enum BodyLimit: Sendable { case json, blobUpload }

    public let nsid: String
    public let kind: Kind
    public let bodyLimit: BodyLimit
    public let handle: @Sendable (XRPCRequest, RelayEnvironment) async throws -> XRPCOutput

    public init(_ nsid: String, _ kind: Kind, bodyLimit: BodyLimit = .json,
                handle: @escaping @Sendable (XRPCRequest, RelayEnvironment) async throws -> XRPCOutput) {
        self.nsid = nsid
        self.kind = kind
        self.bodyLimit = bodyLimit
        self.handle = handle
    }

    static let jsonBodyLimit = 1 << 20
}

/// Namespace the endpoint files extend.
public enum XRPCMethods {}
