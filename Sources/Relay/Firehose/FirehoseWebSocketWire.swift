import NIOCore

/// Firehose frames as they go on the wire: each one a final, unmasked binary WebSocket frame
/// (RFC 6455 section 5.2; a server never masks and the relay negotiates no extensions), several
/// back to back in one buffer. A batch is framed once per event loop and that one buffer is written
/// to every subscriber on the loop: one write and one flush (one writev) per subscriber per batch.
enum FirehoseWebSocketWire {
    static func chunk(_ payloads: some Collection<ByteBuffer>) -> ByteBuffer {
        var size = 0
        for payload in payloads { size += headerSize(payload.readableBytes) + payload.readableBytes }
        var out = ByteBufferAllocator().buffer(capacity: size)
        for payload in payloads { append(payload, to: &out) }
        return out
    }

    static func headerSize(_ length: Int) -> Int {
        length < 126 ? 2 : length <= Int(UInt16.max) ? 4 : 10
    }

    static func append(_ payload: ByteBuffer, to out: inout ByteBuffer) {
        let length = payload.readableBytes
        out.writeInteger(UInt8(0x82))   // FIN, opcode 2 (binary)
        if length < 126 {
            out.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            out.writeInteger(UInt8(126))
            out.writeInteger(UInt16(length))
        } else {
            out.writeInteger(UInt8(127))
            out.writeInteger(UInt64(length))
        }
        var copy = payload
        out.writeBuffer(&copy)
    }
}
