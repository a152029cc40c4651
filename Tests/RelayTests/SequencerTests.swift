import Foundation
import Testing
@testable import Relay

@Suite struct SequencerTests {
    func open(_ dir: URL, hub: FirehoseHub = FirehoseHub()) throws -> Sequencer {
        try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path, hub: hub)
    }

    @Test func seqIncreasesWithoutGapsAndSurvivesRestartAndPruning() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        var seqs: [Int64] = []
        do {
            let sequencer = try open(dir)
            for i in 0..<5 { seqs.append(try sequencer.sequence(did: "did:plc:a\(i)", type: "#identity", body: [:]).seq) }
        }
        #expect(seqs == [1, 2, 3, 4, 5])
        let reopened = try open(dir)
        #expect(try await reopened.bounds().latest == 5)
        try await reopened.prune(before: 6)   // everything gone...
        #expect(try await reopened.bounds().oldest == nil)
        let next = try reopened.sequence(did: "did:plc:b", type: "#account", body: [:])
        #expect(next.seq == 6)                // ...and numbering still never goes back
        let events = try await reopened.events(after: 0, limit: 10)
        #expect(events.map(\.seq) == [6])
    }

    /// Events are published (and their writes acknowledged) once written: that write must be fsynced,
    /// or a power loss could hand the same seqs out again.
    @Test func eventWritesAreFsyncedOnCommit() throws {
        let sequencer = try open(try RelayHarness.makeDataDirectory())
        #expect(try sequencer.synchronousSetting() == 2)
    }

    @Test func concurrentWritersGetDistinctContiguousSeqsPublishedInOrder() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let hub = FirehoseHub(bufferLimit: 1000)
        let sequencer = try open(dir, hub: hub)
        let subscription = hub.subscribe()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for i in 0..<25 { try sequencer.sequence(did: "did:plc:w\(writer)", type: "#identity", body: ["n": .integer(Int64(i))]) }
                }
            }
            try await group.waitForAll()
        }
        var live: [Int64] = []
        for await event in subscription.events {
            live.append(event.seq)
            if live.count == 200 { break }
        }
        #expect(live == Array(1...200))
        #expect(try await sequencer.events(after: 0, limit: 500).map(\.seq) == Array(1...200))
    }

    @Test func slowConsumerIsCutOffWithoutBlockingWriters() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let hub = FirehoseHub(bufferLimit: 4)
        let sequencer = try open(dir, hub: hub)
        let slow = hub.subscribe()
        // Nobody reads `slow`: the writer must still complete all 20 events.
        for i in 0..<20 { try sequencer.sequence(did: "did:plc:x", type: "#identity", body: ["n": .integer(Int64(i))]) }
        #expect(slow.wasCutOff)
        var drained = 0
        for await _ in slow.events { drained += 1 }
        #expect(drained == 4)
        #expect(hub.subscriberCount == 0)
    }
}
