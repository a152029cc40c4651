import Testing
@testable import Protocol

@Suite struct JSONDataModelTests {
    static func reject(_ json: String, _ reason: DataModelJSONError.Reason, at offset: Int,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: DataModelJSONError(reason, at: offset), sourceLocation: sourceLocation) {
            try DataModelJSON.decode(json)
        }
    }

    @Test func integersStayExact() throws {
        #expect(try DataModelJSON.decode("9007199254740993") == .integer(9_007_199_254_740_993))
        #expect(try DataModelJSON.decode("9223372036854775807") == .integer(.max))
        #expect(try DataModelJSON.decode("-9223372036854775808") == .integer(.min))
        #expect(try DataModelJSON.decode("-0") == .integer(0))
        #expect(try DataModelJSON.decode("123.0") == .integer(123))
        #expect(try DataModelJSON.decode("1e3") == .integer(1000))
        #expect(try DataModelJSON.decode("1.5E1") == .integer(15))
        #expect(try DataModelJSON.decode("0.000e-99999999") == .integer(0))
        #expect(DataModelJSON.encodeString(.integer(.min)) == "-9223372036854775808")
        Self.reject("9223372036854775808", .integerOutOfRange, at: 0)
        Self.reject("-9223372036854775809", .integerOutOfRange, at: 0)
        Self.reject("[1e19]", .integerOutOfRange, at: 1)
        Self.reject("1e99999999999", .integerOutOfRange, at: 0)
        Self.reject("123.456", .floatNotAllowed, at: 0)
        Self.reject("1e-1", .floatNotAllowed, at: 0)
        Self.reject("01", .invalidNumber, at: 0)
        Self.reject("1.", .invalidNumber, at: 0)
        Self.reject("-", .invalidNumber, at: 0)
        Self.reject("1e+", .invalidNumber, at: 0)
        Self.reject("+1", .unexpectedByte(UInt8(ascii: "+")), at: 0)
    }

    @Test func stringsAndEscapes() throws {
        #expect(try DataModelJSON.decode(#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#) == .string("a\"\\/\u{8}\u{c}\n\r\té😀"))
        #expect(try DataModelJSON.decode("\"héllo ⽘\"") == .string("héllo ⽘"))
        Self.reject(#""\ud83d""#, .unpairedSurrogate, at: 1)
        Self.reject(#""\ude00x""#, .unpairedSurrogate, at: 1)
        Self.reject(#""\ud83d\u0041""#, .unpairedSurrogate, at: 1)
        Self.reject(#""\x""#, .invalidEscape, at: 1)
        Self.reject(#""\u12g4""#, .invalidEscape, at: 5)
        Self.reject("\"a\nb\"", .controlCharacterInString, at: 2)
        Self.reject("\"abc", .unexpectedEnd, at: 4)
        #expect(throws: DataModelJSONError(.invalidUTF8, at: 0)) { try DataModelJSON.decode([0x22, 0xc3, 0x28, 0x22]) }
        let tricky = DataValue.string("q\"b\\n\n\u{1}\u{1f}é😀/")
        #expect(try DataModelJSON.decode(DataModelJSON.encode(tricky)) == tricky)
        #expect(DataModelJSON.encodeString(tricky) == #""q\"b\\n\n\u0001\u001fé😀/""#)
    }

    @Test func structureIsStrict() throws {
        #expect(try DataModelJSON.decode(" { \"a\" : [ true , false , null , { } , [ ] ] } ")
            == .map(["a": .array([.bool(true), .bool(false), .null, .map([:]), .array([])])]))
        Self.reject(#"{"a":1,"a":2}"#, .duplicateKey("a"), at: 7)
        Self.reject("[1,]", .unexpectedByte(UInt8(ascii: "]")), at: 3)
        Self.reject("{\"a\":1,}", .unexpectedByte(UInt8(ascii: "}")), at: 7)
        Self.reject("[1 2]", .unexpectedByte(UInt8(ascii: "2")), at: 3)
        Self.reject("{1:2}", .unexpectedByte(UInt8(ascii: "1")), at: 1)
        Self.reject("tru", .unexpectedEnd, at: 3)
        Self.reject("nul1", .unexpectedByte(UInt8(ascii: "1")), at: 0)
        Self.reject("{} x", .trailingContent, at: 3)
        Self.reject("", .unexpectedEnd, at: 0)
        Self.reject("[", .unexpectedEnd, at: 1)
        Self.reject(String(repeating: "[", count: 129) + String(repeating: "]", count: 129), .depthLimitExceeded(128), at: 128)
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: DataModelJSONError.self) { try DataModelJSON.decode(deep) }
    }

    @Test func linksBytesAndBlobs() throws {
        let link = "bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity"
        let cid = try CID(string: link)
        let blob = #"{"$type":"blob","ref":{"$link":"\#(link)"},"mimeType":"image/jpeg","size":10000}"#
        let value = try DataModelJSON.decode(blob)
        #expect(value == .map(["$type": .string("blob"), "ref": .link(cid), "mimeType": .string("image/jpeg"), "size": .integer(10000)]))
        #expect(try DataModelJSON.decode(DataModelJSON.encode(value)) == value)
        try DataModelValidation.validate(value)

        #expect(try DataModelJSON.decode(#"{"$bytes":"AQID"}"#) == .bytes([1, 2, 3]))
        #expect(try DataModelJSON.decode(#"{"$bytes":"AQIDBA=="}"#) == .bytes([1, 2, 3, 4]))
        #expect(DataModelJSON.encodeString(.bytes([1, 2, 3, 4])) == #"{"$bytes":"AQIDBA"}"#)
        #expect(DataModelJSON.encodeString(.link(cid)) == #"{"$link":"\#(link)"}"#)
        Self.reject(#"{"$bytes":"A"}"#, .invalidBytes, at: 0)
        Self.reject(#"{"$bytes":"-_8"}"#, .invalidBytes, at: 0)
        Self.reject(#"[{"$link":"bafy"}]"#, .invalidLink(.invalidBase32(.invalidLength(3))), at: 1)
        Self.reject(#"{"$link":"QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR"}"#, .invalidLink(.unsupportedMultibase("Q")), at: 0)
        Self.reject(#"{"$link":null}"#, .invalidLink(nil), at: 0)

        #expect(throws: DataModelViolation.topLevelNotMap) { try DataModelValidation.validate(.array([])) }
        #expect(throws: DataModelViolation.invalidType(path: "a[0]")) {
            try DataModelValidation.validate(.map(["a": .array([.map(["$type": .integer(1)])])]))
        }
        #expect(throws: DataModelViolation.invalidBlob(path: "b", field: "size")) {
            try DataModelValidation.validate(.map(["b": .map(["$type": .string("blob"), "ref": .link(cid), "mimeType": .string("x"), "size": .integer(-1)])]))
        }
    }

    @Test func randomValuesRoundTripThroughJSON() throws {
        var random = RandomDataValues(seed: 11)
        for _ in 0..<2_000 {
            let value = random.value()
            let json = DataModelJSON.encode(value)
            let decoded = try DataModelJSON.decode(json)
            #expect(decoded == value)
            #expect(DataModelJSON.encode(decoded) == json)
        }
    }
}
