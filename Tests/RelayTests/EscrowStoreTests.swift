import Foundation
import Keys
@testable import Relay
import Testing

/// The escrow store on its own: the share is sealed under the relay's escrow key and bound to its
/// DID, so neither a copied database without the key nor a row moved to another account opens.
@Suite struct EscrowStoreTests {
    @Test func sealedUnderTheRelayKeyAndBoundToTheDID() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyPath = dir.appendingPathComponent("escrow.key").path
        let store = try EscrowStore(path: dir.appendingPathComponent("escrow.sqlite").path,
                                    sealer: WrappingKey.fromKeyFile(path: keyPath))
        let share = SecretBytes(Array("academic acid acne".utf8))
        try await store.put(did: "did:plc:aaaa", shareID: "1-2", share: share, at: "2026-01-01T00:00:00Z")
        #expect(try await store.share(did: "did:plc:aaaa") == share)
        #expect(try await store.info(did: "did:plc:aaaa")?.shareID == "1-2")
        #expect(try await store.share(did: "did:plc:bbbb") == nil)

        // Another relay key (a copied database elsewhere) cannot open it.
        let otherKey = dir.appendingPathComponent("other.key").path
        let copy = try EscrowStore(path: dir.appendingPathComponent("escrow.sqlite").path,
                                   sealer: WrappingKey.fromKeyFile(path: otherKey))
        await #expect(throws: KeyStoreError.self) { try await copy.share(did: "did:plc:aaaa") }

        // A release window: pending until superseded by a new share.
        let release = try await store.startRelease(did: "did:plc:aaaa", now: 1000, delay: 86400)
        #expect(release.availableAt == 87400)
        #expect(try await store.pendingRelease(did: "did:plc:aaaa") == release)
        try await store.put(did: "did:plc:aaaa", shareID: "2-2", share: share, at: "2026-01-02T00:00:00Z")
        #expect(try await store.pendingRelease(did: "did:plc:aaaa") == nil)
        #expect(try await store.delete(did: "did:plc:aaaa"))
        #expect(try await store.delete(did: "did:plc:aaaa") == false)
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
