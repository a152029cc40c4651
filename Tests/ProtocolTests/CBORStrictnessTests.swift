import Testing
@testable import Protocol

/// Canonical DAG-CBOR: each non-canonical form is rejected with its reason and offset,
/// and the encoder produces the shortest, sorted form.
@Suite struct CBORStrictnessTests {
    static func reject(_ bytes: [UInt8], _ reason: DAGCBORError.Reason, at offset: Int,
                       limits: DAGCBORLimits = .default, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let value = try DAGCBOR.decode(bytes, limits: limits)
            Issue.record("accepted \(bytes) as \(value)", sourceLocation: sourceLocation)
        } catch {
            #expect(error == DAGCBORError(reason, at: offset), sourceLocation: sourceLocation)
        }
    }

    static let digest = [UInt8](repeating: 0xab, count: 32)

    @Test func integersEncodeShortest() throws {
        let cases: [(Int64, [UInt8])] = [
            (0, [0x00]), (23, [0x17]), (24, [0x18, 24]), (255, [0x18, 0xff]), (256, [0x19, 1, 0]),
            (65535, [0x19, 0xff, 0xff]), (65536, [0x1a, 0, 1, 0, 0]), (4_294_967_295, [0x1a, 0xff, 0xff, 0xff, 0xff]),
            (4_294_967_296, [0x1b, 0, 0, 0, 1, 0, 0, 0, 0]),
            (Int64.max, [0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            (-1, [0x20]), (-24, [0x37]), (-25, [0x38, 24]), (-256, [0x38, 0xff]), (-257, [0x39, 1, 0]),
            (Int64.min, [0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        ]
        for (value, bytes) in cases {
            #expect(DAGCBOR.encode(.integer(value)) == bytes, "\(value)")
            #expect(try DAGCBOR.decode(bytes) == .integer(value))
        }
    }

    @Test func mapKeysSortLengthFirstThenBytes() throws {
        let value = DataValue.map(["aa": .integer(1), "b": .integer(2), "a": .integer(3), "ab": .integer(4), "é": .integer(5), "Z": .null])
        let bytes = DAGCBOR.encode(value)
        #expect(bytes == [0xa6, 0x61, 0x5a, 0xf6, 0x61, 0x61, 3, 0x61, 0x62, 2, 0x62, 0x61, 0x61, 1,
                          0x62, 0x61, 0x62, 4, 0x62, 0xc3, 0xa9, 5])
        #expect(try DAGCBOR.decode(bytes) == value)
    }

    @Test func linksAreTag42WithZeroPrefix() throws {
        let cid = CID(codec: .raw, digest: Self.digest)
        let bytes = DAGCBOR.encode(.link(cid))
        #expect(bytes == [0xd8, 0x2a, 0x58, 0x25, 0x00] + cid.bytes)
        #expect(try DAGCBOR.decode(bytes) == .link(cid))
    }

    @Test func nonMinimalHeadersAreRejected() {
        Self.reject([0x18, 0x17], .nonMinimalEncoding, at: 0)
        Self.reject([0x19, 0x00, 0xff], .nonMinimalEncoding, at: 0)
        Self.reject([0x1a, 0x00, 0x00, 0xff, 0xff], .nonMinimalEncoding, at: 0)
        Self.reject([0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], .nonMinimalEncoding, at: 0)
        Self.reject([0x38, 0x00], .nonMinimalEncoding, at: 0)
        Self.reject([0x58, 0x01, 0xaa], .nonMinimalEncoding, at: 0)  // byte-string length
        Self.reject([0x81, 0x78, 0x00], .nonMinimalEncoding, at: 1)  // text-string length
        Self.reject([0x98, 0x01, 0x00], .nonMinimalEncoding, at: 0)  // array length
        Self.reject([0xb8, 0x00], .nonMinimalEncoding, at: 0)        // map length
        Self.reject([0xd9, 0x00, 0x2a, 0x40], .nonMinimalEncoding, at: 0) // tag number
    }

    @Test func integersOutsideInt64AreRejected() {
        Self.reject([0x1b, 0x80, 0, 0, 0, 0, 0, 0, 0], .integerOutOfRange, at: 0)
        Self.reject([0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0], .integerOutOfRange, at: 0)
        Self.reject([0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .integerOutOfRange, at: 0)
    }

    @Test func floatsSimpleValuesAndIndefiniteLengthsAreRejected() {
        Self.reject([0xf9, 0x3c, 0x00], .floatNotAllowed, at: 0)
        Self.reject([0xfa, 0x3f, 0x80, 0, 0], .floatNotAllowed, at: 0)
        Self.reject([0xa1, 0x61, 0x61, 0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0], .floatNotAllowed, at: 3)
        Self.reject([0xf7], .unsupportedSimpleValue(23), at: 0)
        Self.reject([0xe0], .unsupportedSimpleValue(0), at: 0)
        Self.reject([0xf8, 0x20], .unsupportedSimpleValue(32), at: 0)
        Self.reject([0xf8], .truncated, at: 0)
        Self.reject([0xfc], .reservedAdditionalInfo(28), at: 0)
        Self.reject([0x1c], .reservedAdditionalInfo(28), at: 0)
        Self.reject([0x5e], .reservedAdditionalInfo(30), at: 0)
        for initial: UInt8 in [0x5f, 0x7f, 0x9f, 0xbf, 0xff, 0x1f, 0x3f, 0xdf] {
            Self.reject([initial, 0xff], .indefiniteLength, at: 0)
        }
    }

    @Test func tagsOtherThanValidCIDsAreRejected() {
        Self.reject([0xc0, 0x60], .unsupportedTag(0), at: 0)
        Self.reject([0xd8, 0x2b, 0x40], .unsupportedTag(43), at: 0)
        Self.reject([0xd8, 0x2a, 0x60], .invalidCID(nil), at: 0)               // text, not bytes
        Self.reject([0xd8, 0x2a, 0xd8, 0x2a, 0x40], .invalidCID(nil), at: 0)   // nested tag
        let cidBytes = CID(codec: .dagCBOR, digest: Self.digest).bytes
        Self.reject([0xd8, 0x2a, 0x58, 0x24] + cidBytes, .invalidCID(nil), at: 0) // no 0x00 prefix
        Self.reject([0xd8, 0x2a, 0x58, 0x26, 0x00] + cidBytes + [0x00], .invalidCID(.trailingBytes(1)), at: 0)
        Self.reject([0xd8, 0x2a, 0x58, 0x23, 0x00, 0x12, 0x20] + Self.digest, .invalidCID(.unsupportedVersion(0x12)), at: 0)
        Self.reject([0xd8, 0x2a, 0x58, 0x25, 0x00, 0x01, 0x70, 0x12, 0x20] + Self.digest, .invalidCID(.unsupportedCodec(0x70)), at: 0)
        Self.reject([0xd8, 0x2a, 0x58, 0x25, 0x00, 0x01, 0x71, 0x13, 0x20] + Self.digest, .invalidCID(.unsupportedHash(0x13)), at: 0)
        Self.reject([0xd8, 0x2a, 0x40], .invalidCID(nil), at: 0)
        Self.reject([0xd8, 0x2a], .truncated, at: 2)
    }

    @Test func stringsMustBeValidUTF8() {
        Self.reject([0x62, 0xc3, 0x28], .invalidUTF8, at: 0)
        Self.reject([0x62, 0xc0, 0xaf], .invalidUTF8, at: 0)              // overlong "/"
        Self.reject([0x63, 0xed, 0xa0, 0x80], .invalidUTF8, at: 0)        // UTF-16 surrogate
        Self.reject([0x64, 0xf4, 0x90, 0x80, 0x80], .invalidUTF8, at: 0)  // above U+10FFFF
        Self.reject([0x61, 0xff], .invalidUTF8, at: 0)
        Self.reject([0xa1, 0x61, 0x80, 0x00], .invalidUTF8, at: 1)        // in a key
    }

    @Test func mapsMustBeCanonical() {
        Self.reject([0xa1, 0x01, 0x02], .mapKeyNotString, at: 1)
        Self.reject([0xa1, 0x41, 0x61, 0x02], .mapKeyNotString, at: 1)    // bytes key
        Self.reject([0xa2, 0x61, 0x62, 0x01, 0x61, 0x61, 0x02], .mapKeysOutOfOrder, at: 4)
        Self.reject([0xa2, 0x62, 0x61, 0x61, 0x01, 0x61, 0x62, 0x02], .mapKeysOutOfOrder, at: 5)
        Self.reject([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], .duplicateMapKey("a"), at: 4)
        Self.reject([0xa2, 0x60, 0x01, 0x60, 0x02], .duplicateMapKey(""), at: 3)
    }

    @Test func wholeInputIsOneItem() {
        Self.reject([], .truncated, at: 0)
        Self.reject([0x01, 0x02], .trailingBytes(1), at: 1)
        Self.reject([0xa0, 0xa0, 0xa0], .trailingBytes(2), at: 1)
    }

    @Test func concatenatedItemsDecodeOneAtATime() throws {
        let header = DataValue.map(["op": .integer(1), "t": .string("#commit")])
        let body = DataValue.map(["seq": .integer(7)])
        let frame = DAGCBOR.encode(header) + DAGCBOR.encode(body)
        let first = try DAGCBOR.decodeFirst(frame)
        #expect(first.value == header)
        let second = try DAGCBOR.decodeFirst(frame[first.length...])
        #expect(second.value == body)
        #expect(first.length + second.length == frame.count)
        #expect(throws: DAGCBORError(.truncated, at: 0)) { try DAGCBOR.decodeFirst(frame[frame.count...]) }
        #expect(throws: DAGCBORError(.nonMinimalEncoding, at: 1)) { try DAGCBOR.decodeFirst([0xee, 0x81, 0x18, 0x01][1...]) }
    }

    @Test func limitsAreEnforced() throws {
        let deepest = [UInt8](repeating: 0x81, count: 127) + [0x80]
        #expect(try DAGCBOR.decode(deepest) != .null)
        Self.reject([UInt8](repeating: 0x81, count: 128) + [0x80], .depthLimitExceeded(128), at: 128)
        Self.reject([0xa1, 0x61, 0x61, 0xa1, 0x61, 0x61, 0xa0], .depthLimitExceeded(2), at: 6,
                    limits: DAGCBORLimits(maxDepth: 2))
        Self.reject([0x43, 1, 2, 3], .sizeLimitExceeded(4), at: 0, limits: DAGCBORLimits(maxSize: 3))
    }

    @Test func decodesEveryKindAtOffsetInsideSlices() throws {
        let value = DataValue.map(["n": .null, "t": .bool(true), "f": .bool(false), "s": .string("héllo"),
                                   "b": .bytes([1, 2, 3]), "a": .array([.integer(-5), .map([:])]),
                                   "l": .link(CID(codec: .dagCBOR, digest: Self.digest))])
        let bytes = DAGCBOR.encode(value)
        #expect(try DAGCBOR.decode(bytes) == value)
        let padded = [0xee, 0xee] + bytes + [0xee]
        #expect(try DAGCBOR.decode(padded[2..<(padded.count - 1)]) == value)
    }
}
