import Foundation
import Testing
@testable import Protocol

@Suite struct TIDTests {
    @Test func encodesAndParses() throws {
        let tid = TID(microseconds: 1_700_000_000_000_000, clockID: 42)
        #expect(tid.string.count == 13)
        let parsed = try TID(string: tid.string)
        #expect(parsed == tid)
        #expect(parsed.microseconds == 1_700_000_000_000_000)
        #expect(parsed.clockID == 42)
        #expect(TID(microseconds: 0, clockID: 0).string == "2222222222222")
        #expect(TID(microseconds: TID.maxMicroseconds, clockID: TID.maxClockID).string == "bzzzzzzzzzzzz")
        #expect(TID(rawValue: .max).string == "jzzzzzzzzzzzz")
        #expect(try TID(string: "3jzfcijpj2z2a").string == "3jzfcijpj2z2a")
    }

    @Test func stringOrderMatchesValueOrder() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let a = TID(rawValue: rng.next()), b = TID(rawValue: rng.next())
            #expect((a < b) == (a.string < b.string))
            #expect((try? TID(string: a.string)) == a)
        }
    }

    @Test func fieldsAreMasked() {
        let tid = TID(microseconds: UInt64.max, clockID: UInt16.max)
        #expect(tid.microseconds == TID.maxMicroseconds)
        #expect(tid.clockID == TID.maxClockID)
        #expect(TID.isValid(tid.string))
    }

    @Test func monotonicWhenTheWallClockGoesBackwards() {
        // A scripted wall clock: forward, stalled, stepped back an hour, then forward again.
        let base: UInt64 = 1_700_000_000_000_000
        let script: [UInt64] = [base, base + 5, base + 5, base + 5, base + 3, base + 10,
                                base - 3_600_000_000, base - 1, base + 20, base + 20]
        let wall = ScriptedClock(script)
        let clock = TIDClock(clockID: 7) { wall.next() }
        var previous: TID? = nil
        var seen = Set<String>()
        for _ in 0..<(script.count + 50) {
            let tid = clock.next()
            #expect(tid.clockID == 7)
            if let previous { #expect(tid > previous) }
            #expect(seen.insert(tid.string).inserted)
            previous = tid
        }
        #expect(previous!.microseconds >= base + 20)
    }

    @Test func resumesAfterAPreviousTID() {
        let last = TID(microseconds: 5_000_000, clockID: 1)
        let clock = TIDClock(clockID: 1, after: last) { 10 }
        #expect(clock.next() > last)
    }

    @Test func neverRepeatsAcrossThreads() async {
        let clock = TIDClock(clockID: 3) { 1 }  // a frozen clock forces the +1 path on every call
        let batches = await withTaskGroup(of: [TID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<500).map { _ in clock.next() } } }
            var all: [[TID]] = []
            for await batch in group { all.append(batch) }
            return all
        }
        let all = batches.flatMap { $0 }
        #expect(Set(all).count == all.count)
        for batch in batches { #expect(batch == batch.sorted()) }
    }

    @Test func realClockIsCloseToNow() {
        let tid = TIDClock().next()
        let now = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        #expect(tid.microseconds > now - 60_000_000 && tid.microseconds < now + 60_000_000)
    }
}

/// Replays fixed wall-clock readings, then repeats the last one.
final class ScriptedClock: @unchecked Sendable {
    private let lock = NSLock()
    private let readings: [UInt64]
    private var index = 0

    init(_ readings: [UInt64]) { self.readings = readings }

    func next() -> UInt64 {
        lock.withLock {
            defer { index += 1 }
            return readings[min(index, readings.count - 1)]
        }
    }
}
