import Testing
@testable import Protocol

/// Untrusted bytes: whatever arrives, the decoder returns a value or a typed error, never crashes,
/// and anything it accepts is canonical (re-encodes to exactly the input).
@Suite struct CBORHostileInputTests {
    /// Decodes; if accepted, the input must be the canonical encoding of the result.
    static func decodeOrReject(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        do {
            let value = try DAGCBOR.decode(bytes)
            #expect(DAGCBOR.encode(value) == bytes, "accepted non-canonical \(bytes)", sourceLocation: sourceLocation)
            return true
        } catch {
            #expect(error.offset >= 0 && error.offset <= bytes.count, sourceLocation: sourceLocation)
            return false
        }
    }

    @Test func hugeDeclaredLengthsFailBeforeAllocating() {
        let huge: [UInt8] = [0x80, 0, 0, 0, 0, 0, 0, 0] // 2^63
        for major: UInt8 in [2, 3, 4, 5] {
            let bytes = [major << 5 | 27] + huge + [0x00, 0x00]
            #expect(throws: DAGCBORError(.lengthExceedsInput(1 << 63), at: 0)) { try DAGCBOR.decode(bytes) }
            let max = [major << 5 | 27] + [UInt8](repeating: 0xff, count: 8)
            #expect(throws: DAGCBORError(.lengthExceedsInput(UInt64.max), at: 0)) { try DAGCBOR.decode(max) }
        }
        // A map may not claim more entries than half the remaining bytes.
        #expect(throws: DAGCBORError(.lengthExceedsInput(2), at: 0)) { try DAGCBOR.decode([0xa2, 0x60, 0x00]) }
        #expect(throws: DAGCBORError(.lengthExceedsInput(5), at: 0)) { try DAGCBOR.decode([0x45, 1, 2]) }
    }

    @Test func deepNestingStopsAtTheLimitWithoutExhaustingTheStack() {
        for opener: UInt8 in [0x81, 0xa1] {
            var bytes: [UInt8] = []
            for _ in 0..<200_000 { bytes.append(opener); if opener == 0xa1 { bytes.append(0x60) } }
            bytes.append(0xf6)
            #expect(throws: DAGCBORError(.depthLimitExceeded(128), at: opener == 0x81 ? 128 : 256)) { try DAGCBOR.decode(bytes) }
        }
    }

    @Test func everyTruncationOfValidInputIsRejected() {
        var random = RandomDataValues(seed: 1)
        var checked = 0
        for _ in 0..<300 {
            let bytes = DAGCBOR.encode(random.value())
            for length in 0..<bytes.count {
                do {
                    _ = try DAGCBOR.decode(Array(bytes[..<length]))
                    Issue.record("accepted a truncation of \(bytes)")
                } catch {
                    #expect(error.reason == .truncated || { if case .lengthExceedsInput = error.reason { true } else { false } }(),
                            "\(error)")
                }
                checked += 1
            }
        }
        print("CBOR truncations checked: \(checked)")
    }

    @Test func randomBytesNeverCrash() {
        var rng = SeededGenerator(seed: 2)
        var accepted = 0
        let count = 50_000
        for _ in 0..<count {
            let length = Int.random(in: 0...48, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Bias the first byte towards containers so structure, not just scalars, is exercised.
            if !bytes.isEmpty, Bool.random(using: &rng) { bytes[0] = [0x81, 0x82, 0xa1, 0xa2, 0xd8][Int.random(in: 0...4, using: &rng)] }
            if Self.decodeOrReject(bytes) { accepted += 1 }
        }
        print("CBOR random inputs: \(count), accepted as canonical: \(accepted)")
    }

    @Test func mutatedValidInputIsRejectedOrCanonical() {
        var random = RandomDataValues(seed: 3)
        var rng = SeededGenerator(seed: 4)
        var total = 0, accepted = 0
        for _ in 0..<2_000 {
            let original = DAGCBOR.encode(random.value())
            for _ in 0..<10 {
                var bytes = original
                switch Int.random(in: 0...3, using: &rng) {
                case 0: // flip a bit
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                case 1: // replace a byte
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                case 2: // insert a byte
                    bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
                default: // delete a byte
                    bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
                }
                if Self.decodeOrReject(bytes) { accepted += 1 }
                total += 1
            }
        }
        print("CBOR mutations: \(total), accepted as canonical: \(accepted)")
    }

    @Test func randomValuesRoundTrip() throws {
        var random = RandomDataValues(seed: 5)
        for _ in 0..<3_000 {
            let value = random.value()
            let bytes = DAGCBOR.encode(value)
            #expect(try DAGCBOR.decode(bytes) == value)
        }
    }
}
