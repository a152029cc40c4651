import Crypto
import Foundation
import Testing
@testable import Protocol

@Suite struct CryptoRoundTripTests {
    static let k256Order = CryptoTestHelpers.hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")!
    static let k256HalfOrder = CryptoTestHelpers.hex("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!

    static func makeKeys() -> [any SigningKey] { [K256SigningKey(), P256SigningKey()] }

    static func order(_ curve: KeyCurve) -> (n: [UInt8], half: [UInt8]) {
        switch curve {
        case .k256: return (k256Order, k256HalfOrder)
        case .p256: return (P256Order.n, P256Order.halfN)
        }
    }

    /// n - s for 32-byte big-endian values.
    static func negate(_ s: ArraySlice<UInt8>, modulo n: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var d = Int(n[i]) - Int(s[s.startIndex + i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            out[i] = UInt8(d)
        }
        return out
    }

    static func lessOrEqual(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x < y }
        return true
    }

    @Test(arguments: [KeyCurve.k256, .p256])
    func signVerifyRoundTrip(curve: KeyCurve) throws {
        let key: any SigningKey = curve == .k256 ? K256SigningKey() : P256SigningKey()
        let message = Array("hello atproto".utf8)
        let signature = try key.sign(message)
        #expect(signature.count == 64)
        #expect(key.publicKey.verify(signature: signature, for: message))
        #expect(!key.publicKey.verify(signature: signature, for: message + [0]))
        var tampered = signature
        tampered[10] ^= 1
        #expect(!key.publicKey.verify(signature: tampered, for: message))
        #expect(!key.publicKey.verify(signature: Array(signature.prefix(63)), for: message))
        #expect(!key.publicKey.verify(signature: [UInt8](repeating: 0, count: 64), for: message))
        let other: any SigningKey = curve == .k256 ? K256SigningKey() : P256SigningKey()
        #expect(!other.publicKey.verify(signature: signature, for: message))
    }

    @Test(arguments: [KeyCurve.k256, .p256])
    func alwaysLowSAndHighSRejected(curve: KeyCurve) throws {
        let key: any SigningKey = curve == .k256 ? K256SigningKey() : P256SigningKey()
        let (n, half) = Self.order(curve)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<300 {
            let message = (0..<(i % 64)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let signature = try key.sign(message)
            #expect(Self.lessOrEqual(signature[32...], half), "high S emitted for message #\(i)")
            // The same signature with s -> n - s is mathematically valid ECDSA; atproto rejects it.
            let highS = Array(signature[..<32]) + Self.negate(signature[32...], modulo: n)
            #expect(!Self.lessOrEqual(highS[32...], half))
            #expect(!key.publicKey.verify(signature: highS, for: message))
            #expect(key.publicKey.verify(signature: signature, for: message))
        }
    }

    @Test func p256DERSignatureRejected() throws {
        let privateKey = P256.Signing.PrivateKey()
        let message = Array("der".utf8)
        let der = Array(try privateKey.signature(for: message).derRepresentation)
        let key = try P256PublicKey(compressed: Array(privateKey.publicKey.compressedRepresentation))
        #expect(!key.verify(signature: der, for: message))
    }

    @Test func p256NormalizationMatchesSwiftCryptoSignatures() throws {
        // swift-crypto emits high S about half the time; ours must still verify after normalizing.
        let key = P256SigningKey()
        let swiftKey = try P256.Signing.PrivateKey(rawRepresentation: key.rawRepresentation)
        var sawHigh = false
        for i in 0..<64 {
            let message = Array("m\(i)".utf8)
            var raw = Array(try swiftKey.signature(for: message).rawRepresentation)
            if !P256Order.isLowS(raw[32...]) {
                sawHigh = true
                #expect(!key.publicKey.verify(signature: raw, for: message))
            }
            P256Order.normalizeLowS(&raw)
            #expect(key.publicKey.verify(signature: raw, for: message))
        }
        #expect(sawHigh)
    }

    @Test(arguments: [KeyCurve.k256, .p256])
    func rawRepresentationRoundTrip(curve: KeyCurve) throws {
        let key: any SigningKey = curve == .k256 ? K256SigningKey() : P256SigningKey()
        #expect(key.rawRepresentation.count == 32)
        let again: any SigningKey = curve == .k256
            ? try K256SigningKey(rawRepresentation: key.rawRepresentation)
            : try P256SigningKey(rawRepresentation: key.rawRepresentation)
        #expect(again.publicKey.compressed == key.publicKey.compressed)
        #expect(key.publicKey.compressed.count == 33)
    }

    @Test func invalidPrivateKeysThrow() {
        let bad: [[UInt8]] = [[], [UInt8](repeating: 1, count: 31), [UInt8](repeating: 0, count: 32),
                              [UInt8](repeating: 0xff, count: 32), [UInt8](repeating: 1, count: 33)]
        for bytes in bad {
            #expect(throws: KeyError.self) { try K256SigningKey(rawRepresentation: bytes) }
            #expect(throws: KeyError.self) { try P256SigningKey(rawRepresentation: bytes) }
        }
        #expect(throws: KeyError.self) { try K256SigningKey(rawRepresentation: Self.k256Order) }
        #expect(throws: KeyError.self) { try P256SigningKey(rawRepresentation: P256Order.n) }
    }

    @Test func invalidPublicKeysThrow() {
        let bad: [[UInt8]] = [[], [0x02], [UInt8](repeating: 2, count: 32), [0x04] + [UInt8](repeating: 1, count: 64),
                              [0x05] + [UInt8](repeating: 1, count: 32)]
        for bytes in bad {
            #expect(throws: KeyError.self) { try K256PublicKey(compressed: bytes) }
            #expect(throws: KeyError.self) { try P256PublicKey(compressed: bytes) }
        }
    }

    @Test(arguments: [KeyCurve.k256, .p256])
    func descriptionsRedactSecret(curve: KeyCurve) {
        let key: any SigningKey = curve == .k256 ? K256SigningKey() : P256SigningKey()
        let secretHex = key.rawRepresentation.map { String(format: "%02x", $0) }.joined()
        let secretList = "\(key.rawRepresentation)"
        var dumped = ""
        dump(key, to: &dumped)
        for text in [String(describing: key), String(reflecting: key), "\(key)", dumped] {
            #expect(!text.lowercased().contains(secretHex))
            #expect(!text.contains(secretList))
            #expect(!text.contains(Base58.encode(key.rawRepresentation)))
            #expect(text.contains(key.publicKey.didKey))
        }
    }
}
