#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ngtcp2 timestamps: nanoseconds on a monotonic clock. The sans-IO core never reads a clock itself;
/// the socket layer passes `MonotonicClock.now()` and tests pass a virtual time.
public enum MonotonicClock {
    public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
