import Foundation
import Protocol

/// Finds the account's signing key the way any atproto client would: from its DID document
/// (did:plc in the PLC directory, did:web at `https://host/.well-known/did.json`), so the desktop
/// checks the promotion CAR and every ack against the identity, not against what the relay says.
public struct AccountKeyResolver: Sendable {
    /// Overrides the directory the ticket names (`dpds device pair --plc-directory`).
    public var plcDirectory: String?
    let http = WalletHTTP()

    public init(plcDirectory: String? = nil) { self.plcDirectory = plcDirectory }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unresolvable(did: String, why: String)
        case noSigningKey(did: String)
        case mismatch(did: String, ticket: String, document: String)
        public var description: String {
            switch self {
            case .unresolvable(let did, let why): "cannot resolve the DID document of \(did): \(why)"
            case .noSigningKey(let did): "the DID document of \(did) has no #atproto signing key"
            case .mismatch(let did, let ticket, let document):
                "the relay's key for \(did) (\(ticket)) is not the one in its DID document (\(document)): refusing to pair with this relay"
            }
        }
    }

    /// Where the DID document lives; nil for a did:plc when neither we nor the ticket name a directory.
    func documentURL(did: String, ticketDirectory: String?) -> URL? {
        if did.hasPrefix("did:plc:") {
            guard let base = plcDirectory ?? ticketDirectory else { return nil }
            return URL(string: base.hasSuffix("/") ? base + did : base + "/" + did)
        }
        if did.hasPrefix("did:web:") {
            let host = String(did.dropFirst("did:web:".count)).replacingOccurrences(of: "%3A", with: ":")
            // Loopback over plain HTTP, as the reference implementations allow for local development.
            let scheme = host.hasPrefix("localhost") || host.hasPrefix("127.0.0.1") ? "http" : "https"
            return URL(string: "\(scheme)://\(host)/.well-known/did.json")
        }
        return nil
    }

    /// The resolved `#atproto` key as a did:key, checked against the ticket's when it names one.
    /// Nil when the relay publishes no documents (a local trial): the caller falls back to the ticket.
    public func signingKey(for ticket: PairingTicket) async throws(Failure) -> String? {
        guard let url = documentURL(did: ticket.did, ticketDirectory: ticket.plcDirectory) else {
            if ticket.did.hasPrefix("did:plc:") { return nil }
            throw .unresolvable(did: ticket.did, why: "unsupported DID method")
        }
        let response: WalletHTTP.Response
        do { response = try await http.send("GET", url) } catch { throw .unresolvable(did: ticket.did, why: "\(error)") }
        guard response.status == 200 else { throw .unresolvable(did: ticket.did, why: "\(url) answered \(response.status)") }
        let document: DIDDocument
        do { document = try DIDDocument(json: Array(response.body)) } catch { throw .unresolvable(did: ticket.did, why: "\(error)") }
        guard document.id == ticket.did else { throw .unresolvable(did: ticket.did, why: "the document is for \(document.id)") }
        guard let key = document.atprotoKey else { throw .noSigningKey(did: ticket.did) }
        let resolved = DIDKey.encode(key)
        if let claimed = ticket.signingKey, claimed != resolved {
            throw .mismatch(did: ticket.did, ticket: claimed, document: resolved)
        }
        return resolved
    }
}
