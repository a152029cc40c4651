@testable import Keys
import Testing

@Suite struct SLIP39Tests {
    let secret = SecretBytes(ShamirSplit.randomBytes(32))

    @Test func anyTwoOfThreeReconstruct() throws {
        let shares = try SLIP39.split(secret: secret, threshold: 2, count: 3, passphrase: SecretBytes(Array("pw".utf8)))
        #expect(shares.count == 3)
        #expect(shares.allSatisfy { $0.words.count == 33 })
        for (a, b) in [(0, 1), (0, 2), (1, 2), (2, 0)] {
            let words = [shares[a], shares[b]].map { $0.words.joined(separator: " ") }
            #expect(try SLIP39.combine(mnemonics: words, passphrase: SecretBytes(Array("pw".utf8))) == secret)
        }
    }

    @Test func oneShareIsNotEnough() throws {
        let shares = try SLIP39.split(secret: secret, threshold: 2, count: 3)
        #expect(throws: SLIP39Error.notEnoughShares(have: 1, need: 2)) {
            try SLIP39.combine(mnemonics: [shares[1].words.joined(separator: " ")])
        }
    }

    /// A single share's bytes are uniform whatever the secret: over many splits of an all-zero and
    /// an all-0xFF secret, each share position's byte histogram passes a chi-square test against
    /// uniform (255 degrees of freedom; the bound is ~6 sigma, so a false failure is negligible).
    @Test func oneShareIsIndependentOfTheSecret() throws {
        for fill in [UInt8(0x00), 0xFF] {
            let fixed = [UInt8](repeating: fill, count: 32)
            var histograms = [[Int]](repeating: [Int](repeating: 0, count: 256), count: 3)
            let runs = 2048
            for _ in 0..<runs {
                let shares = try ShamirSplit.split(threshold: 2, count: 3, secret: fixed)
                for (i, share) in shares.enumerated() { for byte in share.data { histograms[i][Int(byte)] += 1 } }
            }
            let expected = Double(runs * 32) / 256
            for histogram in histograms {
                let chi = histogram.reduce(0.0) { $0 + pow2(Double($1) - expected) / expected }
                #expect(chi < 400, "chi-square \(chi) for secret filled with \(fill)")
            }
        }
    }

    @Test func corruptedSharesAreRefused() throws {
        let shares = try SLIP39.split(secret: secret, threshold: 2, count: 3)
        var words = shares[0].words
        let good = shares[1].words.joined(separator: " ")
        words[10] = words[10] == "academic" ? "acid" : "academic"
        #expect(throws: SLIP39Error.invalidChecksum(share: 1)) {
            try SLIP39.combine(mnemonics: [words.joined(separator: " "), good])
        }
        words = shares[0].words
        words[5] = "notaword"
        #expect(throws: SLIP39Error.unknownWord(position: 6)) { try SLIP39Share.parse(words.joined(separator: " ")) }
        #expect(throws: SLIP39Error.invalidLength(words: 32)) {
            try SLIP39Share.parse(shares[0].words.dropLast().joined(separator: " "))
        }
        #expect(throws: SLIP39Error.duplicateShareIndex(0)) {
            try SLIP39.combine(mnemonics: [shares[0], shares[0]].map { $0.words.joined(separator: " ") })
        }
    }

    @Test func mismatchedSharesAreRefused() throws {
        let ours = try SLIP39.split(secret: secret, threshold: 2, count: 3)
        let theirs = try SLIP39.split(secret: SecretBytes(ShamirSplit.randomBytes(32)), threshold: 2, count: 3)
        #expect(throws: SLIP39Error.self) {
            try SLIP39.combine(shares: [ours[0], theirs[1]])
        }
        // Same identifier, altered value with a valid checksum: only the digest can catch it.
        var value = ours[1].value
        value[3] ^= 0x01
        let forged = SLIP39Share(identifier: ours[1].identifier, extendable: ours[1].extendable,
                                 iterationExponent: ours[1].iterationExponent, groupIndex: 0, groupThreshold: 1,
                                 groupCount: 1, memberIndex: ours[1].memberIndex, memberThreshold: 2, value: value)
        let reparsed = try SLIP39Share.parse(forged.words.joined(separator: " "))
        #expect(throws: SLIP39Error.invalidDigest) { try SLIP39.combine(shares: [ours[0], reparsed]) }
    }

    @Test func sharesRedactThemselves() throws {
        let share = try SLIP39.split(secret: secret, threshold: 2, count: 3)[0]
        let words = share.words
        var dumped = ""
        dump(share, to: &dumped)
        for text in ["\(share)", String(reflecting: share), dumped, "\(share.mnemonic)"] {
            #expect(!text.contains(words[4]) || words[4].count < 4, "leaked: \(text)")
            #expect(!text.contains(words.joined(separator: " ")))
        }
    }

    @Test func wrongPassphraseGivesADifferentSecretNotAnError() throws {
        // SLIP-0039 by design: every passphrase decrypts to *some* secret (plausible deniability).
        let shares = try SLIP39.split(secret: secret, threshold: 2, count: 3, passphrase: SecretBytes(Array("a".utf8)))
        let other = try SLIP39.combine(shares: Array(shares.prefix(2)), passphrase: SecretBytes(Array("b".utf8)))
        #expect(other != secret)
    }
}

private func pow2(_ x: Double) -> Double { x * x }
