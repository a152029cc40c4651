/// Strict RFC 8259 reader producing data-model values directly (no intermediate tree).
/// Integers are parsed exactly from their digits, never through Double.
struct JSONReader {
    let input: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    init(_ input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
    }

    typealias Failure = DataModelJSONError

    mutating func readDocument() throws(Failure) -> DataValue {
        skipWhitespace()
        let value = try readValue(depth: 0)
        skipWhitespace()
        if position != input.count { throw Failure(.trailingContent, at: position) }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x09, 0x0a, 0x0d: position += 1
            default: return
            }
        }
    }

    func peek() throws(Failure) -> UInt8 {
        guard position < input.count else { throw Failure(.unexpectedEnd, at: position) }
        return input[position]
    }

    mutating func expect(_ byte: UInt8) throws(Failure) {
        let b = try peek()
        guard b == byte else { throw Failure(.unexpectedByte(b), at: position) }
        position += 1
    }

    mutating func readValue(depth: Int) throws(Failure) -> DataValue {
        let b = try peek()
        switch b {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .integer(try readNumber())
        default: throw Failure(.unexpectedByte(b), at: position)
        }
    }

    mutating func readLiteral(_ word: StaticString) throws(Failure) {
        let start = position
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in bytes {
            guard position < input.count else { throw Failure(.unexpectedEnd, at: position) }
            guard input[position] == expected else { throw Failure(.unexpectedByte(input[position]), at: start) }
            position += 1
        }
    }

    mutating func readArray(depth: Int) throws(Failure) -> DataValue {
        if depth > maxDepth { throw Failure(.depthLimitExceeded(maxDepth), at: position) }
        position += 1
        var items: [DataValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try readValue(depth: depth))
            skipWhitespace()
            let b = try peek()
            position += 1
            if b == UInt8(ascii: "]") { return .array(items) }
            guard b == UInt8(ascii: ",") else { throw Failure(.unexpectedByte(b), at: position - 1) }
        }
    }

    mutating func readObject(depth: Int) throws(Failure) -> DataValue {
        if depth > maxDepth { throw Failure(.depthLimitExceeded(maxDepth), at: position) }
        let start = position
        position += 1
        var map: [String: DataValue] = [:]
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") { position += 1; return .map(map) }
        while true {
            skipWhitespace()
            let keyStart = position
            guard try peek() == UInt8(ascii: "\"") else { throw Failure(.unexpectedByte(input[position]), at: position) }
            let key = try readString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            let value = try readValue(depth: depth)
            if map.updateValue(value, forKey: key) != nil { throw Failure(.duplicateKey(key), at: keyStart) }
            skipWhitespace()
            let b = try peek()
            position += 1
            if b == UInt8(ascii: "}") { break }
            guard b == UInt8(ascii: ",") else { throw Failure(.unexpectedByte(b), at: position - 1) }
        }
        return try interpretSpecialObject(map, at: start)
    }

    /// `$link` and `$bytes` objects become links and bytes; any other use of those keys is an error.
    func interpretSpecialObject(_ map: [String: DataValue], at start: Int) throws(Failure) -> DataValue {
        if let link = map["$link"] {
            guard map.count == 1, case .string(let s) = link else { throw Failure(.invalidLink(nil), at: start) }
            do { return .link(try CID(string: s)) } catch { throw Failure(.invalidLink(error), at: start) }
        }
        if let bytes = map["$bytes"] {
            guard map.count == 1, case .string(let s) = bytes,
                  let decoded = try? Base64.decode(s) else { throw Failure(.invalidBytes, at: start) }
            return .bytes(decoded)
        }
        return .map(map)
    }
}
