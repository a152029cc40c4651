/// The Reed-Solomon checksum over GF(1024) that ends every SLIP-0039 mnemonic (3 words).
enum RS1024 {
    private static let generator: [UInt32] = [
        0xE0E040, 0x1C1C080, 0x3838100, 0x7070200, 0xE0E0009,
        0x1C0C2412, 0x38086C24, 0x3090FC48, 0x21B1F890, 0x3F3F120,
    ]

    static func customization(extendable: Bool) -> [Int] {
        Array((extendable ? "shamir_extendable" : "shamir").utf8).map(Int.init)
    }

    private static func polymod(_ values: [Int]) -> UInt32 {
        var chk: UInt32 = 1
        for value in values {
            let top = chk >> 20
            chk = ((chk & 0xFFFFF) << 10) ^ UInt32(value)
            for i in 0..<10 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    static func checksum(_ data: [Int], extendable: Bool) -> [Int] {
        let mod = polymod(customization(extendable: extendable) + data + [0, 0, 0]) ^ 1
        return (0..<3).reversed().map { Int((mod >> UInt32(10 * $0)) & 1023) }
    }

    static func verify(_ data: [Int], extendable: Bool) -> Bool {
        polymod(customization(extendable: extendable) + data) == 1
    }
}
