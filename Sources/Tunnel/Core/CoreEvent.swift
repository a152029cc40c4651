/// Identifies a connection inside one endpoint core.
public typealias ConnectionHandle = UInt64

/// What the sans-IO core reports; the socket layer turns these into resumed continuations,
/// tests read them directly.
public enum CoreEvent: Sendable, Equatable {
    /// Handshake done and the peer authenticated (dialer and listener alike).
    case established(ConnectionHandle)
    /// The peer opened a stream.
    case streamOpened(ConnectionHandle, Int64)
    /// Data, end of stream or a reset is waiting on the stream.
    case readable(ConnectionHandle, Int64)
    /// Send buffer space freed (acknowledged), or the peer asked us to stop sending.
    case writable(ConnectionHandle, Int64)
    /// The peer allowed more streams.
    case streamsAvailable(ConnectionHandle)
    /// The connection is gone; nothing more will happen on it.
    case closed(ConnectionHandle, TunnelError)
}
