/// An atproto datetime: RFC 3339 with uppercase `T`, seconds, optional fraction, and `Z` or `±HH:MM`
/// (never `-00:00`); the value must exist on the calendar and not fall before year 0 in UTC.
public struct Datetime: SyntaxString, Comparable {
    public static let maxLength = 64
    public let string: String
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    public let unixSeconds: Int64
    /// The fraction digits as written (may be empty), kept exactly since precision varies.
    public let fractionDigits: Substring

    public init(_ string: String) throws(SyntaxError) {
        let fields = try DatetimeSyntax.parse(string)
        let local = CivilCalendar.unixSeconds(year: fields.year, month: fields.month, day: fields.day,
                                              hour: fields.hour, minute: fields.minute, second: fields.second)
        let utc = local - Int64(fields.offsetMinutes) * 60
        if utc < CivilCalendar.unixSeconds(year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0) {
            throw SyntaxError(.datetime, string, .invalidValue("falls before 0000-01-01T00:00:00Z"))
        }
        self.string = string
        self.unixSeconds = utc
        self.fractionDigits = fields.fraction
    }

    /// The preferred form, millisecond precision in UTC: `1985-04-12T23:20:50.123Z`.
    /// Throws for instants outside years 0000-9999, which the syntax cannot express.
    public init(unixMilliseconds: Int64) throws(SyntaxError) {
        let (seconds, millis) = unixMilliseconds.quotientAndRemainder(dividingBy: 1000)
        let s = millis < 0 ? seconds - 1 : seconds
        let ms = millis < 0 ? millis + 1000 : millis
        let text = CivilCalendar.format(unixSeconds: s) + "." + String(ms).leftPadded(to: 3) + "Z"
        try self.init(text)
    }

    /// Orders by instant; equal instants written differently order by their text.
    public static func < (a: Datetime, b: Datetime) -> Bool {
        if a.unixSeconds != b.unixSeconds { return a.unixSeconds < b.unixSeconds }
        let fa = a.fractionDigits.padding(19), fb = b.fractionDigits.padding(19)
        return fa != fb ? fa < fb : a.string < b.string
    }
}

extension Substring {
    fileprivate func padding(_ width: Int) -> String {
        String(self) + String(repeating: "0", count: Swift.max(0, width - count))
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
