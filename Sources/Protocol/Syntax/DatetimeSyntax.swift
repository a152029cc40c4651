/// The character-level grammar of atproto datetimes, plus the calendar checks a full parse adds.
enum DatetimeSyntax {
    struct Fields {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var fraction: Substring = ""
        var offsetMinutes = 0
    }

    static func parse(_ string: String) throws(SyntaxError) -> Fields {
        let b = Array(string.utf8)
        func fail(_ rule: String) -> SyntaxError { SyntaxError(.datetime, string, .malformed(rule)) }
        if b.isEmpty { throw SyntaxError(.datetime, string, .empty) }
        if b.count > Datetime.maxLength { throw SyntaxError(.datetime, string, .tooLong(length: b.count, max: Datetime.maxLength)) }
        // YYYY-MM-DDTHH:MM:SS is fixed-width; everything about padding is checked by position.
        guard b.count >= 20 else { throw fail("expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset") }
        for (i, expected) in [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")] as [(Int, Character)] {
            guard b[i] == expected.asciiValue! else {
                throw SyntaxError(.datetime, string, .invalidCharacter(ASCII.character(in: string, atUTF8Offset: i), offset: i))
            }
        }
        func number(_ range: Range<Int>) throws(SyntaxError) -> Int {
            var value = 0
            for i in range {
                guard ASCII.isDigit(b[i]) else {
                    throw SyntaxError(.datetime, string, .invalidCharacter(ASCII.character(in: string, atUTF8Offset: i), offset: i))
                }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        var f = Fields()
        f.year = try number(0..<4)
        f.month = try number(5..<7)
        f.day = try number(8..<10)
        f.hour = try number(11..<13)
        f.minute = try number(14..<16)
        f.second = try number(17..<19)

        var i = 19
        if b[i] == UInt8(ascii: ".") {
            let start = i + 1
            i = start
            while i < b.count, ASCII.isDigit(b[i]) { i += 1 }
            let digits = i - start
            guard digits >= 1 else { throw fail("fraction needs at least one digit") }
            guard digits <= 20 else { throw fail("fraction has more than 20 digits") }
            let u = string.utf8
            f.fraction = Substring(u[u.index(u.startIndex, offsetBy: start)..<u.index(u.startIndex, offsetBy: i)])
        }
        let zone = b[i...]
        if zone.elementsEqual([UInt8(ascii: "Z")]) {
            f.offsetMinutes = 0
        } else if zone.count == 6, zone.first == UInt8(ascii: "+") || zone.first == UInt8(ascii: "-"), zone[i + 3] == UInt8(ascii: ":") {
            let hours = try number((i + 1)..<(i + 3)), minutes = try number((i + 4)..<(i + 6))
            guard hours <= 23, minutes <= 59 else { throw SyntaxError(.datetime, string, .invalidValue("timezone offset out of range")) }
            if zone.first == UInt8(ascii: "-") && hours == 0 && minutes == 0 {
                throw fail("\"-00:00\" (unknown local offset) is not allowed; use Z or +00:00")
            }
            f.offsetMinutes = (hours * 60 + minutes) * (zone.first == UInt8(ascii: "-") ? -1 : 1)
        } else {
            throw fail("timezone must be Z or ±HH:MM")
        }

        guard (1...12).contains(f.month) else { throw SyntaxError(.datetime, string, .invalidValue("month \(f.month)")) }
        let days = CivilCalendar.daysInMonth(year: f.year, month: f.month)
        guard (1...days).contains(f.day) else { throw SyntaxError(.datetime, string, .invalidValue("day \(f.day) of a \(days)-day month")) }
        guard f.hour <= 23 else { throw SyntaxError(.datetime, string, .invalidValue("hour \(f.hour)")) }
        guard f.minute <= 59 else { throw SyntaxError(.datetime, string, .invalidValue("minute \(f.minute)")) }
        guard f.second <= 59 else { throw SyntaxError(.datetime, string, .invalidValue("second \(f.second)")) }
        return f
    }
}
