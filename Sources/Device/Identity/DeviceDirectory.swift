import Foundation
import Protocol
import Tunnel

/// The desktop's data directory: `device.key` (Ed25519, 0600: the tunnel identity the relay knows
/// it by), `pairing.json` (which relay, which account, its signing key), `repo.sqlite` (the
/// authoritative repo), `blobs/` and `outbox/` (local writes waiting for the relay).
public struct DeviceDirectory: Sendable {
    public let url: URL

    public init(path: String) throws {
        url = URL(fileURLWithPath: path, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    public var keyPath: String { url.appendingPathComponent("device.key").path }
    public var repoPath: String { url.appendingPathComponent("repo.sqlite").path }
    public var blobs: URL { url.appendingPathComponent("blobs", isDirectory: true) }
    public var outbox: URL { url.appendingPathComponent("outbox", isDirectory: true) }
    var pairingPath: String { url.appendingPathComponent("pairing.json").path }
    var lockPath: String { url.appendingPathComponent("daemon.lock").path }

    public func secretKey() throws -> SecretKey { try SecretKey.loadOrCreate(path: keyPath) }

    public func pairing() throws -> DevicePairing? {
        guard let data = FileManager.default.contents(atPath: pairingPath) else { return nil }
        return try JSONDecoder().decode(DevicePairing.self, from: data)
    }

    func save(_ pairing: DevicePairing) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(pairing).write(to: URL(fileURLWithPath: pairingPath), options: .atomic)
    }
}

/// What the desktop remembers of its relay after pairing.
public struct DevicePairing: Codable, Sendable, Equatable {
    public var did: String
    public var relayEndpointID: String
    public var relayAddresses: [String]
    public var alpn: String
    /// The account's atproto signing key (did:key) that acks must verify against (spec 6.4).
    public var signingKey: String
    /// True once the relay confirmed the switch: this desktop is authoritative.
    public var authoritative: Bool
}
