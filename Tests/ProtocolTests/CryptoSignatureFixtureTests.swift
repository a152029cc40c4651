import Foundation
import Testing
import TestSupport
@testable import Protocol

@Suite struct CryptoSignatureFixtureTests {
    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func signatureFixtures() throws {
        let fixtures = try CryptoTestHelpers.jsonArray(InteropCorpus.data("crypto/signature-fixtures.json"))
        #expect(!fixtures.isEmpty)
        var valid = 0, invalid = 0
        for fixture in fixtures {
            let comment = fixture["comment"] as? String ?? "?"
            let messageText = try #require(fixture["messageBase64"] as? String)
            let signatureText = try #require(fixture["signatureBase64"] as? String)
            let message = try #require(CryptoTestHelpers.base64(messageText))
            let signature = try #require(CryptoTestHelpers.base64(signatureText))
            let did = try #require(fixture["publicKeyDid"] as? String)
            let expected = try #require(fixture["validSignature"] as? Bool)
            let key = try DIDKey.parse(did)
            #expect(key.didKey == did, "\(comment)")
            let curve: KeyCurve = (fixture["algorithm"] as? String) == "ES256K" ? .k256 : .p256
            #expect(key.curve == curve, "\(comment)")
            // publicKeyMultibase is the legacy bare-point form of the same key.
            if let multibase = fixture["publicKeyMultibase"] as? String {
                let legacy = try DIDKey.parseLegacyMultibase(multibase, curve: curve)
                #expect(legacy.compressed == key.compressed, "\(comment)")
            }
            #expect(key.verify(signature: signature, for: message) == expected, "\(comment)")
            if expected { valid += 1 } else { invalid += 1 }
        }
        print("crypto/signature-fixtures.json: \(fixtures.count) vectors checked (\(valid) valid verify, \(invalid) invalid rejected)")
    }
}
