/// Why JSON was rejected as the JSON form of a data-model value, with the byte offset.
public struct DataModelJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case unexpectedEnd
        /// A byte that cannot start or continue the JSON at this point.
        case unexpectedByte(UInt8)
        case invalidUTF8
        case invalidEscape
        /// A `\u` escape leaving an unpaired UTF-16 surrogate, which no valid string can hold.
        case unpairedSurrogate
        /// A raw control character (below 0x20) inside a string.
        case controlCharacterInString
        case invalidNumber
        /// A number with a fractional part: the data model has no floats.
        case floatNotAllowed
        /// An integer outside the signed 64-bit range.
        case integerOutOfRange
        case duplicateKey(String)
        /// `{"$link": ...}` that is not exactly one key holding a valid CID string.
        case invalidLink(CIDError?)
        /// `{"$bytes": ...}` that is not exactly one key holding base64.
        case invalidBytes
        case depthLimitExceeded(Int)
        case trailingContent
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "data-model JSON: \(reason) at byte \(offset)" }
}
