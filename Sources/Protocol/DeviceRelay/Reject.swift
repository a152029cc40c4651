/// The relay's refusal of a `hello` (spec section 9.2); the relay closes with `rejected` after it.
public struct Reject: FieldCodable {
    public static let type = "reject"

    public enum Code: String, Sendable, CaseIterable {
        case unsupportedVersion = "unsupported-version"
        case badHello = "bad-hello"
        case invalidPairingToken = "invalid-pairing-token"
        case unknownDevice = "unknown-device"
        case accountUnavailable = "account-unavailable"
        case overCapacity = "over-capacity"
        case `internal` = "internal"
    }

    /// Kept as a string so a newer relay's codes survive; `knownCode` maps unknown ones to `internal`.
    public var code: String
    public var message: String
    public var versions: [Int]?

    public var knownCode: Code { Code(rawValue: code) ?? .internal }

    public init(code: Code, message: String, versions: [Int]? = nil) {
        self.code = code.rawValue
        self.message = message
        self.versions = versions
    }

    init(fields f: MessageFields) throws(FrameError) {
        code = try f.string("code")
        message = try f.string("message")
        versions = try f.optionalCountArray("versions")
    }

    func write(to m: inout MapBuilder) {
        m["code"] = .string(code)
        m["message"] = .string(message)
        m["versions"] = versions.map { .array($0.map { .count($0) }) }
    }
}
