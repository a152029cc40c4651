import Foundation

/// atproto datetimes as the reference PDS writes them: UTC, milliseconds, `Z`.
enum Timestamp {
    static func now() -> String { string(Date()) }

    static func string(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int32(parts.tm_year) + 1900, Int32(parts.tm_mon) + 1, Int32(parts.tm_mday),
                      Int32(parts.tm_hour), Int32(parts.tm_min), Int32(parts.tm_sec), Int32(ms % 1000))
    }
}

/// The relay's notion of "now" as an atproto datetime, for callers outside the module.
public enum RelayClock {
    public static func now() -> String { Timestamp.now() }
}
