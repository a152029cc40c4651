/// Outgoing datagrams written in place, back to back in one buffer: ngtcp2 writes each packet
/// straight into it (no copy per packet), and the socket layer sends runs of equal-size packets
/// to one address with a single system call (UDP GSO).
public final class SendBatch {
    public struct Packet { public var offset: Int; public var length: Int; public var remote: SocketAddress }

    /// Room for a full flush of one connection (64 packets) plus a queued close.
    static let capacity = 128 * 1024
    /// The most ngtcp2 may write into one packet slot.
    static let maxPacket = 1500

    let buffer: UnsafeMutableRawBufferPointer
    public private(set) var used = 0
    public private(set) var packets: [Packet] = []

    public init() {
        buffer = .allocate(byteCount: Self.capacity, alignment: 16)
        packets.reserveCapacity(96)
    }

    deinit { buffer.deallocate() }

    var hasRoomForPacket: Bool { Self.capacity - used >= Self.maxPacket }

    /// Where the next packet goes (valid until `commit` or `removeAll`).
    var freeSpace: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: buffer[used...]) }

    /// Records the `length` bytes just written at `freeSpace` as a packet to `remote`.
    func commit(length: Int, remote: SocketAddress) {
        packets.append(Packet(offset: used, length: length, remote: remote))
        used += length
    }

    func append(_ bytes: [UInt8], remote: SocketAddress) {
        guard Self.capacity - used >= bytes.count else { return }
        bytes.withUnsafeBytes { freeSpace.copyMemory(from: $0) }
        commit(length: bytes.count, remote: remote)
    }

    public func bytes(of packet: Packet) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[packet.offset..<packet.offset + packet.length])
    }

    public func removeAll() {
        used = 0
        packets.removeAll(keepingCapacity: true)
    }
}
