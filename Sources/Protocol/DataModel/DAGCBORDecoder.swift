/// Strict DAG-CBOR reader over a borrowed buffer. Every read is bounds-checked against `count`
/// before touching memory; every rule violation throws with the offset of the offending item.
struct DAGCBORDecoder {
    let base: UnsafePointer<UInt8>?
    let count: Int
    let maxDepth: Int
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
        self.maxDepth = maxDepth
    }

    @inline(__always)
    func byte(_ at: Int) -> UInt8 { base.unsafelyUnwrapped[at] }

    mutating func readValue(depth: Int) throws(DAGCBORError) -> DataValue {
        let start = position
        guard start < count else { throw DAGCBORError(.truncated, at: start) }
        let initial = byte(start)
        let major = initial >> 5
        if major == 7 { return try readSimple(initial, at: start) }
        let argument = try readArgument(initial, at: start)
        switch major {
        case 0:
            guard argument <= UInt64(Int64.max) else { throw DAGCBORError(.integerOutOfRange, at: start) }
            return .integer(Int64(argument))
        case 1:
            guard argument <= UInt64(Int64.max) else { throw DAGCBORError(.integerOutOfRange, at: start) }
            return .integer(~Int64(argument))
        case 2:
            let range = try contentRange(argument, at: start)
            return .bytes(Array(UnsafeBufferPointer(start: base.unsafelyUnwrapped + range.lowerBound, count: range.count)))
        case 3:
            let range = try contentRange(argument, at: start)
            return .string(try makeString(range, at: start))
        case 4:
            return .array(try readArray(argument, depth: depth + 1, at: start))
        case 5:
            return .map(try readMap(argument, depth: depth + 1, at: start))
        default: // 6
            guard argument == 42 else { throw DAGCBORError(.unsupportedTag(argument), at: start) }
            return .link(try readCIDContent(tagAt: start))
        }
    }

    /// Major type 7: only false, true and null are data-model values.
    mutating func readSimple(_ initial: UInt8, at start: Int) throws(DAGCBORError) -> DataValue {
        switch initial {
        case 0xf4: position += 1; return .bool(false)
        case 0xf5: position += 1; return .bool(true)
        case 0xf6: position += 1; return .null
        case 0xf9, 0xfa, 0xfb: throw DAGCBORError(.floatNotAllowed, at: start)
        case 0xfc, 0xfd, 0xfe: throw DAGCBORError(.reservedAdditionalInfo(initial & 0x1f), at: start)
        case 0xff: throw DAGCBORError(.indefiniteLength, at: start)
        case 0xf8:
            guard start + 1 < count else { throw DAGCBORError(.truncated, at: start) }
            throw DAGCBORError(.unsupportedSimpleValue(byte(start + 1)), at: start)
        default: throw DAGCBORError(.unsupportedSimpleValue(initial & 0x1f), at: start)
        }
    }

    /// Reads the header's argument (value or length), requiring the shortest form; advances past it.
    @inline(__always)
    mutating func readArgument(_ initial: UInt8, at start: Int) throws(DAGCBORError) -> UInt64 {
        let info = initial & 0x1f
        if info < 24 {
            position = start + 1
            return UInt64(info)
        }
        let width: Int
        let minimum: UInt64
        switch info {
        case 24: width = 1; minimum = 24
        case 25: width = 2; minimum = 0x100
        case 26: width = 4; minimum = 0x1_0000
        case 27: width = 8; minimum = 0x1_0000_0000
        case 31: throw DAGCBORError(.indefiniteLength, at: start)
        default: throw DAGCBORError(.reservedAdditionalInfo(info), at: start)
        }
        guard count - start > width else { throw DAGCBORError(.truncated, at: start) }
        var value: UInt64 = 0
        for i in 1...width { value = value << 8 | UInt64(byte(start + i)) }
        guard value >= minimum else { throw DAGCBORError(.nonMinimalEncoding, at: start) }
        position = start + 1 + width
        return value
    }

    /// The byte range of a string's content; advances past it.
    @inline(__always)
    mutating func contentRange(_ length: UInt64, at start: Int) throws(DAGCBORError) -> Range<Int> {
        guard length <= UInt64(count - position) else { throw DAGCBORError(.lengthExceedsInput(length), at: start) }
        let lower = position
        position += Int(length)
        return lower..<position
    }

    func makeString(_ range: Range<Int>, at start: Int) throws(DAGCBORError) -> String {
        let buffer = UnsafeBufferPointer(start: base.unsafelyUnwrapped + range.lowerBound, count: range.count)
        guard let string = UTF8Validation.string(buffer) else {
            throw DAGCBORError(.invalidUTF8, at: start)
        }
        return string
    }

    mutating func readArray(_ length: UInt64, depth: Int, at start: Int) throws(DAGCBORError) -> [DataValue] {
        guard depth <= maxDepth else { throw DAGCBORError(.depthLimitExceeded(maxDepth), at: start) }
        // Every item takes at least one byte: a larger count is a lie, caught before allocating.
        guard length <= UInt64(count - position) else { throw DAGCBORError(.lengthExceedsInput(length), at: start) }
        var items: [DataValue] = []
        items.reserveCapacity(Int(length))
        for _ in 0..<Int(length) { items.append(try readValue(depth: depth)) }
        return items
    }

    mutating func readMap(_ length: UInt64, depth: Int, at start: Int) throws(DAGCBORError) -> [String: DataValue] {
        guard depth <= maxDepth else { throw DAGCBORError(.depthLimitExceeded(maxDepth), at: start) }
        // Every entry takes at least two bytes (key header and value).
        guard length <= UInt64(count - position) / 2 else { throw DAGCBORError(.lengthExceedsInput(length), at: start) }
        var map: [String: DataValue] = Dictionary(minimumCapacity: Int(length))
        var previous: Range<Int>? = nil
        for _ in 0..<Int(length) {
            let keyStart = position
            guard keyStart < count else { throw DAGCBORError(.truncated, at: keyStart) }
            let initial = byte(keyStart)
            guard initial >> 5 == 3 else { throw DAGCBORError(.mapKeyNotString, at: keyStart) }
            let keyRange = try contentRange(try readArgument(initial, at: keyStart), at: keyStart)
            let key = try makeString(keyRange, at: keyStart)
            if let previous {
                let order = compareKeys(previous, keyRange)
                if order == 0 { throw DAGCBORError(.duplicateMapKey(key), at: keyStart) }
                if order > 0 { throw DAGCBORError(.mapKeysOutOfOrder, at: keyStart) }
            }
            previous = keyRange
            map[key] = try readValue(depth: depth)
        }
        return map
    }

    /// Canonical key order over raw bytes: length first, then memcmp.
    @inline(__always)
    func compareKeys(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        let p = base.unsafelyUnwrapped
        for i in 0..<a.count {
            let x = p[a.lowerBound + i], y = p[b.lowerBound + i]
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Tag 42's content: a byte string of 0x00 followed by exactly one accepted binary CID.
    mutating func readCIDContent(tagAt start: Int) throws(DAGCBORError) -> CID {
        let contentStart = position
        guard contentStart < count else { throw DAGCBORError(.truncated, at: contentStart) }
        let initial = byte(contentStart)
        guard initial >> 5 == 2 else { throw DAGCBORError(.invalidCID(nil), at: start) }
        let range = try contentRange(try readArgument(initial, at: contentStart), at: contentStart)
        // Fast path for the only shape we accept: 0x00, 0x01, codec, 0x12, 0x20, 32-byte digest.
        let p = base.unsafelyUnwrapped + range.lowerBound
        if range.count == 37, p[0] == 0, p[1] == 1, p[3] == CID.sha256Code, p[4] == 32,
           let codec = CID.Codec(rawValue: UInt64(p[2])) {
            return CID(codec: codec, digest: Array(UnsafeBufferPointer(start: p + 5, count: 32)))
        }
        guard range.count > 0, p[0] == 0 else { throw DAGCBORError(.invalidCID(nil), at: start) }
        do {
            _ = try CID(bytes: UnsafeBufferPointer(start: p + 1, count: range.count - 1))
        } catch {
            throw DAGCBORError(.invalidCID(error), at: start)
        }
        // CID(bytes:) accepts only the shape the fast path matched, so this is unreachable.
        throw DAGCBORError(.invalidCID(nil), at: start)
    }
}
