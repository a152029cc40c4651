import Foundation
import Synchronization
import Testing
@testable import Relay

/// Collects what a session sends, and signals when it has a given number of frames.
final class FrameSink: Sendable {
    private let frames = Mutex<[[UInt8]]>([])
    let arrivals: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init() { (arrivals, continuation) = AsyncStream.makeStream(of: Int.self) }

    func send(_ frame: [UInt8]) {
        let count = frames.withLock { $0.append(frame); return $0.count }
        continuation.yield(count)
    }

    var all: [[UInt8]] { frames.withLock { $0 } }

    func wait(for count: Int) async throws {
        try await withDeadline(seconds: 60) { [arrivals] in
            for await n in arrivals where n >= count { return }
        }
    }
}

@Suite struct FirehoseSessionTests {
    @Test func replaysFromCursorThenGoesLiveWithoutLossOrDuplicates() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let hub = FirehoseHub()
        let sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path, hub: hub)
        var frames: [Int64: [UInt8]] = [:]
        for i in 0..<10 {
            let event = try sequencer.sequence(did: "did:plc:r", type: "#identity", body: ["n": .integer(Int64(i))])
            frames[event.seq] = event.frame
        }
        let sink = FrameSink()
        let session = FirehoseSession(sequencer: sequencer, hub: hub)
        let task = Task { try await session.run(cursor: 4) { sink.send($0) } }
        try await sink.wait(for: 6)   // 5...10 replayed
        for i in 10..<15 {
            let event = try sequencer.sequence(did: "did:plc:r", type: "#identity", body: ["n": .integer(Int64(i))])
            frames[event.seq] = event.frame
        }
        try await sink.wait(for: 11)
        task.cancel()
        _ = await task.result
        #expect(sink.all == (5...15).map { frames[Int64($0)]! })
    }

    @Test func futureCursorIsAnErrorFrame() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let hub = FirehoseHub()
        let sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path, hub: hub)
        try sequencer.sequence(did: "did:plc:r", type: "#identity", body: [:])
        let sink = FrameSink()
        try await FirehoseSession(sequencer: sequencer, hub: hub).run(cursor: 99) { sink.send($0) }
        #expect(sink.all == [FirehoseFrame.error("FutureCursor", message: "Cursor in the future.")])
    }

    @Test func outdatedCursorGetsInfoThenEverythingRetained() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let hub = FirehoseHub()
        let sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path, hub: hub)
        for _ in 0..<6 { try sequencer.sequence(did: "did:plc:r", type: "#identity", body: [:]) }
        try await sequencer.prune(before: 4)
        let sink = FrameSink()
        let session = FirehoseSession(sequencer: sequencer, hub: hub)
        let task = Task { try await session.run(cursor: 1) { sink.send($0) } }
        try await sink.wait(for: 4)
        task.cancel()
        _ = await task.result
        #expect(sink.all.first == FirehoseFrame.info("OutdatedCursor", message: "Requested cursor exceeded limit. Possibly missing events"))
        #expect(sink.all.count == 4)
    }
}
