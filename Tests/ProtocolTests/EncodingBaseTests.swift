import Testing
@testable import Protocol

/// RFC 4648 test vectors (section 10) and the strictness of our decoders.
@Suite struct EncodingBaseTests {
    static let rfc: [(String, String, String)] = [ // input, base32 lower unpadded, base64 padded
        ("", "", ""), ("f", "my", "Zg=="), ("fo", "mzxq", "Zm8="), ("foo", "mzxw6", "Zm9v"),
        ("foob", "mzxw6yq", "Zm9vYg=="), ("fooba", "mzxw6ytb", "Zm9vYmE="), ("foobar", "mzxw6ytboi", "Zm9vYmFy"),
    ]

    @Test func base32MatchesRFC4648() throws {
        for (input, b32, _) in Self.rfc {
            #expect(Base32.encode(Array(input.utf8)) == b32)
            #expect(try Base32.decode(b32) == Array(input.utf8))
        }
    }

    @Test func base32RejectsNonCanonicalInput() {
        #expect(throws: Base32.DecodeError.invalidCharacter(offset: 0)) { try Base32.decode("MY") }
        #expect(throws: Base32.DecodeError.invalidCharacter(offset: 2)) { try Base32.decode("my======") }
        #expect(throws: Base32.DecodeError.invalidCharacter(offset: 1)) { try Base32.decode("m1") }
        #expect(throws: Base32.DecodeError.invalidLength(1)) { try Base32.decode("m") }
        #expect(throws: Base32.DecodeError.invalidLength(3)) { try Base32.decode("mzx") }
        #expect(throws: Base32.DecodeError.nonZeroTrailingBits) { try Base32.decode("mz") }
    }

    @Test func base64MatchesRFC4648InAllForms() throws {
        for (input, _, b64) in Self.rfc {
            let bytes = Array(input.utf8)
            let unpadded = String(b64.prefix(while: { $0 != "=" }))
            #expect(Base64.encode(bytes) == b64)
            #expect(Base64.encode(bytes, padded: false) == unpadded)
            #expect(try Base64.decode(b64) == bytes)
            #expect(try Base64.decode(unpadded) == bytes)
        }
        let high: [UInt8] = [0xfb, 0xff, 0xfe]
        #expect(Base64.encode(high) == "+//+")
        #expect(Base64.encode(high, url: true, padded: false) == "-__-")
        #expect(try Base64.decode("-__-", url: true) == high)
    }

    @Test func base64RejectsBadInput() {
        #expect(throws: Base64.DecodeError.invalidCharacter(offset: 0)) { try Base64.decode("-__-") }
        #expect(throws: Base64.DecodeError.invalidCharacter(offset: 0)) { try Base64.decode("+//+", url: true) }
        #expect(throws: Base64.DecodeError.invalidCharacter(offset: 2)) { try Base64.decode("Zm 9") }
        #expect(throws: Base64.DecodeError.invalidCharacter(offset: 1)) { try Base64.decode("Z=g=") }
        #expect(throws: Base64.DecodeError.invalidLength(5)) { try Base64.decode("Zm9vY") }
        #expect(throws: Base64.DecodeError.invalidCharacter(offset: 2)) { try Base64.decode("Zg=") }
        #expect(throws: Base64.DecodeError.invalidCharacter(offset: 5)) { try Base64.decode("Zm9vY===") }
    }

    @Test func randomBytesRoundTripEveryForm() throws {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
            for url in [false, true] {
                for padded in [false, true] {
                    #expect(try Base64.decode(Base64.encode(bytes, url: url, padded: padded), url: url) == bytes)
                }
            }
        }
    }
}
