import Foundation
import Protocol

/// Resolves a DID to its document for everything that needs one (service auth, migration,
/// handle checks). did:plc: our own log in the embedded default, else the PLC directory;
/// did:web: `https://<host>/.well-known/did.json` (http for localhost, as in development).
public struct DIDResolver: Sendable {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unsupportedMethod(String)
        case notFound(String)
        case invalidDocument(String)

        public var description: String {
            switch self {
            case .unsupportedMethod(let did): return "unsupported DID method: \(did)"
            case .notFound(let did): return "could not resolve DID \(did)"
            case .invalidDocument(let why): return "invalid DID document: \(why)"
            }
        }
    }

    let accounts: AccountStore
    let directory: PLCDirectoryClient?
    let http: IdentityHTTP

    public init(accounts: AccountStore, directory: PLCDirectoryClient?, http: IdentityHTTP = IdentityHTTP()) {
        self.accounts = accounts
        self.directory = directory
        self.http = http
    }

    public func resolve(_ did: String) async throws -> DIDDocument {
        let document: DIDDocument
        if did.hasPrefix("did:plc:") {
            document = try await resolvePLC(did)
        } else if did.hasPrefix("did:web:") {
            document = try await resolveWeb(did)
        } else {
            throw Failure.unsupportedMethod(did)
        }
        guard document.id == did else { throw Failure.invalidDocument("document id \(document.id) is not \(did)") }
        return document
    }

    private func resolvePLC(_ did: String) async throws -> DIDDocument {
        if let directory {
            do { return try await directory.document(did: did) } catch PLCDirectoryClient.Failure.notFound { throw Failure.notFound(did) }
        }
        let ops = try await accounts.plcOps(did: did)
        guard !ops.isEmpty, let state = try PLCLog.verify(did: did, ops: ops) else { throw Failure.notFound(did) }
        return DIDDocument(did: did, state: state)
    }

    private func resolveWeb(_ did: String) async throws -> DIDDocument {
        guard let url = Self.webDocumentURL(did) else { throw Failure.invalidDocument("unusable did:web \(did)") }
        let response = try await http.get(url)
        guard response.status == 200 else { throw Failure.notFound(did) }
        return try DIDDocument(json: response.body)
    }

    /// atproto allows only host-level did:web (no path); a port is percent-encoded (`%3A`).
    static func webDocumentURL(_ did: String) -> String? {
        let id = did.dropFirst("did:web:".count)
        guard !id.isEmpty, !id.contains(":"), let host = id.removingPercentEncoding else { return nil }
        let name = host.split(separator: ":").first.map(String.init) ?? host
        let scheme = ["localhost", "127.0.0.1"].contains(name) ? "http" : "https"
        return "\(scheme)://\(host)/.well-known/did.json"
    }
}
