/// Why a string is not a valid atproto identifier or format value.
public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case handle, did = "DID", nsid = "NSID", recordKey = "record key", atURI = "AT-URI"
        case atIdentifier = "at-identifier", datetime, languageTag = "language tag", uri = "URI"
        case cid = "CID string", tid = "TID"
    }

    public enum Reason: Equatable, Sendable {
        case empty
        case tooLong(length: Int, max: Int)
        case tooShort(length: Int, min: Int)
        /// A character not allowed at this place; `offset` counts UTF-8 bytes from the start.
        case invalidCharacter(Character, offset: Int)
        /// A structural rule, spelled out.
        case malformed(String)
        /// Well-formed, but names something that cannot exist (month 13, duplicate subtag...).
        case invalidValue(String)
    }

    public let kind: Kind
    public let input: String
    public let reason: Reason

    public init(_ kind: Kind, _ input: String, _ reason: Reason) {
        self.kind = kind
        self.input = input
        self.reason = reason
    }

    public var description: String {
        let shown = input.count > 80 ? String(input.prefix(77)) + "..." : input
        let why: String
        switch reason {
        case .empty: why = "empty"
        case .tooLong(let length, let max): why = "too long (\(length) > \(max))"
        case .tooShort(let length, let min): why = "too short (\(length) < \(min))"
        case .invalidCharacter(let c, let offset):
            let scalar = c.unicodeScalars.first.map { "U+" + String($0.value, radix: 16, uppercase: true) } ?? "?"
            why = "character \(c.debugDescription) (\(scalar)) not allowed at offset \(offset)"
        case .malformed(let rule): why = rule
        case .invalidValue(let what): why = what
        }
        return "invalid \(kind.rawValue) \(shown.debugDescription): \(why)"
    }
}

/// A string checked against one atproto syntax; `string` is the (normalized) text.
public protocol SyntaxString: Hashable, Sendable, Codable, CustomStringConvertible {
    var string: String { get }
    init(_ string: String) throws(SyntaxError)
}

extension SyntaxString {
    /// True when `init(_:)` would succeed.
    public static func isValid(_ string: String) -> Bool { (try? Self(string)) != nil }

    public var description: String { string }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
