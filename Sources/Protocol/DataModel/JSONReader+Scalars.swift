/// Strings and numbers for `JSONReader`.
extension JSONReader {
    mutating func readString() throws(Failure) -> String {
        let start = position
        position += 1 // opening quote
        // Fast path: plain ASCII up to the closing quote, no escapes.
        var i = position
        while i < input.count {
            let b = input[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: input[position..<i]), as: UTF8.self)
                position = i + 1
                return s
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            i += 1
        }
        var bytes = Array(input[position..<i])
        position = i
        while true {
            guard position < input.count else { throw Failure(.unexpectedEnd, at: position) }
            let b = input[position]
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                guard let s = bytes.withUnsafeBufferPointer(UTF8Validation.string) else { throw Failure(.invalidUTF8, at: start) }
                return s
            case UInt8(ascii: "\\"):
                try readEscape(into: &bytes)
            case ..<0x20:
                throw Failure(.controlCharacterInString, at: position)
            default:
                bytes.append(b)
                position += 1
            }
        }
    }

    mutating func readEscape(into bytes: inout [UInt8]) throws(Failure) {
        let start = position
        position += 1
        guard position < input.count else { throw Failure(.unexpectedEnd, at: position) }
        let c = input[position]
        position += 1
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(c)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0c)
        case UInt8(ascii: "n"): bytes.append(0x0a)
        case UInt8(ascii: "r"): bytes.append(0x0d)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try readHex4()
            if (0xdc00...0xdfff).contains(scalar) { throw Failure(.unpairedSurrogate, at: start) }
            if (0xd800...0xdbff).contains(scalar) {
                guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"),
                      input[position + 1] == UInt8(ascii: "u") else { throw Failure(.unpairedSurrogate, at: start) }
                position += 2
                let low = try readHex4()
                guard (0xdc00...0xdfff).contains(low) else { throw Failure(.unpairedSurrogate, at: start) }
                scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
            }
            guard let valid = Unicode.Scalar(scalar) else { throw Failure(.unpairedSurrogate, at: start) }
            UTF8.encode(valid) { bytes.append($0) }
        default: throw Failure(.invalidEscape, at: start)
        }
    }

    mutating func readHex4() throws(Failure) -> UInt32 {
        guard input.count - position >= 4 else { throw Failure(.unexpectedEnd, at: input.count) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = input[position]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw Failure(.invalidEscape, at: position)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// A JSON number that must denote a whole number in Int64, computed exactly from its digits.
    mutating func readNumber() throws(Failure) -> Int64 {
        let start = position
        let negative = input[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var digits: [UInt8] = [] // significant decimal digits of integer then fraction part
        let intStart = position
        while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
            digits.append(input[position] - UInt8(ascii: "0"))
            position += 1
        }
        let intCount = position - intStart
        guard intCount > 0 else { throw Failure(.invalidNumber, at: start) }
        if intCount > 1 && input[intStart] == UInt8(ascii: "0") { throw Failure(.invalidNumber, at: start) }
        var exponent = 0
        if position < input.count, input[position] == UInt8(ascii: ".") {
            position += 1
            let fracStart = position
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                digits.append(input[position] - UInt8(ascii: "0"))
                position += 1
            }
            guard position > fracStart else { throw Failure(.invalidNumber, at: start) }
            exponent -= position - fracStart
        }
        if position < input.count, input[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            var expNegative = false
            if position < input.count, input[position] == UInt8(ascii: "+") || input[position] == UInt8(ascii: "-") {
                expNegative = input[position] == UInt8(ascii: "-")
                position += 1
            }
            let expStart = position
            var e = 0
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                e = min(e * 10 + Int(input[position] - UInt8(ascii: "0")), 1_000_000) // saturate: beyond any Int64
                position += 1
            }
            guard position > expStart else { throw Failure(.invalidNumber, at: start) }
            exponent += expNegative ? -e : e
        }
        // Normalise: drop leading zeros, fold trailing zeros into the exponent.
        var first = 0
        while first < digits.count, digits[first] == 0 { first += 1 }
        var last = digits.count
        while last > first, digits[last - 1] == 0 { last -= 1; exponent += 1 }
        if first == last { return 0 }
        if exponent < 0 { throw Failure(.floatNotAllowed, at: start) }
        if last - first + exponent > 19 { throw Failure(.integerOutOfRange, at: start) }
        var magnitude: UInt64 = 0
        for d in digits[first..<last] { magnitude = magnitude * 10 + UInt64(d) } // <= 19 digits: fits
        for _ in 0..<exponent {
            let (m, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { throw Failure(.integerOutOfRange, at: start) }
            magnitude = m
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw Failure(.integerOutOfRange, at: start) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Failure(.integerOutOfRange, at: start) }
        return Int64(magnitude)
    }
}
