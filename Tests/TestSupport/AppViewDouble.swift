import Foundation
import HTTPTypes
import Hummingbird
import Protocol
import Synchronization

/// Stands in for the Bluesky AppView (api.bsky.app), which a PDS proxies `app.bsky.*` calls to.
/// Like the real one it accepts a call only with a service-auth JWT whose ES256K signature checks
/// against the issuing account's key (which the real AppView reads from the DID document; here the
/// test hands over a lookup), whose `aud` is its own DID and whose `lxm` names the method. Every call
/// is recorded; the answer echoes what it saw, or the XRPC error it was asked for (`?fail=<name>`).
public final class AppViewDouble: Sendable {
    public struct Call: Sendable {
        public let nsid: String
        public let method: String
        public let query: String?
        public let body: [UInt8]
        public let headers: [String: String]
        public let claims: [String: String]
        /// nil when accepted; otherwise why the token was refused.
        public let refusal: String?
    }

    public let did: String
    private let keyFor: @Sendable (String) async throws -> (any PublicKey)?
    private let log = Mutex([Call]())
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Mutex(0)
    public var port: Int { boundPort.withLock { $0 } }

    public var url: String { "http://127.0.0.1:\(port)" }
    public var calls: [Call] { log.withLock { $0 } }

    private init(did: String, keyFor: @escaping @Sendable (String) async throws -> (any PublicKey)?) {
        self.did = did
        self.keyFor = keyFor
    }

    /// Listens on a free loopback port; returns once it accepts connections.
    public static func start(did: String = "did:web:appview.test",
                             keyFor: @escaping @Sendable (String) async throws -> (any PublicKey)?) async throws -> AppViewDouble {
        let double = AppViewDouble(did: did, keyFor: keyFor)
        let router = Router()
        router.get("/xrpc/:nsid") { request, context in try await double.answer(request, context) }
        router.post("/xrpc/:nsid") { request, context in try await double.answer(request, context) }
        let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        double.task.withLock { $0 = Task { defer { continuation.finish() }; try await app.runService() } }
        for await port in ready {
            double.boundPort.withLock { $0 = port }
            break
        }
        return double
    }

    public func stop() { task.withLock { $0?.cancel() } }

    private func answer(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let nsid = context.parameters.get("nsid") ?? ""
        var buffer = try await request.body.collect(upTo: 1 << 20)
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let (claims, refusal) = await check(headers["authorization"], nsid: nsid)
        log.withLock { $0.append(Call(nsid: nsid, method: "\(request.method)", query: request.uri.query, body: body,
                                      headers: headers, claims: claims, refusal: refusal)) }
        if let refusal { return Self.json(401, ["error": "BadJwt", "message": refusal]) }
        if let fail = request.uri.queryParameters["fail"] {
            return Self.json(400, ["error": String(fail), "message": "asked to fail"])
        }
        var response = Self.json(200, ["proxied": nsid, "iss": claims["iss"] ?? "", "query": request.uri.query ?? ""])
        response.headers[HTTPField.Name("atproto-repo-rev")!] = "double-rev"
        return response
    }

    private func check(_ authorization: String?, nsid: String) async -> ([String: String], String?) {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return ([:], "no bearer token") }
        let parts = authorization.dropFirst(7).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = try? Base64.decode(parts[0], url: true),
              let payloadBytes = try? Base64.decode(parts[1], url: true),
              let signature = try? Base64.decode(parts[2], url: true),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              let payload = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any] else {
            return ([:], "malformed JWT")
        }
        var claims: [String: String] = [:]
        for (key, value) in payload { claims[key] = "\(value)" }
        guard header["alg"] as? String == "ES256K" else { return (claims, "alg is not ES256K") }
        guard let iss = claims["iss"], let key = try? await keyFor(iss) else { return (claims, "unknown issuer") }
        let signed = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        guard key.verify(signature: signature, for: signed) else { return (claims, "bad signature") }
        guard claims["aud"] == did else { return (claims, "aud is not \(did)") }
        guard claims["lxm"] == nsid else { return (claims, "lxm does not name \(nsid)") }
        guard let exp = payload["exp"] as? Int, exp > Int(Date().timeIntervalSince1970) else { return (claims, "expired") }
        return (claims, nil)
    }

    private static func json(_ status: Int, _ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(data))))
    }
}
