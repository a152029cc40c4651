/// Why a frame could not be read. Every case maps to the close code the spec prescribes (section 3.4).
public enum FrameError: Error, Hashable, Sendable {
    case frameTooLarge(length: Int, limit: Int)
    case emptyFrame
    /// The stream ended inside a frame.
    case truncated(buffered: Int)
    case invalidDAGCBOR(String)
    case notAMap
    case missingType
    case missingField(message: String, field: String)
    case wrongType(message: String, field: String, expected: String)
    case invalidValue(message: String, field: String, reason: String)

    public var closeCode: CloseCode {
        if case .frameTooLarge = self { return .frameTooLarge }
        return .malformedFrame
    }
}
