import Foundation
import Protocol
import Testing
@testable import Device
@testable import Relay

/// Pairing and promotion over the real tunnel on loopback, real SQLite on both sides (issue 7).
@Suite(.serialized) struct EnrollPairingTests {
    @Test func goodTicketPromotesRecordsAndBlobs() async throws {
        let relay = try await EnrollRelay.start()
        let alice = try await relay.createAccount("alice")
        for i in 1...3 { #expect(try await relay.post(alice, "before pairing \(i)").status == 200) }
        let png = Array(repeating: UInt8(0x89), count: 70_000)
        let blob = try await relay.environment.blobs.putTemporary(did: alice.did, bytes: png, mimeType: "image/png")
        try await relay.environment.blobs.reference(did: alice.did, cid: blob.cid, recordURI: "at://\(alice.did)/app.bsky.feed.post/x")

        let lines = Lines()
        let desktop = try makeDesktop(lines)
        let ticket = try await relay.ticket(for: alice)
        try await deadline(300) { try await desktop.pair(ticket) }

        #expect(try await relay.environment.enrollment.mode(did: alice.did) == .enrolled)
        let pairing = try #require(try desktop.directory.pairing())
        #expect(pairing.authoritative && pairing.did == alice.did)
        let repo = try DeviceRepo(path: desktop.directory.repoPath, did: alice.did)
        #expect(try repo.storage.listRecords(collection: "app.bsky.feed.post", cursor: nil, limit: 100, reverse: false).count == 3)
        let stored = try Data(contentsOf: desktop.directory.blobs.appendingPathComponent(blob.cid))
        #expect(Array(stored) == png)
        #expect(lines.all.contains { $0.contains("promotion: blob 1") }, "\(lines.all)")
        #expect(lines.all.contains { $0.contains("authoritative") })
        // The relay's head did not move: promotion copies, it does not commit.
        let head = try #require(try await relay.environment.repo?.head(did: alice.did))
        #expect(head.rev == repo.head?.rev)
        await desktop.stop()
        await relay.stop()
    }

    @Test func reusedExpiredAndWrongAccountTicketsAreRefused() async throws {
        let relay = try await EnrollRelay.start()
        let alice = try await relay.createAccount("alice")
        let bob = try await relay.createAccount("bob")
        let ticket = try await relay.ticket(for: alice)
        let first = try makeDesktop()
        try await deadline(300) { try await first.pair(ticket) }
        await first.stop()

        // Reused: refused with a clear message, and the relay stays as it was.
        let second = try makeDesktop()
        let reused = await #expect(throws: Desktop.PairError.self) { try await deadline(300) { try await second.pair(ticket) } }
        #expect("\(reused.map { "\($0)" } ?? "")".contains("already used"))

        // For another account: bob's DID with alice's fresh token.
        var wrong = try await relay.ticket(for: alice)
        wrong.did = bob.did
        let wrongTicket = wrong
        let third = try makeDesktop()
        let other = await #expect(throws: Desktop.PairError.self) { try await deadline(300) { try await third.pair(wrongTicket) } }
        #expect("\(other.map { "\($0)" } ?? "")".contains("another account"))

        // Expired: the relay's clock moves past the ten minutes.
        let late = try await relay.ticket(for: bob)
        await relay.environment.enrollment.setClock { Int(Date().timeIntervalSince1970) + 601 }
        let fourth = try makeDesktop()
        let expired = await #expect(throws: Desktop.PairError.self) { try await deadline(300) { try await fourth.pair(late) } }
        #expect("\(expired.map { "\($0)" } ?? "")".contains("expired"))
        #expect(try await relay.environment.enrollment.mode(did: bob.did) == .mobile)
        for d in [second, third, fourth] { await d.stop() }
        await relay.stop()
    }
}
