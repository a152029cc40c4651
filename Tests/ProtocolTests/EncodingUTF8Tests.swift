import Testing
@testable import Protocol

/// Our UTF-8 validator must agree with the standard library's on every input.
@Suite struct EncodingUTF8Tests {
    static func agrees(_ bytes: [UInt8]) -> Bool {
        let ours = bytes.withUnsafeBufferPointer(UTF8Validation.string)
        return ours == String(validating: bytes, as: UTF8.self)
    }

    @Test func edgeCases() {
        let valid: [[UInt8]] = [[], [0x7f], [0xc2, 0x80], [0xdf, 0xbf], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf],
                                [0xee, 0x80, 0x80], [0xef, 0xbf, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf]]
        let invalid: [[UInt8]] = [[0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xc2], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80],
                                  [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0xff],
                                  [0xe2, 0x82], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xc2]]
        for bytes in valid { #expect(bytes.withUnsafeBufferPointer(UTF8Validation.string) != nil, "\(bytes)") }
        for bytes in invalid { #expect(bytes.withUnsafeBufferPointer(UTF8Validation.string) == nil, "\(bytes)") }
        for bytes in valid + invalid { #expect(Self.agrees(bytes)) }
    }

    @Test func randomAndMutatedInputsAgreeWithTheStandardLibrary() {
        var rng = SeededGenerator(seed: 21)
        var random = RandomDataValues(seed: 22)
        for _ in 0..<20_000 {
            var bytes = Array(random.string(maxLength: 12).utf8)
            if !bytes.isEmpty, Bool.random(using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0x80...0xff, using: &rng)
            }
            if Int.random(in: 0..<4, using: &rng) == 0 {
                bytes = (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            #expect(Self.agrees(bytes), "\(bytes)")
        }
    }
}
