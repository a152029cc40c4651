import Foundation

/// Hands out TIDs that strictly increase for the life of the clock, even when the wall clock
/// stalls or steps backwards: each TID is at least one microsecond after the previous one.
public final class TIDClock: @unchecked Sendable {
    // @unchecked: `last` is only touched under `lock`.
    private let lock = NSLock()
    private var last: UInt64
    private let now: @Sendable () -> UInt64
    public let clockID: UInt16

    /// `now` returns microseconds since the Unix epoch; inject it to test clock behaviour.
    public init(clockID: UInt16 = UInt16.random(in: 0...TID.maxClockID),
                after previous: TID? = nil,
                now: @escaping @Sendable () -> UInt64 = TIDClock.systemMicroseconds) {
        self.clockID = clockID & TID.maxClockID
        self.last = previous?.microseconds ?? 0
        self.now = now
    }

    public func next() -> TID {
        let wall = now()
        let micros: UInt64 = lock.withLock {
            last = Swift.max(wall, last + 1)
            return last
        }
        return TID(microseconds: micros, clockID: clockID)
    }

    @Sendable public static func systemMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }
}
