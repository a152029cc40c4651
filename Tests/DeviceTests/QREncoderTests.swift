import Testing
@testable import Device

/// Our own QR encoder against matrices drawn by an independent implementation: Kazuhiko Arase's
/// QRCode library as vendored by the `qrcode-terminal` package that ships inside npm on the build
/// machine (`new QRCode(version, level); addData(text); makeImpl(false, mask)`), with version and
/// mask pinned because that library scores masks differently. Rows are hex, 4 modules a digit,
/// dark = 1, padded with zeros on the right.
@Suite struct QREncoderTests {
    static let midText = "alwHS3cnyJU5epALW7grCNY9itEP0_kvGR2bmxIT4dozKV6fqBMX8hsDOZ-juFQ1alwHS3cnyJU5epALW7grCNY9itEP0_kvGR2bmxIT4dozKV6fqBMX8hsD"
    /// What `dpds relay pair` shows: a ticket-sized string (341 bytes, byte mode).
    static var ticketText: String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        return "dpds-pair:" + String((0..<330).map { alphabet[($0 * 7) % 64] })
    }

    static let v1M3: [String] = [
        "feabf8", "82ba08", "ba62e8", "bae2e8", "ba42e8", "826208", "feabf8", "00e000", "b72258", "e4a938", "67cfd8",
        "a50c50", "8bf490", "00a500", "fec680", "829e60", "ba3238", "bac490", "baf4c0", "825ac8", "fed900",
    ]
    static let v7L5: [String] = [
        "fe0be1fb8bf8", "82490bf61208", "ba471bbcd2e8", "bafbbabddae8", "babe1fd67ae8", "824e28ed0208", "feaaaaaaabf8",
        "0022f8d5d800", "c74f3f8420c0", "456b73fefbe8", "6b29d6b83650", "ecb7e598dab8", "9bbbaf9c8288", "c99b01465d10",
        "a238c19b17b0", "353f9a69a7e8", "9fd841857478", "3dac36c74cf8", "026eda50e508", "6dee1c519de0", "8fecef846f98",
        "e8e1d8beb8a8", "3ac73a8f3ad0", "98fbf8fe08b0", "7fe9ff8c8f98", "99c9ed565068", "b3ffea6b5450", "c18979cfa278",
        "5365ea216d40", "409f21eb4520", "6e2e94f94288", "d59c00afe6e0", "c6284da56c00", "bc76b4e7efa0", "0ae265168d90",
        "78f4048605e0", "9b632facdff0", "00c9689658b8", "fefe2ad0ead0", "82b8f88208f8", "ba5f3fe10f90", "ba49e84b11b8",
        "ba6d62b91e88", "82ebeaffece0", "febcb52108b0",
    ]
    static let v14M6: [String] = [
        "fee388fbf3a3e766bf8", "8289d265e68fdc46208", "ba92244fed20a1902e8", "ba61f0c6d9f842432e8", "bae4bfff12aff5f9ae8",
        "823265885f78b4d6208", "feaaaaaaaaaaaaaabf8", "0055aa8da378a87d000", "9f9924f87eefdd2d4b8", "d1e267de2e742b2abb0",
        "d36a2719aadb7d25a48", "29f08cd6a941f720760", "fe0637e0aea43536ab0", "fce9625fc662731c238", "f6fa58b78bb52709f38",
        "c58627eb2a245814de0", "6bcf4c828f25b85da38", "6198cac6b9650fa0960", "f284c45aababc9d0368", "b82435438814ea20ad8",
        "53031900b07571a6e50", "45e7b11266688a2aad0", "d73d17e140b7d5202d8", "4df4eed1052896e6b78", "7fb069f8a9cfb737f98",
        "c8cfcd8f8268f11d8a8", "9ab8e2ac848ab6d3ad8", "6887ef8c1f38813b8f0", "3fe2f6fbae1fdc7ff98", "78e12f83e9232dabe70",
        "d7c32a929809bc5d308", "45dc061cb3b44777658", "637e049e3be0d76a458", "f4e9616e6e6733a9c78", "b6aa423d002f43e4848",
        "3ceac7cbed7725b0be8", "36e9b658ca90d336bf8", "2947229ed37859151a0", "238e5f1bcd989db63b8", "75ff68bb09851413ea0",
        "1788cd32ee7fb6b85b8", "30ec7a57eca23eab0a8", "97679858ecfdf2c0b48", "b866b197c63ec807758", "bf9615fe7afff7e5f80",
        "989a1e8fef78a9098e0", "cacc7fae124a8435aa8", "f8f1018c8d38b6e48b8", "4fa18afce8cffffef88", "3115ceaad3794a27e98",
        "222ea725673db6d3778", "1da2344dd55cc53a0f0", "729ee33de95c54b8ab0", "486900d1cf15bc0bd70", "4ad5f66666ef59adc68",
        "15cf54cebb2acce6cc0", "3b9d6b0b6faedfe9798", "a5fad1a7ffe981996b0", "c286fe36d92c54b9f38", "78d724f475f75083078",
        "aee740eeaec8779c788", "f9af0456d36bda25088", "d78de3a04c047543c38", "199d1c9a3a0da377060", "8bd71afdee5ff2b7f88",
        "00eb238bf0a8be188b0", "feea7cae117aa48da88", "82e9fd8f8118eb158d8", "ba8e49f87eafbdc1fc0", "ba822b277f310388e28",
        "ba23fa058c8010fdb98", "825a3f7eaf5283f4178", "fe98289acec57b7e8e8",
    ]

    static func rows(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in
            var bits = (0..<code.size).map { code[$0, y] }
            while bits.count % 4 != 0 { bits.append(false) }
            return stride(from: 0, to: bits.count, by: 4).map { i in
                String(bits[i..<i + 4].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }, radix: 16)
            }.joined()
        }
    }

    @Test func reedSolomonMatchesTheStandardsExample() {
        // ISO/IEC 18004 annex I: "01234567" at 1-M, data codewords and their ten EC codewords.
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let ecc = QRReedSolomon.remainder(data, divisor: QRReedSolomon.divisor(degree: 10))
        #expect(ecc == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test func formatAndAlignmentTablesMatchTheStandard() {
        // Annex C example: M, mask 101 -> 100000011001110; annex E positions for versions 7 and 32.
        #expect(QRMatrix.formatBits(ecc: .medium, mask: 5) == 0b100000011001110)
        #expect(QRVersion.alignmentPositions(7) == [6, 22, 38])
        #expect(QRVersion.alignmentPositions(32) == [6, 34, 60, 86, 112, 138])
        #expect(QRErrorCorrection.medium.dataCodewords(version: 1) == 16)
        #expect(QRErrorCorrection.low.dataCodewords(version: 40) == 2956)
    }

    @Test func version1MatchesTheReference() throws {
        let code = try QRCode(bytes: Array("dpds".utf8), errorCorrection: .medium, mask: 3)
        #expect(code.version == 1)
        #expect(Self.rows(code) == Self.v1M3)
        print("QR: 1 reference matrix checked (version 1-M, mask 3)")
    }

    @Test func version7WithVersionInformationMatchesTheReference() throws {
        let code = try QRCode(bytes: Array(Self.midText.utf8), errorCorrection: .low, version: 7, mask: 5)
        #expect(Self.rows(code) == Self.v7L5)
        print("QR: 1 reference matrix checked (version 7-L, mask 5)")
    }

    @Test func ticketSizedTextPicksVersion14AndMatchesTheReference() throws {
        let auto = try QRCode(text: Self.ticketText)
        #expect(auto.version == 14)
        let code = try QRCode(bytes: Array(Self.ticketText.utf8), errorCorrection: .medium, mask: 6)
        #expect(code.version == 14)
        #expect(Self.rows(code) == Self.v14M6)
        print("QR: 1 reference matrix checked (version 14-M, mask 6, interleaved blocks)")
    }

    @Test func chosenMaskHasTheLowestPenalty() throws {
        let auto = try QRCode(text: Self.ticketText)
        var matrix = QRMatrix(version: auto.version)
        matrix.drawFunctionPatterns()
        matrix.place(QRCode.codewords(Array(Self.ticketText.utf8), version: auto.version, ecc: .medium))
        let scores = (0...7).map { matrix.masked($0, ecc: .medium).penalty() }
        #expect(scores[auto.mask] == scores.min())
        let pinned = try QRCode(text: Self.ticketText, errorCorrection: .medium)
        #expect(pinned == auto)
    }

    @Test func penaltyRules() {
        #expect(QRMatrix.runPenalty(Array(repeating: true, count: 7)) == 5)
        #expect(QRMatrix.runPenalty([true, false, true, false]) == 0)
        #expect(QRMatrix.finderPenalty([false, false, false, false, true, false, true, true, true, false, true]) == 40)
        #expect(QRMatrix.finderPenalty([true, false, true, true, true, false, true]) == 40)  // quiet zone is light
    }

    @Test func tooLongIsATypedError() {
        #expect(throws: QRCode.EncodeError.tooLong(bytes: 3000)) {
            try QRCode(bytes: Array(repeating: 0x41, count: 3000), errorCorrection: .low)
        }
        #expect(throws: QRCode.EncodeError.invalidMask(9)) { try QRCode(bytes: [1], mask: 9) }
    }

    @Test func terminalDrawingHasAQuietZoneAndTwoRowsALine() throws {
        let code = try QRCode(bytes: Array("dpds".utf8), mask: 3)
        let lines = code.terminalText().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == (21 + 8 + 1) / 2)
        #expect(lines.allSatisfy { $0.count == 29 })
        #expect(lines[0] == Substring(String(repeating: "█", count: 29)))  // quiet zone drawn light
        // Row 4 (first symbol row) top half: the finder's dark top edge leaves blanks after 4 light modules.
        #expect(lines[2].hasPrefix("████ "))
    }
}
