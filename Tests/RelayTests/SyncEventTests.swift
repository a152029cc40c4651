import Foundation
import Protocol
import Repo
import Testing
@testable import Relay

@Suite struct SyncEventTests {
    /// `#sync` frames are header `{op: 1, t: "#sync"}` then `{seq, did, blocks, rev, time}` with
    /// `blocks` a CAR rooted at the commit and holding just that block.
    @Test func syncEventCarriesTheCommitAsACAR() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path, hub: FirehoseHub())
        let commitBytes = DAGCBOR.encode(.map(["did": .string("did:plc:abc"), "version": .integer(3)]))
        let commit = DAGCBOR.cid(of: try DAGCBOR.decode(commitBytes))
        try sequencer.syncEvent(did: "did:plc:abc", commit: commit, commitBytes: commitBytes, rev: "3l4kz5ygcbs2a")
        let event = try #require(try await sequencer.events(after: 0, limit: 10).first)
        #expect(event.type == "#sync")
        let (header, used) = try DAGCBOR.decodeFirst(event.frame)
        #expect(header["t"]?.stringValue == "#sync")
        let body = try DAGCBOR.decode(Array(event.frame[used...]))
        #expect(body["did"]?.stringValue == "did:plc:abc")
        #expect(body["rev"]?.stringValue == "3l4kz5ygcbs2a")
        #expect(body["seq"] == .integer(event.seq))
        guard case .bytes(let car)? = body["blocks"] else { Issue.record("blocks is not bytes"); return }
        let expected = CARWriter.encode(roots: [commit], blocks: [Block(cid: commit, bytes: commitBytes)])
        #expect(car == expected)
    }
}
