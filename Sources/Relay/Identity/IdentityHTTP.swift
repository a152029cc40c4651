import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The relay's one outbound HTTP client for identity (PLC directory, did:web, handle
/// `.well-known`): URLSession with bounded time and size, no cookies, no caching.
public struct IdentityHTTP: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let body: [UInt8]
    }

    public enum Failure: Error, CustomStringConvertible {
        case badURL(String)
        case transport(String, String)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .badURL(let u): return "bad URL: \(u)"
            case .transport(let u, let why): return "request to \(u) failed: \(why)"
            case .tooLarge(let u): return "response from \(u) is too large"
            }
        }
    }

    let timeout: TimeInterval
    let maxBody: Int

    public init(timeout: TimeInterval = 10, maxBody: Int = 1 << 20) {
        self.timeout = timeout
        self.maxBody = maxBody
    }

    public func get(_ url: String) async throws -> Response {
        try await send(url, method: "GET", body: nil)
    }

    public func postJSON(_ url: String, _ body: [UInt8]) async throws -> Response {
        try await send(url, method: "POST", body: body)
    }

    private func send(_ urlString: String, method: String, body: [UInt8]?) async throws -> Response {
        guard let url = URL(string: urlString), url.scheme == "http" || url.scheme == "https" else {
            throw Failure.badURL(urlString)
        }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpShouldHandleCookies = false
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw Failure.transport(urlString, "\(error.localizedDescription)")
        }
        guard data.count <= maxBody else { throw Failure.tooLarge(urlString) }
        return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: Array(data))
    }
}
