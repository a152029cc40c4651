import Foundation

/// What the account holder carries from the relay to the desktop (spec section 4.5): where the
/// relay's tunnel listens and whom it proves to be, the account, and the single-use pairing token.
/// Text form: `dpds-pair:` + unpadded base64url of a small JSON object, one line, QR-friendly.
public struct PairingTicket: Hashable, Sendable, Codable {
    public static let prefix = "dpds-pair:"

    /// The relay's endpoint id (64 hex characters).
    public var endpointID: String
    /// `host:port` UDP addresses of the relay's tunnel, tried in order.
    public var addresses: [String]
    public var alpn: String
    public var did: String
    /// The pairing token of `hello.pairingToken` (spec 4.2).
    public var token: String
    /// Unix seconds after which the relay refuses the token.
    public var expiresAt: Int
    /// The account's atproto signing key (did:key) as the relay holds it: what the desktop checks
    /// the promotion CAR and every ack against, unless it resolves the DID document itself.
    public var signingKey: String?
    /// The PLC directory the relay publishes did:plc documents to, where the desktop resolves the
    /// account's DID document (absent: the relay publishes none, as in a local trial).
    public var plcDirectory: String?

    public init(endpointID: String, addresses: [String], alpn: String = DeviceRelayProtocol.alpn, did: String,
                token: String, expiresAt: Int, signingKey: String? = nil, plcDirectory: String? = nil) {
        self.endpointID = endpointID
        self.addresses = addresses
        self.alpn = alpn
        self.did = did
        self.token = token
        self.expiresAt = expiresAt
        self.signingKey = signingKey
        self.plcDirectory = plcDirectory
    }

    enum CodingKeys: String, CodingKey {
        case endpointID = "e", addresses = "a", alpn = "p", did = "d", token = "s", expiresAt = "x", signingKey = "k", plcDirectory = "c"
    }

    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        case notATicket
        case malformed
        public var description: String {
            switch self {
            case .notATicket: "not a dpds pairing ticket (it starts with \(PairingTicket.prefix))"
            case .malformed: "the pairing ticket is damaged: copy it again"
            }
        }
    }

    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(self)) ?? Data()
        return Self.prefix + Base64.encode(Array(json), url: true, padded: false)
    }

    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix) else { throw .notATicket }
        guard let bytes = try? Base64.decode(trimmed.dropFirst(Self.prefix.count), url: true),
              let ticket = try? JSONDecoder().decode(PairingTicket.self, from: Data(bytes)),
              ticket.endpointID.utf8.count == 64, !ticket.addresses.isEmpty, !ticket.token.isEmpty
        else { throw .malformed }
        self = ticket
    }

    /// A fresh token: 128 bits from the system CSPRNG, base64url (22 characters).
    public static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64.encode(bytes, url: true, padded: false)
    }
}
