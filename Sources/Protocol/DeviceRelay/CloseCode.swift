/// QUIC application close codes of the protocol (spec section 9.1).
public enum CloseCode: UInt64, Sendable, CaseIterable {
    case noError = 0x00
    case protocolError = 0x01
    case malformedFrame = 0x02
    case frameTooLarge = 0x03
    case rejected = 0x04
    case timeout = 0x05
    case replaced = 0x06
    case internalError = 0x07
    case goingAway = 0x08

    /// Unknown codes from a newer peer count as `internalError` (section 2.4).
    public init(wireValue: UInt64) {
        self = CloseCode(rawValue: wireValue) ?? .internalError
    }

    public var name: String {
        switch self {
        case .noError: "no-error"
        case .protocolError: "protocol-error"
        case .malformedFrame: "malformed-frame"
        case .frameTooLarge: "frame-too-large"
        case .rejected: "rejected"
        case .timeout: "timeout"
        case .replaced: "replaced"
        case .internalError: "internal-error"
        case .goingAway: "going-away"
        }
    }
}
