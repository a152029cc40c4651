/// Counts whole WebSocket data messages (RFC 6455 section 5.2) in a byte stream as it is read,
/// without keeping it: a data frame's payload is skipped in place, so a read costs no copy and no
/// allocation whatever its size (the bench's 1,000 subscribers should cost far less than the
/// server's fan-out to them). Only a frame header split across reads (at most 14 bytes) and a ping's
/// payload (to echo in the pong) are kept.
struct WebSocketFrameCounter {
    private var header: [UInt8] = []
    private var remaining = 0
    private var opcode: UInt8 = 0
    private var fin = false
    private var control: [UInt8] = []

    enum Event {
        case ping([UInt8])
        case close
    }

    /// Consumes `bytes`; returns the number of whole data messages that ended in them, and calls
    /// `event` for each ping and close frame, in order.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, event: (Event) -> Void) -> Int {
        var messages = 0
        var at = 0
        while at < bytes.count {
            if remaining > 0 {
                let n = min(remaining, bytes.count - at)
                if opcode == 0x9 || opcode == 0x8 { control += bytes[at..<(at + n)] }
                at += n
                remaining -= n
                if remaining == 0 { messages += frameEnded(event) }
                continue
            }
            header.append(bytes[at])
            at += 1
            guard let length = headerLength() else { continue }
            opcode = header[0] & 0x0f
            fin = header[0] & 0x80 != 0
            remaining = length
            header.removeAll(keepingCapacity: true)
            if remaining == 0 { messages += frameEnded(event) }
        }
        return messages
    }

    /// The payload length once `header` is whole, nil while it is not.
    private func headerLength() -> Int? {
        guard header.count >= 2 else { return nil }
        let short = Int(header[1] & 0x7f)
        let extended = short == 126 ? 2 : short == 127 ? 8 : 0
        let masked = header[1] & 0x80 != 0 ? 4 : 0
        guard header.count == 2 + extended + masked else { return nil }
        if extended == 0 { return short }
        return header[2..<(2 + extended)].reduce(0) { $0 << 8 | Int($1) }
    }

    private mutating func frameEnded(_ event: (Event) -> Void) -> Int {
        defer { control.removeAll(keepingCapacity: true) }
        switch opcode {
        case 0x9: event(.ping(control))
        case 0x8: event(.close)
        case 0x0, 0x1, 0x2: return fin ? 1 : 0
        default: break
        }
        return 0
    }
}
