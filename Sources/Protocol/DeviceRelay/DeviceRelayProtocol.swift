/// Constants of the device-relay protocol (spec/device-relay-protocol.md, sections 2, 3 and 10).
public enum DeviceRelayProtocol {
    /// ALPN of major version 1; the major version lives only here.
    public static let alpn = "dpds/device-relay/1"
    /// Minor versions this implementation speaks, newest first.
    public static let supportedMinorVersions = [0]

    /// Frame body limit until `welcome`/`reject` has been exchanged.
    public static let handshakeMaxFrameBytes = 65_536
    /// No frame body may ever exceed this, whatever a relay grants.
    public static let absoluteMaxFrameBytes = 16_777_216
    public static let maxNestingDepth = 64

    /// Fixed handshake bounds (not negotiable: they run before the limits are known).
    public static let helloTimeoutMs = 10_000
    public static let welcomeTimeoutMs = 10_000

    /// `Retry-After` seconds of the relay's 503 answers (section 11 and 9.4).
    public static let offlineRetryAfterSeconds = 30
    public static let busyRetryAfterSeconds = 5
}
