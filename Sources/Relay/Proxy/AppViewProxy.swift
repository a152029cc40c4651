import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Forwards the `app.bsky.*` / `chat.bsky.*` calls this PDS does not answer itself (and any call
/// naming a service in `atproto-proxy`) to the AppView, authenticated by a service-auth JWT the
/// account's key signs: `aud` the AppView's DID, `lxm` the method, a minute's lifetime.
struct AppViewProxy: Sendable {
    let environment: RelayEnvironment
    let http = OutboundHTTP(timeout: 60)

    static let forwardedRequestHeaders = ["accept-language", "content-type", "atproto-accept-labelers", "x-bsky-topics"]
    static let forwardedResponseHeaders = ["content-type", "content-language", "atproto-content-labelers", "atproto-repo-rev"]

    static func handles(_ nsid: String, headers: HTTPFields) -> Bool {
        nsid.hasPrefix("app.bsky.") || nsid.hasPrefix("chat.bsky.") || headers[HTTPField.Name("atproto-proxy")!] != nil
    }

    func respond(nsid: String, request: Request, xrpc: XRPCRequest, rawQuery: String?) async throws -> Response {
        // With no AppView configured and no service named, the method simply is not served here
        // (clients such as the SDK's login treat 501 as "no app.bsky on this PDS").
        if environment.config.appViewURL == nil, xrpc.headers[HTTPField.Name("atproto-proxy")!] == nil {
            throw XRPCError.methodNotImplemented(nsid)
        }
        let auth = try environment.auth.access(xrpc)
        let target = try await ProxyTarget.choose(header: xrpc.headers[HTTPField.Name("atproto-proxy")!], environment: environment)
        guard let key = try await environment.keys.signingKey(did: auth.did) else {
            throw XRPCError.internalError("No signing key for \(auth.did)")
        }
        let now = AuthVerifier.now()
        let token = try ServiceJWT.sign(iss: auth.did, aud: target.did, lxm: nsid, iat: now, exp: now + 60, key: key)
        var headers = ["authorization": "Bearer \(token)"]
        for name in Self.forwardedRequestHeaders {
            if let value = xrpc.headers[HTTPField.Name(name)!] { headers[name] = value }
        }
        var urlText = target.url.trimmingSuffix("/") + "/xrpc/" + nsid
        if let rawQuery, !rawQuery.isEmpty { urlText += "?" + rawQuery }
        guard let url = URL(string: urlText) else { throw XRPCError.invalidRequest("Bad AppView URL: \(target.url)") }
        let answer: OutboundHTTP.Response
        do {
            answer = try await http.send(request.method == .post ? "POST" : "GET", url, headers: headers,
                                         body: request.method == .post ? xrpc.body : nil)
        } catch {
            xrpc.logger.warning("AppView unreachable", metadata: ["url": "\(url)", "error": "\(error)"])
            throw XRPCError(.badGateway, "UpstreamFailure", "AppView unreachable")
        }
        var out = HTTPFields()
        for name in Self.forwardedResponseHeaders {
            if let value = answer.headers[name] { out[HTTPField.Name(name)!] = value }
        }
        return Response(status: .init(code: answer.status), headers: out, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
