import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Routes `/xrpc/<nsid>` to its method: checks the HTTP method, collects the body within the
/// method's limit, runs the handler, and renders whatever it throws as an XRPC error.
struct XRPCDispatcher: Sendable {
    let methods: [String: XRPCMethod]
    let environment: RelayEnvironment

    init(environment: RelayEnvironment, methods: [XRPCMethod] = XRPCMethods.all) {
        self.environment = environment
        self.methods = Dictionary(methods.map { ($0.nsid, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func respond(nsid: String, request: Request, logger: Logger) async -> Response {
        do {
            if methods[nsid] == nil, AppViewProxy.handles(nsid, headers: request.headers) {
                let xrpc = try await xrpcRequest(nsid: nsid, request: request, limit: XRPCMethod.jsonBodyLimit,
                                                 collect: request.method == .post, logger: logger)
                return try await AppViewProxy(environment: environment)
                    .respond(nsid: nsid, request: request, xrpc: xrpc, rawQuery: request.uri.query)
            }
            let output = try await dispatch(nsid: nsid, request: request, logger: logger)
            let (body, contentType, extra) = try output.encoded()
            var headers = HTTPFields()
            if let contentType { headers[.contentType] = contentType }
            for (name, value) in extra {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            let xrpc = Self.xrpcError(error)
            if xrpc.status == .internalServerError {
                logger.error("XRPC method failed", metadata: ["nsid": "\(nsid)", "error": "\(error)"])
            }
            return Self.render(xrpc)
        }
    }

    private func dispatch(nsid: String, request: Request, logger: Logger) async throws -> XRPCOutput {
        guard let method = methods[nsid] else { throw XRPCError.methodNotImplemented(nsid) }
        switch (method.kind, request.method) {
        case (.query, .get), (.query, .head), (.procedure, .post): break
        case (.query, _): throw XRPCError.invalidRequest("Incorrect HTTP method (\(request.method)) expected GET")
        case (.procedure, _): throw XRPCError.invalidRequest("Incorrect HTTP method (\(request.method)) expected POST")
        }
        let limit = method.bodyLimit == .json ? XRPCMethod.jsonBodyLimit : environment.config.blobUploadLimit
        let xrpcRequest = try await xrpcRequest(nsid: nsid, request: request, limit: limit, collect: method.kind == .procedure,
                                                logger: logger)
        return try await method.handle(xrpcRequest, environment)
    }

    private func xrpcRequest(nsid: String, request: Request, limit: Int, collect: Bool, logger: Logger) async throws -> XRPCRequest {
        var body: [UInt8] = []
        if collect {
            do {
                var buffer = try await request.body.collect(upTo: limit)
                body = buffer.readBytes(length: buffer.readableBytes) ?? []
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                throw XRPCError.payloadTooLarge("request entity too large (limit \(limit) bytes)")
            }
        }
        var parameters: [String: [String]] = [:]
        for (key, value) in request.uri.queryParameters {
            parameters[String(key), default: []].append(String(value))
        }
        return XRPCRequest(nsid: nsid, parameters: parameters, headers: request.headers, body: body, logger: logger)
    }

    static func render(_ error: XRPCError) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter = error.retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }

    /// Failures of the stores map to the lexicon's names; anything else is a 500 that says nothing inside.
    static func xrpcError(_ error: any Error) -> XRPCError {
        switch error {
        case let xrpc as XRPCError: return xrpc
        case RepoHostError.repoNotFound: return .invalidRequest("Could not find repo", name: "RepoNotFound")
        case RepoHostError.recordNotFound: return .invalidRequest("Could not locate record", name: "RecordNotFound")
        case RepoHostError.invalidSwap(let message): return .invalidRequest(message, name: "InvalidSwap")
        case BlobStoreError.blobNotFound(let cid): return .invalidRequest("Could not find blob: \(cid)", name: "BlobNotFound")
        default: return .internalError()
        }
    }
}
