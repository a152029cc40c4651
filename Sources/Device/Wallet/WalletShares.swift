import Keys
import Protocol

/// The split and the join of the root rotation key, with dpds's fixed parameters: one group,
/// 2 of 3 members, empty SLIP-0039 passphrase, iteration exponent 1 (see spec/key-recovery.md).
public enum WalletShares {
    public static let threshold = 2
    public static let count = 3
    public static let iterationExponent = 1

    public struct Split: Sendable {
        public let shares: [SLIP39Share]
    }

    /// Splits and immediately checks that two of the new shares give the key back.
    public static func split(_ key: K256SigningKey) throws(WalletError) -> Split {
        do {
            let shares = try SLIP39.split(secret: SecretBytes(key.rawRepresentation), threshold: threshold, count: count,
                                          iterationExponent: iterationExponent)
            let back = try SLIP39.combine(shares: [shares[0], shares[2]])
            guard back == SecretBytes(key.rawRepresentation) else { throw WalletError.shares("split did not verify") }
            return Split(shares: shares)
        } catch let error as WalletError {
            throw error
        } catch {
            throw .shares("cannot split the rotation key: \(error)")
        }
    }

    /// Joins two shares (as words) and checks the result is the expected rotation key.
    public static func join(_ mnemonics: [SecretBytes], expected didKey: String?) throws(WalletError) -> K256SigningKey {
        guard mnemonics.count >= threshold else { throw .shares("\(mnemonics.count) share(s) available; 2 are needed") }
        let words = mnemonics.prefix(threshold).map { String(decoding: $0.bytes, as: UTF8.self) }
        let secret: SecretBytes
        do { secret = try SLIP39.combine(mnemonics: Array(words)) } catch { throw .shares("the shares do not combine: \(error)") }
        let key: K256SigningKey
        do { key = try K256SigningKey(rawRepresentation: secret.bytes) } catch { throw .shares("the shares combine to an invalid key") }
        if let expected = didKey, key.publicKey.didKey != expected {
            throw .shares("the shares combine to \(key.publicKey.didKey), not the wallet's rotation key \(expected)")
        }
        return key
    }
}
