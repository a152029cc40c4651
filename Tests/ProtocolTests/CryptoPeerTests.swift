import Foundation
import Testing
import TestSupport
@testable import Protocol

/// Cross-checks against the atproto Python SDK (pyca/cryptography over OpenSSL) in both directions.
@Suite struct CryptoPeerTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func signaturesInteroperateWithPythonSDK() async throws {
        var rng = SystemRandomNumberGenerator()
        var verify: [[String: String]] = []
        var sign: [[String: String]] = []
        var ourKeys: [any SigningKey] = []
        var peerJobs: [(any SigningKey, [UInt8])] = []
        for i in 0..<40 {
            let key: any SigningKey = i % 2 == 0 ? K256SigningKey() : P256SigningKey()
            let message = (0..<(i * 7 % 300)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            verify.append(["did": key.publicKey.didKey, "message": Self.hex(message), "signature": Self.hex(try key.sign(message))])
            ourKeys.append(key)
            sign.append(["curve": i % 2 == 0 ? "k256" : "p256", "secret": Self.hex(key.rawRepresentation), "message": Self.hex(message)])
            peerJobs.append((key, message))
        }
        let request = try JSONSerialization.data(withJSONObject: ["verify": verify, "sign": sign])
        let reply = try await Peers.run("crypto_peer.py", ["check"], input: request)
        let object = try #require(try JSONSerialization.jsonObject(with: reply) as? [String: Any])
        let verified = try #require(object["verified"] as? [Bool])
        let signed = try #require(object["signed"] as? [[String: String]])
        #expect(verified.count == verify.count && verified.allSatisfy { $0 }, "Python rejected one of our signatures")
        #expect(signed.count == peerJobs.count)
        for ((key, message), answer) in zip(peerJobs, signed) {
            #expect(answer["did"] == key.publicKey.didKey, "Python derived a different did:key")
            let signatureHex = try #require(answer["signature"])
            let signature = try #require(CryptoTestHelpers.hex(signatureHex))
            let parsed = try DIDKey.parse(try #require(answer["did"]))
            #expect(parsed.verify(signature: signature, for: message), "we rejected a Python signature")
        }
        print("crypto peer (atproto SDK): \(verified.count) of our signatures verified there, \(signed.count) of theirs here")
    }
}
