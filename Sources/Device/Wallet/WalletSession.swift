import Foundation
import Keys

/// An opened wallet: its state, its vault, and logged-in clients for its relay.
public struct WalletSession: Sendable {
    public let directory: String
    public var state: WalletState
    public let vault: WalletVault

    public init(directory: String, walletPassphrase: SecretBytes?) throws(WalletError) {
        self.directory = directory
        state = try WalletState.load(directory: directory)
        vault = try WalletVault(directory: directory, passphrase: walletPassphrase)
    }

    /// Logs in at `relay` (default: the wallet's) with the stored password, or `password` if given.
    public func login(relay: URL? = nil, password: SecretBytes? = nil) async throws(WalletError) -> WalletXRPC {
        var base = relay
        if base == nil { base = try url(state.relay) }
        var password = password
        if password == nil { password = try vault.get(WalletVault.passwordName) }
        guard let base, let password else {
            throw .usage("no account password stored in the wallet; pass --password-file")
        }
        return try await WalletXRPC(base: base).login(identifier: state.did, password: String(decoding: password.bytes, as: UTF8.self)).0
    }

    public func save() throws(WalletError) { try state.save(directory: directory) }

    func url(_ string: String) throws(WalletError) -> URL {
        guard let url = URL(string: string), url.scheme != nil else { throw .usage("not a URL: \(string)") }
        return url
    }

    /// The escrow audit log, oldest first, plus the share and any release pending.
    public func escrowLog() async throws(WalletError) -> [String: Any] {
        try await login().query("app.dpds.escrow.getLog")
    }

    /// Which shares exist and when each was last verified; `verify` re-checks the wallet share
    /// (it parses and belongs to the current set) and the escrow's (the relay still holds that set's share).
    public mutating func shares(verify: Bool) async throws(WalletError) -> [WalletState.ShareRecord] {
        guard verify else { return state.shares }
        let now = WalletClock.now()
        if let words = try vault.get(WalletVault.shareName),
           let share = try? SLIP39Share.parse(String(decoding: words.bytes, as: UTF8.self)),
           share.identifier == state.shareSet,
           let i = state.shares.firstIndex(where: { $0.place == "wallet" }) {
            state.shares[i].lastVerified = now
        }
        if let log = try? await escrowLog(), let share = log["share"] as? [String: Any],
           let id = share["shareId"] as? String, id.hasPrefix("\(state.shareSet)-"),
           let i = state.shares.firstIndex(where: { $0.place == "escrow" }) {
            state.shares[i].lastVerified = now
        }
        try save()
        return state.shares
    }
}
