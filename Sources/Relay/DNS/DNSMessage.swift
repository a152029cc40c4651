/// A sans-IO DNS message codec, just enough for TXT lookups (RFC 1035 §4): one question out,
/// answers in, with name compression followed safely. We wrote it ourselves because no DNS
/// package is in Package.swift and a handle check needs only this small subset.
public enum DNSMessage {
    public static let typeTXT: UInt16 = 16
    public static let typeCNAME: UInt16 = 5
    public static let classIN: UInt16 = 1

    public struct Record: Sendable, Equatable {
        public let name: String
        public let type: UInt16
        public let ttl: UInt32
        public let data: [UInt8]

        /// The character-strings of a TXT record, joined as RFC 7208 §3.3 does for split values.
        public func txtStrings() throws(DNSError) -> [[UInt8]] {
            var strings: [[UInt8]] = []
            var index = 0
            while index < data.count {
                let length = Int(data[index])
                guard index + 1 + length <= data.count else { throw .malformed("TXT string overruns its record") }
                strings.append(Array(data[index + 1 ..< index + 1 + length]))
                index += 1 + length
            }
            return strings
        }
    }

    public struct Response: Sendable, Equatable {
        public let id: UInt16
        public let rcode: Int
        public let truncated: Bool
        public let answers: [Record]
    }

    /// A recursive query (RD set) for one name and type.
    public static func query(id: UInt16, name: String, type: UInt16) throws(DNSError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendUInt16(id)
        bytes.appendUInt16(0x0100) // standard query, recursion desired
        bytes.appendUInt16(1)      // QDCOUNT
        bytes += [0, 0, 0, 0, 0, 0]
        bytes += try encodeName(name)
        bytes.appendUInt16(type)
        bytes.appendUInt16(classIN)
        return bytes
    }

    static func encodeName(_ name: String) throws(DNSError) -> [UInt8] {
        var bytes: [UInt8] = []
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
            let utf8 = Array(label.utf8)
            guard !utf8.isEmpty, utf8.count <= 63 else { throw .badName(name) }
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes.append(0)
        guard bytes.count <= 255 else { throw .badName(name) }
        return bytes
    }

    /// Parses a response to the query `id`; answers of other ids or malformed input throw.
    public static func parseResponse(_ bytes: [UInt8]) throws(DNSError) -> Response {
        var reader = Reader(bytes: bytes)
        let id = try reader.uint16()
        let flags = try reader.uint16()
        guard flags & 0x8000 != 0 else { throw .malformed("not a response") }
        let qdCount = try reader.uint16()
        let anCount = try reader.uint16()
        _ = try reader.uint16() // NSCOUNT
        _ = try reader.uint16() // ARCOUNT
        for _ in 0 ..< qdCount {
            _ = try reader.name()
            _ = try reader.uint16()
            _ = try reader.uint16()
        }
        var answers: [Record] = []
        for _ in 0 ..< anCount {
            let name = try reader.name()
            let type = try reader.uint16()
            _ = try reader.uint16() // class
            let ttl = try reader.uint32()
            let length = Int(try reader.uint16())
            let data = try reader.take(length)
            answers.append(Record(name: name, type: type, ttl: ttl, data: data))
        }
        return Response(id: id, rcode: Int(flags & 0x000F), truncated: flags & 0x0200 != 0, answers: answers)
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) throws(DNSError) -> [UInt8] {
            guard count >= 0, offset + count <= bytes.count else { throw .malformed("message ends early at byte \(offset)") }
            defer { offset += count }
            return Array(bytes[offset ..< offset + count])
        }

        mutating func uint16() throws(DNSError) -> UInt16 {
            let b = try take(2)
            return UInt16(b[0]) << 8 | UInt16(b[1])
        }

        mutating func uint32() throws(DNSError) -> UInt32 {
            let b = try take(4)
            return b.reduce(0) { $0 << 8 | UInt32($1) }
        }

        /// A name at the cursor; compression pointers may only point backwards, so loops are impossible.
        mutating func name() throws(DNSError) -> String {
            var labels: [String] = []
            var position = offset
            var jumped = false
            var total = 0
            while true {
                guard position < bytes.count else { throw .malformed("name runs past the message") }
                let length = Int(bytes[position])
                switch length & 0xC0 {
                case 0x00:
                    if length == 0 {
                        if !jumped { offset = position + 1 }
                        return labels.joined(separator: ".")
                    }
                    guard position + 1 + length <= bytes.count else { throw .malformed("label runs past the message") }
                    total += length + 1
                    guard total <= 255 else { throw .malformed("name longer than 255 bytes") }
                    labels.append(String(decoding: bytes[position + 1 ... position + length], as: UTF8.self))
                    position += 1 + length
                case 0xC0:
                    guard position + 1 < bytes.count else { throw .malformed("pointer runs past the message") }
                    let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                    guard target < position else { throw .malformed("compression pointer does not point backwards") }
                    if !jumped { offset = position + 2 }
                    jumped = true
                    position = target
                default:
                    throw .malformed("unknown label type")
                }
            }
        }
    }
}

extension [UInt8] {
    fileprivate mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }
}
