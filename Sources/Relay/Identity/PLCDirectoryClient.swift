import Foundation
import Protocol

/// Talks to the PLC directory at `PDS_DID_PLC_URL`: publish an op, read a DID's document or last op.
public struct PLCDirectoryClient: Sendable {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The directory answered 4xx/5xx; `message` is its explanation.
        case refused(status: Int, message: String)
        case notFound(String)
        case unreadable(String)

        public var description: String {
            switch self {
            case .refused(let status, let message): return "PLC directory refused the operation (\(status)): \(message)"
            case .notFound(let did): return "PLC directory has no DID \(did)"
            case .unreadable(let why): return "PLC directory answer unreadable: \(why)"
            }
        }
    }

    public let baseURL: String
    let http: IdentityHTTP

    /// 30 s rather than the 10 s of other identity lookups: a genesis that does not reach the
    /// directory fails createAccount, and a busy directory (or a loaded 2-core test box) can take
    /// more than 10 s to answer.
    public init(baseURL: String, http: IdentityHTTP = IdentityHTTP(timeout: 30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
    }

    public func submit(did: String, _ op: PLCSignedOperation) async throws {
        let response = try await http.postJSON("\(baseURL)/\(did)", Array(op.json.utf8))
        guard (200..<300).contains(response.status) else {
            let message = (try? DataModelJSON.decode(response.body))?["message"]?.stringValue
                ?? String(decoding: response.body.prefix(500), as: UTF8.self)
            throw Failure.refused(status: response.status, message: message)
        }
    }

    public func document(did: String) async throws -> DIDDocument {
        try DIDDocument(json: try await fetch("\(baseURL)/\(did)", did: did))
    }

    public func lastOp(did: String) async throws -> PLCSignedOperation {
        try PLCSignedOperation(json: try await fetch("\(baseURL)/\(did)/log/last", did: did))
    }

    /// The DID's current chain (nullified ops left out), oldest first.
    public func log(did: String) async throws -> [PLCSignedOperation] {
        guard case .array(let ops)? = try? DataModelJSON.decode(try await fetch("\(baseURL)/\(did)/log", did: did)) else {
            throw Failure.unreadable("log of \(did) is not a JSON array")
        }
        return try ops.map { try PLCSignedOperation(dataValue: $0) }
    }

    private func fetch(_ url: String, did: String) async throws -> [UInt8] {
        let response = try await http.get(url)
        if response.status == 404 || response.status == 410 { throw Failure.notFound(did) }
        guard response.status == 200 else { throw Failure.unreadable("status \(response.status) from \(url)") }
        return response.body
    }
}
