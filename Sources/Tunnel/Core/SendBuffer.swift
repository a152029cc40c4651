/// Bytes written to one stream but not yet acknowledged. ngtcp2 keeps pointers into what it was
/// given until the data is acknowledged (it retransmits from them), so every chunk stays put in
/// memory until `acknowledge(upTo:)` passes its end.
final class SendBuffer {
    private struct Chunk {
        let start: UInt64
        let bytes: UnsafeMutableRawBufferPointer
        var end: UInt64 { start + UInt64(bytes.count) }
    }

    private var chunks: [Chunk] = []
    private var firstLive = 0
    private(set) var written: UInt64 = 0
    private(set) var sent: UInt64 = 0
    private(set) var acked: UInt64 = 0
    var finRequested = false
    var finSent = false

    deinit { releaseAll() }

    /// Bytes the application may not yet write over: written but unacknowledged.
    var unacknowledged: UInt64 { written - acked }
    var hasUnsent: Bool { sent < written || (finRequested && !finSent) }

    func append(_ data: UnsafeRawBufferPointer) {
        guard data.count > 0 else { return }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 1)
        copy.copyMemory(from: data)
        chunks.append(Chunk(start: written, bytes: copy))
        written += UInt64(data.count)
    }

    /// Up to `max` iovecs covering unsent bytes, in order.
    func unsentVectors(max: Int) -> [(UnsafeRawPointer, Int)] {
        var out: [(UnsafeRawPointer, Int)] = []
        var offset = sent
        var i = firstLive
        while i < chunks.count, out.count < max {
            let c = chunks[i]
            if c.end > offset {
                let skip = Int(offset - c.start)
                out.append((UnsafeRawPointer(c.bytes.baseAddress! + skip), c.bytes.count - skip))
                offset = c.end
            }
            i += 1
        }
        return out
    }

    func markSent(_ count: Int) { sent += UInt64(count) }

    func acknowledge(upTo offset: UInt64) {
        acked = Swift.max(acked, Swift.min(offset, written))
        while firstLive < chunks.count, chunks[firstLive].end <= acked {
            chunks[firstLive].bytes.deallocate()
            firstLive += 1
        }
        if firstLive > 64, firstLive * 2 > chunks.count {
            chunks.removeFirst(firstLive)
            firstLive = 0
        }
    }

    /// After a reset or close ngtcp2 holds no more pointers into us.
    func releaseAll() {
        while firstLive < chunks.count {
            chunks[firstLive].bytes.deallocate()
            firstLive += 1
        }
        chunks.removeAll()
        firstLive = 0
        acked = written
        sent = written
        finSent = finRequested
    }
}
