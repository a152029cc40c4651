import Foundation

/// `<wallet dir>/wallet.json`: what the wallet knows that is not secret (the account, where each
/// share lives, when each was last checked). Secrets live in `<wallet dir>/keys/` (a FileKeyStore).
public struct WalletState: Codable, Sendable, Equatable {
    public var did: String
    public var handle: String
    public var relay: String
    public var plc: String?
    /// Public half of the current root rotation key (did:key); recovered keys are checked against it.
    public var rotationKey: String
    /// SLIP-0039 identifier shared by the current set of three shares.
    public var shareSet: Int
    public var shares: [ShareRecord]

    public struct ShareRecord: Codable, Sendable, Equatable {
        public var number: Int
        /// `wallet`, `escrow`, `paper` or `file`.
        public var place: String
        public var location: String
        public var createdAt: String
        public var lastVerified: String?
    }

    static func path(_ directory: String) -> String { (directory as NSString).appendingPathComponent("wallet.json") }

    public static func load(directory: String) throws(WalletError) -> WalletState {
        guard let data = FileManager.default.contents(atPath: path(directory)) else { throw .notInitialized(directory) }
        guard let state = try? JSONDecoder().decode(WalletState.self, from: data) else {
            throw .badResponse("\(path(directory)) is not a wallet state file")
        }
        return state
    }

    public func save(directory: String) throws(WalletError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { throw .badResponse("cannot encode wallet state") }
        let url = URL(fileURLWithPath: Self.path(directory))
        do {
            try data.write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        } catch {
            throw .usage("cannot write \(url.path): \(error.localizedDescription)")
        }
    }
}

enum WalletClock {
    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}
