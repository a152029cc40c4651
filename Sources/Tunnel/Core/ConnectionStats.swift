/// A snapshot of a connection's transport state. ngtcp2 0.12 does not count lost packets; the
/// probe-timeout count is the loss signal it exposes.
public struct ConnectionStats: Sendable {
    public var smoothedRTT: Duration
    public var minRTT: Duration
    public var latestRTT: Duration
    public var congestionWindow: UInt64
    public var bytesInFlight: UInt64
    /// UDP payload bytes, headers and retransmissions included.
    public var bytesSent: UInt64
    public var bytesReceived: UInt64
    public var ptoCount: UInt64
}
