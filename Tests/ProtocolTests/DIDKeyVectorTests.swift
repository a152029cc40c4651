import Foundation
import Testing
import TestSupport
@testable import Protocol

@Suite struct DIDKeyVectorTests {
    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func k256Vectors() throws {
        let vectors = try CryptoTestHelpers.jsonArray(InteropCorpus.data("crypto/w3c_didkey_K256.json"))
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let hex = try #require(vector["privateKeyBytesHex"] as? String)
            let did = try #require(vector["publicDidKey"] as? String)
            let secret = try #require(CryptoTestHelpers.hex(hex))
            try check(K256SigningKey(rawRepresentation: secret), did: did)
        }
        print("crypto/w3c_didkey_K256.json: \(vectors.count) vectors checked")
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func p256Vectors() throws {
        let vectors = try CryptoTestHelpers.jsonArray(InteropCorpus.data("crypto/w3c_didkey_P256.json"))
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let base58 = try #require(vector["privateKeyBytesBase58"] as? String)
            let did = try #require(vector["publicDidKey"] as? String)
            let secret = try #require(Base58.decode(base58))
            try check(P256SigningKey(rawRepresentation: secret), did: did)
        }
        print("crypto/w3c_didkey_P256.json: \(vectors.count) vectors checked")
    }

    private func check(_ key: any SigningKey, did: String) throws {
        #expect(key.publicKey.didKey == did)
        let parsed = try DIDKey.parse(did)
        #expect(parsed.curve == key.publicKey.curve)
        #expect(parsed.compressed == key.publicKey.compressed)
        #expect(DIDKey.encode(parsed) == did)
        let signature = try key.sign(Array("vector".utf8))
        #expect(parsed.verify(signature: signature, for: Array("vector".utf8)))
    }

    @Test func rejectsMalformedDIDKeys() throws {
        let k256 = K256SigningKey().publicKey.didKey
        let cases: [(String, DIDKey.ParseError)] = [
            ("did:web:example.com", .notDIDKey),
            ("did:key:", .unsupportedMultibase(nil)),
            ("did:key:" + "u" + k256.dropFirst(9), .unsupportedMultibase("u")),
            ("did:key:z0OIl", .invalidBase58),
            ("did:key:z" + Base58.encode([0xed, 0x01] + [UInt8](repeating: 1, count: 32)), .unsupportedCodec(0xed)),
            ("did:key:z" + Base58.encode([0x80]), .invalidMulticodec),
            ("did:key:z" + Base58.encode([0xe7, 0x01, 0x02, 0x03]),
             .invalidKey(.invalidPublicKey(.k256, "expected a 33-byte compressed point, got 2 bytes"))),
        ]
        for (input, expected) in cases {
            #expect(throws: expected, "\(input)") { try DIDKey.parse(input) }
        }
        // A 33-byte string whose x has no point on the curve.
        let offCurve = [UInt8](arrayLiteral: 0x02) + [UInt8](repeating: 0xff, count: 32)
        #expect(throws: DIDKey.ParseError.self) { try DIDKey.parse("did:key:z" + Base58.encode([0xe7, 0x01] + offCurve)) }
        #expect(throws: DIDKey.ParseError.self) { try DIDKey.parse("did:key:z" + Base58.encode([0x80, 0x24] + offCurve)) }
    }

    @Test func multikeyIsDidKeyWithoutPrefix() throws {
        let key = P256SigningKey().publicKey
        #expect("did:key:" + DIDKey.multikey(key) == key.didKey)
        #expect(try DIDKey.parseMultikey(DIDKey.multikey(key)).compressed == key.compressed)
        #expect(key.didKey.hasPrefix("did:key:zDnae"))
        #expect(K256SigningKey().publicKey.didKey.hasPrefix("did:key:zQ3s"))
    }
}
