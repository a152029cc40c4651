/// Per-stream bookkeeping inside a `QuicConnection`.
final class StreamState {
    let send = SendBuffer()
    var receive = ReceiveBuffer()
    /// Flow control stopped sending; cleared when the peer extends the stream's window.
    var blocked = false
    /// The peer sent STOP_SENDING, or the write side is otherwise gone.
    var sendStopped: UInt64?
    /// ngtcp2 closed the stream (both directions done); it holds no pointers into `send` any more.
    var closedByTransport = false
    /// The application saw the end (fin or reset) of the receive side, or has none to read.
    var readerDone: Bool

    init(readerDone: Bool = false) { self.readerDone = readerDone }

    var canDiscard: Bool { closedByTransport && readerDone }
}

enum StreamKind {
    static func isBidirectional(_ id: Int64) -> Bool { id & 0x2 == 0 }
    static func isLocallyInitiated(_ id: Int64, isServer: Bool) -> Bool { (id & 0x1 == 1) == isServer }
}

/// What a read from a stream gives back.
public enum StreamRead: Sendable, Equatable {
    case data([UInt8])
    case end
    case reset(UInt64)
    case wouldBlock
}
