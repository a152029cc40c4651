import Foundation
import Protocol
@testable import Relay

/// XRPC over real loopback HTTP for Swift-side tests (the SDK scenarios use the Python client).
struct RelayTestClient: Sendable {
    let base: String
    var token: String?
    let http = OutboundHTTP(timeout: 120)

    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]
        var json: [String: DataValue] { (try? DataModelJSON.decode(body))?.mapValue ?? [:] }
        var error: String? { json["error"]?.stringValue }
    }

    func query(_ nsid: String, _ params: [(String, String)] = [], headers: [String: String] = [:]) async throws -> Answer {
        var components = URLComponents(string: "\(base)/xrpc/\(nsid)")!
        if !params.isEmpty { components.queryItems = params.map { URLQueryItem(name: $0.0, value: $0.1) } }
        return try await send("GET", components.url!, headers: headers, body: nil)
    }

    func procedure(_ nsid: String, _ input: DataValue, headers: [String: String] = [:]) async throws -> Answer {
        var h = headers
        h["content-type"] = "application/json"
        return try await send("POST", URL(string: "\(base)/xrpc/\(nsid)")!, headers: h, body: DataModelJSON.encode(input))
    }

    func upload(_ bytes: [UInt8], mimeType: String) async throws -> Answer {
        try await send("POST", URL(string: "\(base)/xrpc/com.atproto.repo.uploadBlob")!, headers: ["content-type": mimeType], body: bytes)
    }

    private func send(_ method: String, _ url: URL, headers: [String: String], body: [UInt8]?) async throws -> Answer {
        var h = headers
        if let token, h["authorization"] == nil { h["authorization"] = "Bearer \(token)" }
        let r = try await http.send(method, url, headers: h, body: body)
        return Answer(status: r.status, headers: r.headers, body: r.body)
    }

    /// Creates an account and returns a client logged in as it, with its DID.
    func createAccount(_ handle: String) async throws -> (RelayTestClient, String) {
        let r = try await procedure("com.atproto.server.createAccount",
                                    .map(["handle": .string(handle), "password": .string("pw-\(handle)")]))
        guard let did = r.json["did"]?.stringValue, let jwt = r.json["accessJwt"]?.stringValue else {
            throw HarnessError.badPeerOutput(String(decoding: r.body, as: UTF8.self))
        }
        var logged = self
        logged.token = jwt
        return (logged, did)
    }
}

extension RelayHarness {
    var client: RelayTestClient { RelayTestClient(base: baseURL) }
}
