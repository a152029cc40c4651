import Foundation
import Keys
import Protocol

/// Onboarding: the wallet makes the root rotation key, has the relay create the account with that
/// key first in the genesis `rotationKeys`, and splits the key 2-of-3 straight away. The key is
/// never written anywhere: only the three shares leave this function.
public struct WalletCreate: Sendable {
    public enum ShareThreeOutput: Sendable { case paper(path: String?), file(path: String) }

    public var relay: URL
    public var handle: String
    public var email: String?
    public var password: SecretBytes?
    public var shareThree: ShareThreeOutput
    public var directory: String
    public var walletPassphrase: SecretBytes?

    public init(relay: URL, handle: String, email: String? = nil, password: SecretBytes? = nil,
                shareThree: ShareThreeOutput = .paper(path: nil), directory: String, walletPassphrase: SecretBytes? = nil) {
        self.relay = relay
        self.handle = handle
        self.email = email
        self.password = password
        self.shareThree = shareThree
        self.directory = directory
        self.walletPassphrase = walletPassphrase
    }

    public struct Result: Sendable {
        public let state: WalletState
        /// The paper words when they go to standard output (the caller prints them, once).
        public let paperWords: SecretBytes?
    }

    public func run() async throws(WalletError) -> Result {
        guard (try? WalletState.load(directory: directory)) == nil else { throw .alreadyInitialized(directory) }
        let vault = try WalletVault(directory: directory, passphrase: walletPassphrase)
        let password = password ?? SecretBytes(Array(WalletPasswords.generate().utf8))
        let rotationKey = K256SigningKey()
        let rotationDidKey = rotationKey.publicKey.didKey

        var input: [String: Any] = ["handle": handle, "password": String(decoding: password.bytes, as: UTF8.self),
                                    "recoveryKey": rotationDidKey]
        if let email { input["email"] = email }
        let created = try await WalletXRPC(base: relay).procedure("com.atproto.server.createAccount", input)
        guard let did = created["did"] as? String, let token = created["accessJwt"] as? String else {
            throw .badResponse("createAccount without did/accessJwt")
        }
        let split = try WalletShares.split(rotationKey)
        try vault.put(password, WalletVault.passwordName)
        try vault.put(split.shares[0].mnemonic, WalletVault.shareName)
        let escrowed = try await WalletXRPC(base: relay, accessToken: token)
            .procedure("app.dpds.escrow.putShare", ["share": String(decoding: split.shares[1].mnemonic.bytes, as: UTF8.self)])
        let now = WalletClock.now()
        let (third, paperWords) = try ShareThree.deliver(split.shares[2], to: shareThree, did: did, now: now,
                                                         printedLocation: "printed at creation")
        let state = WalletState(
            did: did, handle: created["handle"] as? String ?? handle, relay: relay.absoluteString, plc: nil,
            rotationKey: rotationDidKey, shareSet: split.shares[0].identifier,
            shares: [.init(number: 1, place: "wallet", location: "\(directory)/keys", createdAt: now, lastVerified: now),
                     .init(number: 2, place: "escrow", location: "\(relay.absoluteString) (\(escrowed["shareId"] as? String ?? "?"))",
                           createdAt: now, lastVerified: now),
                     third])
        try state.save(directory: directory)
        return Result(state: state, paperWords: paperWords)
    }
}

enum WalletPasswords {
    /// 24 random base32 characters (120 bits) for accounts created without a chosen password.
    static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        return String((0..<24).map { _ in alphabet[Int.random(in: 0..<32, using: &rng)] })
    }
}
