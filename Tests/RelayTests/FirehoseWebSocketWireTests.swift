import NIOCore
import Testing
@testable import Relay

/// The WebSocket framing the firehose writes itself (RFC 6455 section 5.2, server side: unmasked,
/// final, binary), checked at each payload-length encoding boundary and for frames back to back.
@Suite struct FirehoseWebSocketWireTests {
    /// Splits `bytes` into frames: (fin+opcode byte, payload).
    func frames(_ bytes: [UInt8]) throws -> [(UInt8, [UInt8])] {
        var out: [(UInt8, [UInt8])] = []
        var at = 0
        while at < bytes.count {
            let first = bytes[at]
            let second = bytes[at + 1]
            #expect(second & 0x80 == 0, "a server frame is never masked")
            var length = Int(second & 0x7f), header = 2
            if length == 126 {
                length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]); header = 4
                #expect(length >= 126, "minimal length encoding")
            } else if length == 127 {
                length = (0..<8).reduce(0) { $0 << 8 | Int(bytes[at + 2 + $1]) }; header = 10
                #expect(length > 65535, "minimal length encoding")
            }
            try #require(at + header + length <= bytes.count)
            out.append((first, Array(bytes[(at + header)..<(at + header + length)])))
            at += header + length
        }
        return out
    }

    @Test(arguments: [0, 1, 125, 126, 127, 65535, 65536, 70000])
    func lengthEncodingsRoundTrip(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let chunk = FirehoseWebSocketWire.chunk([ByteBuffer(bytes: payload)])
        #expect(chunk.readableBytes == FirehoseWebSocketWire.headerSize(length) + length)
        let parsed = try frames(Array(chunk.readableBytesView))
        #expect(parsed.count == 1)
        #expect(parsed.first?.0 == 0x82)
        #expect(parsed.first?.1 == payload)
    }

    @Test func aBatchIsItsFramesBackToBack() throws {
        let payloads: [[UInt8]] = [[1, 2, 3], Array(repeating: 7, count: 300), [], Array(repeating: 9, count: 70000)]
        // A buffer with a read offset (as a shared frame may have) is framed from its readable bytes.
        var offset = ByteBuffer(bytes: [0xff, 0xff] + payloads[0])
        offset.moveReaderIndex(forwardBy: 2)
        let chunk = FirehoseWebSocketWire.chunk([offset] + payloads.dropFirst().map { ByteBuffer(bytes: $0) })
        let parsed = try frames(Array(chunk.readableBytesView))
        #expect(parsed.map(\.1) == payloads)
        #expect(parsed.allSatisfy { $0.0 == 0x82 })
    }
}
