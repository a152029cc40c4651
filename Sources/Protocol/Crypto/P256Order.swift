/// The P-256 group order, for the low-S rule that swift-crypto does not enforce.
enum P256Order {
    /// n, big-endian.
    static let n: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
    ]
    /// floor(n / 2), big-endian.
    static let halfN: [UInt8] = [
        0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8,
    ]

    /// True when the 32-byte big-endian `s` is at most n/2.
    static func isLowS(_ s: ArraySlice<UInt8>) -> Bool {
        precondition(s.count == 32)
        for (a, b) in zip(s, halfN) where a != b { return a < b }
        return true
    }

    /// Replaces s by n - s in a 64-byte r||s signature when s > n/2.
    static func normalizeLowS(_ signature: inout [UInt8]) {
        guard !isLowS(signature[32...]) else { return }
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            var d = Int(n[i]) - Int(signature[32 + i]) - borrow
            borrow = d < 0 ? 1 : 0
            if d < 0 { d += 256 }
            signature[32 + i] = UInt8(d)
        }
    }
}
