import Testing
@testable import Protocol

/// Hostile input: many thousands of random and mutated frames, seeded and deterministic. Every one
/// must end in a message or a typed `FrameError` (never a crash), limits must hold, and both
/// session state machines must survive the same bytes.
@Suite struct DeviceRelayFuzzTests {
    /// SplitMix64: tiny, seeded, the same sequence on every platform.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func seedFrames() throws -> [[UInt8]] {
        try DeviceRelayVectors.load("messages.json")["vectors"]!.array.map { DeviceRelayVectors.hex($0["frame"]!.string!) }
    }

    static func mutate(_ frame: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var f = frame
        switch rng.next() % 6 {
        case 0: // flip bits in the body
            for _ in 0..<(1 + Int(rng.next() % 4)) where f.count > 4 { f[4 + Int(rng.next() % UInt64(f.count - 4))] ^= UInt8(1 << (rng.next() % 8)) }
        case 1: // truncate
            f = Array(f.prefix(Int(rng.next() % UInt64(f.count + 1))))
        case 2: // lie about the length
            let n = UInt32(truncatingIfNeeded: rng.next() % 0x0200_0000)
            f[0] = UInt8(n >> 24); f[1] = UInt8((n >> 16) & 0xff); f[2] = UInt8((n >> 8) & 0xff); f[3] = UInt8(n & 0xff)
        case 3: // overwrite a byte with a CBOR head that claims a huge length
            if f.count > 5 { f[4 + Int(rng.next() % UInt64(f.count - 4))] = [0x5b, 0x7b, 0x9b, 0xbb, 0xd8, 0xff][Int(rng.next() % 6)] }
        case 4: // splice two frames' bodies
            if f.count > 8 { f.insert(contentsOf: f[4..<(4 + Int(rng.next() % UInt64(f.count - 4)))], at: 4 + Int(rng.next() % UInt64(f.count - 4))) }
        default: // random bytes inside
            for _ in 0..<(1 + Int(rng.next() % 8)) where f.count > 4 { f[4 + Int(rng.next() % UInt64(f.count - 4))] = UInt8(truncatingIfNeeded: rng.next()) }
        }
        return f
    }

    static func random(_ rng: inout SeededRandom) -> [UInt8] {
        let count = Int(rng.next() % 64)
        var body = (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        if rng.next() % 2 == 0 { body.insert(0xa0 | UInt8(rng.next() % 8), at: 0) }  // often start like a map
        let n = UInt32(body.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + body
    }

    @Test func decoderReturnsMessagesOrTypedErrors() throws {
        var rng = SeededRandom(state: 0x6470_6473)
        let seeds = try Self.seedFrames()
        var decoded = 0, errors: [String: Int] = [:]
        let total = 30_000
        for i in 0..<total {
            let frame = i % 3 == 0 ? Self.random(&rng) : Self.mutate(seeds[Int(rng.next() % UInt64(seeds.count))], &rng)
            var reader = FrameReader(limit: DeviceRelayProtocol.handshakeMaxFrameBytes)
            reader.append(frame)
            do {
                while let message = try reader.next() {
                    decoded += 1
                    // Whatever decodes re-encodes to a frame that decodes to the same message.
                    #expect(try Frame.decode(Frame.encode(message)) == message)
                }
                try reader.finish()
            } catch {
                errors[String(describing: error).prefix(while: { $0 != "(" }).description, default: 0] += 1
                if case .frameTooLarge(let length, let limit) = error { #expect(length > limit) }
                #expect(reader.bufferedCount <= frame.count)
            }
        }
        print("fuzz: \(total) frames, \(decoded) decoded, errors by kind: \(errors.sorted { $0.key < $1.key })")
        #expect(errors.values.reduce(0, +) > total / 2)
        #expect(errors["frameTooLarge", default: 0] > 0)
    }

    @Test func sessionsSurviveHostileStreams() throws {
        var rng = SeededRandom(state: 42)
        let seeds = try Self.seedFrames()
        var closes: [CloseCode: Int] = [:]
        let rounds = 4_000
        for round in 0..<rounds {
            var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
            if round % 2 == 0 { pair.start() }  // half the time hit the handshake state, half an established session
            var stream: [UInt8] = []
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                stream += rng.next() % 4 == 0 ? seeds[Int(rng.next() % UInt64(seeds.count))]
                    : Self.mutate(seeds[Int(rng.next() % UInt64(seeds.count))], &rng)
            }
            var i = 0
            var relayActions: [RelaySession.Action] = [], deviceActions: [DeviceSession.Action] = []
            while i < stream.count {  // arbitrary chunking
                let end = min(stream.count, i + 1 + Int(rng.next() % 97))
                relayActions += pair.relay.receive(stream[i..<end], now: round)
                deviceActions += pair.device.receive(stream[i..<end], now: round)
                i = end
            }
            relayActions += pair.relay.streamEnded()
            for case .close(let code, _) in relayActions { closes[code, default: 0] += 1 }
            // After a close nothing else is produced.
            if case .closed = pair.relay.state { #expect(pair.relay.receive(seeds[0], now: round).isEmpty) }
            if case .closed = pair.device.state { #expect(pair.device.receive(seeds[0], now: round).isEmpty) }
            _ = deviceActions
        }
        print("fuzz: \(rounds) hostile streams into both sessions; relay closes: \(closes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.name)=\($0.value)" })")
        #expect(closes[.malformedFrame, default: 0] > 0 && closes[.protocolError, default: 0] > 0)
    }

    @Test func limitsHoldWithoutBuffering() throws {
        // A declared length over the limit is refused from the 4-byte prefix alone.
        var reader = FrameReader(limit: 1024)
        reader.append([0, 0, 4, 1])
        #expect(throws: FrameError.frameTooLarge(length: 1025, limit: 1024)) { try reader.next() }
        // No limit can be raised past the absolute ceiling.
        #expect(FrameReader(limit: Int.max).limit == DeviceRelayProtocol.absoluteMaxFrameBytes)
        // Deep nesting is refused by the DAG-CBOR limits, not by the stack.
        var deep: [UInt8] = Array(repeating: 0x81, count: 10_000) + [0x00]
        deep = Frame.encode(body: [0xa2, 0x61, 0x74, 0x64, 0x70, 0x69, 0x6e, 0x67, 0x61, 0x78] + deep)
        #expect(throws: FrameError.self) { try Frame.decode(deep) }
    }
}
