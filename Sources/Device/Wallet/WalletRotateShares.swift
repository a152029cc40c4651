import Foundation
import Keys
import Protocol

/// Replaces all three shares of the current rotation key with a fresh set (new SLIP-0039
/// identifier): old shares no longer combine with new ones. Needs two current shares.
public enum WalletResplit {
    public struct Output: Sendable {
        public let paperWords: SecretBytes?
    }

    /// Splits `key`, stores share 1, escrows share 2 at `relay` (replacing what it held), writes or
    /// returns share 3, and records the new set in the wallet state.
    static func install(_ key: K256SigningKey, session: inout WalletSession, escrow client: WalletXRPC,
                        shareThree: WalletCreate.ShareThreeOutput) async throws(WalletError) -> Output {
        let split = try WalletShares.split(key)
        let escrowed = try await client.procedure("app.dpds.escrow.putShare",
                                                  ["share": String(decoding: split.shares[1].mnemonic.bytes, as: UTF8.self)])
        try session.vault.put(split.shares[0].mnemonic, WalletVault.shareName)
        let now = WalletClock.now()
        let (third, paperWords) = try ShareThree.deliver(split.shares[2], to: shareThree, did: session.state.did, now: now,
                                                         printedLocation: "printed at \(now)")
        session.state.rotationKey = key.publicKey.didKey
        session.state.shareSet = split.shares[0].identifier
        session.state.relay = client.base.absoluteString
        session.state.shares = [
            .init(number: 1, place: "wallet", location: "\(session.directory)/keys", createdAt: now, lastVerified: now),
            .init(number: 2, place: "escrow", location: "\(client.base.absoluteString) (\(escrowed["shareId"] as? String ?? "?"))",
                  createdAt: now, lastVerified: now),
            third,
        ]
        try session.save()
        return Output(paperWords: paperWords)
    }

    public static func rotate(_ session: inout WalletSession, using sources: ShareCollection,
                              shareThree: WalletCreate.ShareThreeOutput) async throws(WalletError) -> Output {
        let key = try WalletShares.join(try await sources.collect(session), expected: session.state.rotationKey)
        return try await install(key, session: &session, escrow: try await session.login(), shareThree: shareThree)
    }
}
