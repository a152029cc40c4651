import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The relay's one HTTP client (AppView proxy, crawler pings): Foundation's URLSession, so no second
/// TLS stack is linked. Answers carry status, headers and body; transport failures throw.
public struct OutboundHTTP: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: [UInt8]
    }

    public let timeout: TimeInterval

    public init(timeout: TimeInterval = 30) {
        self.timeout = timeout
    }

    public func send(_ method: String, _ url: URL, headers: [String: String] = [:], body: [UInt8]? = nil) async throws -> Response {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { fields[key.lowercased()] = value }
        }
        return Response(status: http.statusCode, headers: fields, body: Array(data))
    }
}
