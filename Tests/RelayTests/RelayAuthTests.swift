import Foundation
import Testing
import TestSupport
@testable import Relay

@Suite struct RelayAuthTests {
    let jwt = SessionJWT(secret: "test-secret")

    @Test func jwtRoundTripAndRejections() throws {
        let claims = JWTClaims(scope: "com.atproto.access", sub: "did:plc:abc", aud: "did:web:x", iat: 100, exp: 200)
        let token = jwt.sign(claims, type: "at+jwt")
        #expect(try jwt.verify(token, type: "at+jwt", now: 150) == claims)
        #expect(throws: XRPCError.expiredToken()) { try jwt.verify(token, type: "at+jwt", now: 200) }
        #expect(throws: XRPCError.self) { try jwt.verify(token, type: "refresh+jwt", now: 150) }
        #expect(throws: XRPCError.self) { try SessionJWT(secret: "other").verify(token, type: "at+jwt", now: 150) }
        var tampered = token
        tampered.removeLast()
        #expect(throws: XRPCError.self) { try jwt.verify(tampered, type: "at+jwt", now: 150) }
        #expect(throws: XRPCError.self) { try jwt.verify("garbage", type: "at+jwt", now: 150) }
    }

    @Test func passwordHashFormatMatchesReference() throws {
        let stored = try PasswordHasher.hash("hunter2")
        let parts = stored.split(separator: ":")
        #expect(parts.count == 2 && parts[0].count == 32 && parts[1].count == 128)
        #expect(PasswordHasher.verify("hunter2", stored: stored))
        #expect(!PasswordHasher.verify("hunter3", stored: stored))
        #expect(!PasswordHasher.verify("hunter2", stored: "not-a-hash"))
    }

    /// Python's hashlib.scrypt (OpenSSL) with the reference PDS's parameters must agree with ours.
    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func scryptAgreesWithPython() async throws {
        let stored = try PasswordHasher.hash("correct horse")
        let out = try await runPeer("relay_scrypt.py", ["correct horse", stored])
        #expect(String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "match")
    }
}
