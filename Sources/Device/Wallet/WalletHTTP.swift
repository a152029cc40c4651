import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The wallet's one HTTP client (XRPC calls to relays, PLC directory requests), over URLSession.
public struct WalletHTTP: Sendable {
    public init() {}

    public struct Response: Sendable {
        public let status: Int
        public let body: Data
    }

    public func send(_ method: String, _ url: URL, body: Data? = nil, contentType: String = "application/json",
                     headers: [String: String] = [:]) async throws(WalletError) -> Response {
        var request = URLRequest(url: url, timeoutInterval: 120)
        request.httpMethod = method
        request.setValue("dpds-wallet", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        do {
            let (data, response) = try await session.data(for: request)
            return Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
        } catch {
            throw .unreachable(url.absoluteString, error.localizedDescription)
        }
    }
}

/// Every way a wallet ceremony can fail, phrased for the person running it; never carries secrets.
public enum WalletError: Error, Equatable, CustomStringConvertible {
    case unreachable(String, String)
    case xrpc(nsid: String, status: Int, error: String, message: String)
    case badResponse(String)
    case usage(String)
    case notInitialized(String)
    case alreadyInitialized(String)
    case shares(String)
    case plc(String)

    public var description: String {
        switch self {
        case .unreachable(let url, let why): return "cannot reach \(url): \(why)"
        case .xrpc(let nsid, let status, let error, let message): return "\(nsid) failed (\(status) \(error)): \(message)"
        case .badResponse(let what): return "unexpected response: \(what)"
        case .usage(let what): return what
        case .notInitialized(let dir): return "no wallet in \(dir) (run `dpds wallet create` first)"
        case .alreadyInitialized(let dir): return "a wallet already exists in \(dir)"
        case .shares(let what): return what
        case .plc(let what): return "PLC directory: \(what)"
        }
    }
}
