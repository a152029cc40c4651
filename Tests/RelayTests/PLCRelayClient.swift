import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Protocol

/// Minimal XRPC calls for the identity tests: JSON in, data-model JSON out, bearer auth.
struct PLCRelayClient {
    let baseURL: String

    struct Failure: Error, CustomStringConvertible {
        let status: Int
        let body: String
        var description: String { "HTTP \(status): \(body)" }
    }

    func call(_ nsid: String, post body: DataValue? = nil, query: String = "", token: String? = nil) async throws -> DataValue {
        let (status, data) = try await raw("\(baseURL)/xrpc/\(nsid)\(query.isEmpty ? "" : "?" + query)",
                                           body: body.map { Data(DataModelJSON.encode($0)) }, token: token)
        guard status == 200 else { throw Failure(status: status, body: String(decoding: data, as: UTF8.self)) }
        return data.isEmpty ? .null : try DataModelJSON.decode(Array(data))
    }

    func raw(_ url: String, body: Data? = nil, token: String? = nil, contentType: String = "application/json") async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        if let body {
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func createAccount(handle: String, recoveryKey: String? = nil, did: String? = nil, auth: String? = nil) async throws -> (did: String, token: String) {
        var input: [String: DataValue] = ["handle": .string(handle), "password": .string("hunter22"),
                                          "email": .string(handle + "@example.com")]
        if let recoveryKey { input["recoveryKey"] = .string(recoveryKey) }
        if let did { input["did"] = .string(did) }
        let out = try await call("com.atproto.server.createAccount", post: .map(input), token: auth)
        return (out["did"]!.stringValue!, out["accessJwt"]!.stringValue!)
    }
}
