import Foundation
import Protocol
import Testing
import TestSupport
@testable import Device
@testable import Relay

/// The desktop trusts the account's DID document, not the relay (spec 6.4): the key it checks the
/// promotion CAR and every ack against comes from the PLC directory the ticket names.
@Suite(.serialized) struct EnrollTrustTests {
    @Test func pairsWithTheKeyOfTheResolvedDIDDocument() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let relay = try await EnrollRelay.start(plcURL: plc.baseURL)
        let alice = try await relay.createAccount("alice")
        #expect(try await relay.post(alice, "before pairing").status == 200)
        let ticket = try await relay.ticket(for: alice)
        #expect(ticket.plcDirectory == plc.baseURL)
        let published = try #require(await plc.log(did: alice.did).last)
        guard case .operation(let op) = published.op else { Issue.record("not an operation"); return }
        let documentKey = try #require(op.atprotoSigningKey)

        let lines = Lines()
        let desktop = try makeDesktop(lines)
        try await deadline(300) { try await desktop.pair(ticket) }
        let pairing = try #require(try desktop.directory.pairing())
        #expect(pairing.authoritative && pairing.signingKey == documentKey)
        #expect(!lines.all.contains { $0.contains("warning") }, "\(lines.all)")
        #expect(try await relay.environment.enrollment.mode(did: alice.did) == .enrolled)
        await desktop.stop()
        await relay.stop()
        await plc.stop()
    }

    @Test func refusesARelayWhoseKeyIsNotTheDocuments() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let relay = try await EnrollRelay.start(plcURL: plc.baseURL)
        let alice = try await relay.createAccount("alice")
        var forged = try await relay.ticket(for: alice)
        forged.signingKey = DIDKey.encode(P256SigningKey().publicKey)
        let ticket = forged
        let desktop = try makeDesktop()
        let refused = await #expect(throws: Desktop.PairError.self) { try await deadline(300) { try await desktop.pair(ticket) } }
        let message = refused.map { "\($0)" } ?? ""
        #expect(message.contains("is not the one in its DID document"), "\(message)")
        // Refused before dialing: nothing was paired and the account stays on the relay.
        #expect(try await relay.environment.enrollment.mode(did: alice.did) == .mobile)
        #expect(try desktop.directory.pairing() == nil)

        // A directory that does not know the DID: refused too, with the reason.
        let empty = try await PLCDirectoryDouble.start()
        let elsewhere = try makeDesktop()
        await elsewhere.setKeyResolver(AccountKeyResolver(plcDirectory: empty.baseURL))
        let fresh = try await relay.ticket(for: alice)
        let unresolved = await #expect(throws: Desktop.PairError.self) { try await deadline(300) { try await elsewhere.pair(fresh) } }
        #expect("\(unresolved.map { "\($0)" } ?? "")".contains("cannot resolve the DID document"))
        await relay.stop()
        await plc.stop()
        await empty.stop()
    }

    @Test func withoutAPublishedDocumentTheTicketKeyIsUsedWithAWarning() async throws {
        let relay = try await EnrollRelay.start()
        let alice = try await relay.createAccount("alice")
        let ticket = try await relay.ticket(for: alice)
        #expect(ticket.plcDirectory == nil)
        let lines = Lines()
        let desktop = try makeDesktop(lines)
        try await deadline(300) { try await desktop.pair(ticket) }
        #expect(lines.all.contains { $0.contains("publishes no DID documents") }, "\(lines.all)")
        await desktop.stop()
        await relay.stop()
    }
}
