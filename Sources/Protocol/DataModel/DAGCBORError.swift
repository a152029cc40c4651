/// Why DAG-CBOR input was rejected, and the byte offset where the offending item starts.
public struct DAGCBORError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// Input ended inside a header or item.
        case truncated
        /// A string, byte string, array or map declares more content than the input holds.
        case lengthExceedsInput(UInt64)
        /// An integer or length that fits a shorter header (DAG-CBOR requires the shortest).
        case nonMinimalEncoding
        /// Additional-information values 28-30, which CBOR reserves.
        case reservedAdditionalInfo(UInt8)
        /// Indefinite-length items and the `break` byte are not allowed in DAG-CBOR.
        case indefiniteLength
        /// Half, single and double floats: the atproto data model has no floats.
        case floatNotAllowed
        /// `undefined` and simple values other than false/true/null.
        case unsupportedSimpleValue(UInt8)
        /// An integer outside the signed 64-bit range of the data model.
        case integerOutOfRange
        /// A tag other than 42 (CID).
        case unsupportedTag(UInt64)
        /// Tag 42 whose content is not a byte string starting 0x00 and holding an accepted CID.
        case invalidCID(CIDError?)
        /// A text string that is not valid UTF-8.
        case invalidUTF8
        /// A map key that is not a text string.
        case mapKeyNotString
        /// Map keys not in canonical order (shorter first, then bytewise).
        case mapKeysOutOfOrder
        case duplicateMapKey(String)
        /// Nesting of arrays and maps deeper than `DAGCBORLimits.maxDepth`.
        case depthLimitExceeded(Int)
        /// The input is larger than `DAGCBORLimits.maxSize`.
        case sizeLimitExceeded(Int)
        /// Bytes left over after one complete top-level item.
        case trailingBytes(Int)
    }

    public let reason: Reason
    public let offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "DAG-CBOR: \(reason) at byte \(offset)" }
}
