/// Strict UTF-8 validation (Unicode table 3-7: no overlongs, no surrogates, nothing past U+10FFFF).
///
/// Ours rather than `String(validating:as:)`, which is not specialised for buffers and spends its
/// time in generic-metadata lookups; this one skips ASCII eight bytes at a time.
enum UTF8Validation {
    static func isValid(_ p: UnsafePointer<UInt8>, count n: Int) -> Bool {
        var i = 0
        while i < n {
            if n - i >= 8 {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            if b < 0xc2 { return false } // continuation byte, or overlong 2-byte lead
            if b < 0xe0 {
                guard n - i >= 2, p[i + 1] & 0xc0 == 0x80 else { return false }
                i += 2
            } else if b < 0xf0 {
                guard n - i >= 3 else { return false }
                let b1 = p[i + 1]
                let low: UInt8 = b == 0xe0 ? 0xa0 : 0x80   // no overlongs
                let high: UInt8 = b == 0xed ? 0x9f : 0xbf  // no surrogates
                guard b1 >= low, b1 <= high, p[i + 2] & 0xc0 == 0x80 else { return false }
                i += 3
            } else if b < 0xf5 {
                guard n - i >= 4 else { return false }
                let b1 = p[i + 1]
                let low: UInt8 = b == 0xf0 ? 0x90 : 0x80   // no overlongs
                let high: UInt8 = b == 0xf4 ? 0x8f : 0xbf  // nothing above U+10FFFF
                guard b1 >= low, b1 <= high, p[i + 2] & 0xc0 == 0x80, p[i + 3] & 0xc0 == 0x80 else { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }

    /// A `String` from bytes that must be valid UTF-8, or nil.
    static func string(_ buffer: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = buffer.baseAddress else { return "" }
        guard isValid(base, count: buffer.count) else { return nil }
        return String(decoding: buffer, as: UTF8.self)
    }
}
