import Hummingbird
import Protocol

enum WellKnown {
    /// `/.well-known/atproto-did` for handles under our domains: the Host names the handle.
    static func atprotoDID(request: Request, environment: RelayEnvironment) async throws -> Response {
        let host = (request.head.authority ?? "").split(separator: ":").first.map(String.init) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        guard let account = try await environment.accounts.account(handle: host.lowercased()) else {
            return Response(status: .notFound, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "User not found")))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: account.did)))
    }
}

extension WellKnown {
    /// `/.well-known/did.json`: the relay's own service DID (`did:web:<hostname>`), naming this
    /// server as an atproto PDS so service-auth audiences and did:web lookups resolve.
    static func serviceDIDDocument(environment: RelayEnvironment) -> Response {
        let config = environment.config
        let doc = DIDDocument(context: ["https://www.w3.org/ns/did/v1"], id: config.serviceDID, alsoKnownAs: [],
                              verificationMethods: [],
                              services: [.init(id: "#atproto_pds", type: "AtprotoPersonalDataServer", serviceEndpoint: config.publicURL)])
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: doc.json)))
    }
}
