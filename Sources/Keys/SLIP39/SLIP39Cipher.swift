import Crypto
import _CryptoExtras

/// The 4-round Feistel network that encrypts the master secret under the passphrase before it is
/// split: PBKDF2-HMAC-SHA256 with (10000 << e) / 4 iterations per round.
enum SLIP39Cipher {
    static let baseIterations = 10_000
    static let rounds = 4

    private static func salt(identifier: Int, extendable: Bool) -> [UInt8] {
        extendable ? [] : Array("shamir".utf8) + [UInt8(identifier >> 8), UInt8(identifier & 0xFF)]
    }

    private static func roundFunction(_ i: Int, passphrase: [UInt8], exponent: Int, salt: [UInt8], r: [UInt8]) -> [UInt8] {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(
            from: [UInt8(i)] + passphrase, salt: salt + r, using: .sha256, outputByteCount: r.count,
            unsafeUncheckedRounds: (baseIterations << exponent) / rounds)
        // PBKDF2 fails only for impossible sizes; our sizes are fixed and checked by the caller.
        return key.map { k in k.withUnsafeBytes { [UInt8]($0) } } ?? [UInt8](repeating: 0, count: r.count)
    }

    static func encrypt(_ secret: [UInt8], passphrase: [UInt8], exponent: Int, identifier: Int, extendable: Bool) -> [UInt8] {
        feistel(secret, order: Array(0..<rounds), passphrase: passphrase, exponent: exponent,
                salt: salt(identifier: identifier, extendable: extendable))
    }

    static func decrypt(_ secret: [UInt8], passphrase: [UInt8], exponent: Int, identifier: Int, extendable: Bool) -> [UInt8] {
        feistel(secret, order: Array((0..<rounds).reversed()), passphrase: passphrase, exponent: exponent,
                salt: salt(identifier: identifier, extendable: extendable))
    }

    private static func feistel(_ input: [UInt8], order: [Int], passphrase: [UInt8], exponent: Int, salt: [UInt8]) -> [UInt8] {
        var l = Array(input[..<(input.count / 2)])
        var r = Array(input[(input.count / 2)...])
        for i in order {
            let f = roundFunction(i, passphrase: passphrase, exponent: exponent, salt: salt, r: r)
            (l, r) = (r, zip(l, f).map { $0 ^ $1 })
        }
        return r + l
    }
}
