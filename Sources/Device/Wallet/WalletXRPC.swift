import Foundation

/// XRPC calls to one relay, as the wallet makes them. JSON in, JSON out; errors keep the
/// lexicon's error name so ceremonies (and tests) can branch on it.
public struct WalletXRPC: Sendable {
    public let base: URL
    public var accessToken: String?
    private let http = WalletHTTP()

    public init(base: URL, accessToken: String? = nil) {
        self.base = base
        self.accessToken = accessToken
    }

    private func url(_ nsid: String, _ query: [String: String]) -> URL {
        var components = URLComponents(url: base.appendingPathComponent("xrpc/\(nsid)"), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) } }
        return components.url!
    }

    private var authHeaders: [String: String] { accessToken.map { ["Authorization": "Bearer \($0)"] } ?? [:] }

    public func raw(_ nsid: String, query: [String: String] = [:], post body: Data? = nil, isProcedure: Bool = false,
                    contentType: String = "application/json") async throws(WalletError) -> Data {
        let response = try await http.send(isProcedure || body != nil ? "POST" : "GET", url(nsid, query), body: body,
                                           contentType: contentType, headers: authHeaders)
        guard response.status == 200 else {
            let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
            throw .xrpc(nsid: nsid, status: response.status, error: object?["error"] as? String ?? "Unknown",
                        message: object?["message"] as? String ?? String(decoding: response.body.prefix(200), as: UTF8.self))
        }
        return response.body
    }

    public func query(_ nsid: String, _ params: [String: String] = [:]) async throws(WalletError) -> [String: Any] {
        try Self.object(try await raw(nsid, query: params), nsid)
    }

    public func procedure(_ nsid: String, _ input: [String: Any]? = nil) async throws(WalletError) -> [String: Any] {
        let body = try input.map { (value) throws(WalletError) -> Data in
            guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else {
                throw .usage("cannot encode input of \(nsid)")
            }
            return data
        }
        let data = try await raw(nsid, post: body ?? Data(), isProcedure: true)
        return data.isEmpty ? [:] : try Self.object(data, nsid)
    }

    static func object(_ data: Data, _ nsid: String) throws(WalletError) -> [String: Any] {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .badResponse("\(nsid) did not return a JSON object")
        }
        return object
    }

    /// Logs in and returns a client carrying the access token.
    public func login(identifier: String, password: String) async throws(WalletError) -> (WalletXRPC, did: String) {
        let session = try await procedure("com.atproto.server.createSession", ["identifier": identifier, "password": password])
        guard let token = session["accessJwt"] as? String, let did = session["did"] as? String else {
            throw .badResponse("createSession without accessJwt/did")
        }
        return (WalletXRPC(base: base, accessToken: token), did)
    }
}
