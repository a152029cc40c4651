/// Transport knobs. Defaults follow iroh's: 30 s idle timeout, 5 s keep-alive.
public struct TunnelConfig: Sendable {
    public var idleTimeout: Duration = .seconds(30)
    /// PING after this much quiet so NAT bindings stay open; nil disables keep-alive.
    public var keepAlive: Duration? = .seconds(5)
    public var handshakeTimeout: Duration = .seconds(10)
    /// Initial per-stream receive window; ngtcp2 grows it up to `maxStreamWindow` as the reader keeps up.
    public var streamWindow: UInt64 = 1 << 20
    public var maxStreamWindow: UInt64 = 16 << 20
    public var connectionWindow: UInt64 = 4 << 20
    public var maxConnectionWindow: UInt64 = 64 << 20
    public var maxStreamsBidi: UInt64 = 128
    public var maxStreamsUni: UInt64 = 128
    /// A writer is suspended while more than this many of its bytes are unacknowledged.
    public var sendBufferLimit: UInt64 = 4 << 20

    public init() {}

    static func nanoseconds(_ d: Duration) -> UInt64 {
        let (s, atto) = d.components
        return UInt64(max(0, s)) * 1_000_000_000 + UInt64(max(0, atto)) / 1_000_000_000
    }
}
