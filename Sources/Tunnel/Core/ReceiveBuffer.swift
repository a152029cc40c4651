/// Bytes received in order on one stream, waiting for the application to read them. Flow-control
/// credit is returned to the peer only as the application reads, which is the backpressure.
struct ReceiveBuffer {
    private var storage: [UInt8] = []
    private var head = 0
    var finished = false
    var resetCode: UInt64?

    var count: Int { storage.count - head }

    mutating func append(_ data: UnsafeRawBufferPointer) {
        storage.append(contentsOf: data)
    }

    mutating func read(max: Int) -> [UInt8] {
        let n = Swift.min(max, count)
        let out = Array(storage[head..<head + n])
        head += n
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
            head = 0
        } else if head > 1 << 16, head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return out
    }
}
