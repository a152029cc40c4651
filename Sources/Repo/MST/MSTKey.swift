import Crypto

/// MST keys: `collection/rkey` byte strings. Height comes from SHA-256 leading zeros counted in
/// 2-bit chunks, giving the spec's fanout of 16.
public enum MSTKey {
    public static let maxLength = 1024

    public enum Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        case empty, tooLong(Int), shape(String), character(String)
        public var description: String {
            switch self {
            case .empty: "MST key is empty"
            case .tooLong(let n): "MST key is \(n) bytes (max \(MSTKey.maxLength))"
            case .shape(let k): "MST key \(k.debugDescription) is not collection/rkey"
            case .character(let k): "MST key \(k.debugDescription) has a character outside [A-Za-z0-9_~.:-]"
            }
        }
    }

    public static func height(_ key: some Sequence<UInt8>) -> Int {
        let digest = SHA256.hash(data: Array(key))
        var zeros = 0
        for byte in digest {
            if byte == 0 { zeros += 8; continue }
            zeros += byte.leadingZeroBitCount
            break
        }
        return zeros / 2
    }

    public static func height(_ key: String) -> Int { height(key.utf8) }

    public static func commonPrefixLength(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Int {
        var n = 0
        for (x, y) in zip(a, b) { if x != y { break }; n += 1 }
        return n
    }

    public static func commonPrefixLength(_ a: String, _ b: String) -> Int { commonPrefixLength(a.utf8, b.utf8) }

    private static func allowed(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "~"),
             UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "."): true
        default: false
        }
    }

    /// Validates the repo path form: two non-empty segments of allowed characters, rkey not `.`/`..`.
    public static func validate(_ key: [UInt8]) throws(Invalid) {
        let text = String(decoding: key, as: UTF8.self)
        if key.isEmpty { throw .empty }
        if key.count > maxLength { throw .tooLong(key.count) }
        let parts = key.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[1].count <= 512 else { throw .shape(text) }
        if parts[1].elementsEqual(".".utf8) || parts[1].elementsEqual("..".utf8) { throw .shape(text) }
        for part in parts where !part.allSatisfy(allowed) { throw .character(text) }
    }

    public static func validate(_ key: String) throws(Invalid) { try validate(Array(key.utf8)) }

    public static func isValid(_ key: String) -> Bool { (try? validate(key)) != nil }
}
