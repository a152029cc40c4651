import Testing
import TestSupport
@testable import Protocol

@Suite struct CIDParsingTests {
    static let dagCBOR = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"
    static let raw = "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"

    @Test func stringAndBytesRoundTrip() throws {
        for (string, codec) in [(Self.dagCBOR, CID.Codec.dagCBOR), (Self.raw, .raw)] {
            let cid = try CID(string: string)
            #expect(cid.codec == codec)
            #expect(cid.string == string)
            #expect("\(cid)" == string)
            #expect(try CID(bytes: cid.bytes) == cid)
            #expect(cid.bytes.count == 36)
        }
        let computed = CID.compute(.raw, Array("hello".utf8))
        #expect(computed.string == "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq")
        #expect(try CID.decodePrefix(ArraySlice(computed.bytes + [9, 9])) == (computed, 36))
    }

    @Test func unsupportedFormsFailWithTheirReason() {
        #expect(throws: CIDError.empty) { try CID(string: "") }
        #expect(throws: CIDError.unsupportedMultibase("B")) { try CID(string: Self.dagCBOR.uppercased()) }
        #expect(throws: CIDError.unsupportedMultibase("z")) { try CID(string: "zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7") }
        #expect(throws: CIDError.unsupportedMultibase("Q")) { try CID(string: "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR") }
        #expect(throws: CIDError.unsupportedCodec(0x70)) { try CID(string: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi") }
        #expect(throws: CIDError.invalidBase32(.invalidCharacter(offset: 0))) { try CID(string: "b..") }
        #expect(throws: CIDError.truncated) { try CID(string: "b" + Base32.encode(CID.compute(.raw, [1]).bytes.dropLast(5))) }
        let digest = [UInt8](repeating: 7, count: 32)
        #expect(throws: CIDError.unsupportedVersion(0x12)) { try CID(bytes: [0x12, 0x20] + digest) }
        #expect(throws: CIDError.unsupportedHash(0x13)) { try CID(bytes: [0x01, 0x71, 0x13, 0x20] + digest) }
        #expect(throws: CIDError.invalidDigestLength(31)) { try CID(bytes: [0x01, 0x71, 0x12, 0x1f] + digest.dropLast()) }
        #expect(throws: CIDError.trailingBytes(1)) { try CID(bytes: [0x01, 0x55, 0x12, 0x20] + digest + [0]) }
        #expect(throws: CIDError.invalidVarint(.notMinimal)) { try CID(bytes: [0x81, 0x00, 0x71]) }
        #expect(throws: CIDError.truncated) { try CID(bytes: [0x01, 0x71, 0x12]) }
    }

    /// The syntax vectors admit any CID; we accept exactly the blessed ones among the valid
    /// lines and none of the invalid lines.
    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func syntaxVectors() throws {
        let valid = try InteropCorpus.lines("syntax/cid_syntax_valid.txt")
        let invalid = try InteropCorpus.lines("syntax/cid_syntax_invalid.txt")
        var blessed = 0
        for line in valid {
            if line.hasPrefix("bafyrei") || line.hasPrefix("bafkrei") {
                #expect(try CID(string: line).string == line)
                blessed += 1
            } else {
                #expect(throws: CIDError.self, "\(line)") { try CID(string: line) }
            }
        }
        for line in invalid { #expect(throws: CIDError.self, "\(line)") { try CID(string: line) } }
        print("syntax/cid_syntax_valid.txt: \(valid.count) vectors checked (\(blessed) blessed and accepted)")
        print("syntax/cid_syntax_invalid.txt: \(invalid.count) vectors checked")
    }
}
