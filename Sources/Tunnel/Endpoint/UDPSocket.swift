import CNgtcp2
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking UDP socket. Owns its file descriptor and closes it in deinit.
///
/// Sends and receives in batches where Linux allows: a run of equal-size packets to one address
/// leaves in one `sendmsg` (UDP GSO), and the kernel may hand several received datagrams over in
/// one `recvmsg` (UDP GRO). Both fall back to one datagram per call.
final class UDPSocket {
    let fd: Int32
    let localAddress: SocketAddress
    private var gso = true

    init(bind address: SocketAddress) throws {
        let fd = socket(address.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TunnelError.socket("socket", errno: errno) }
        var size: Int32 = 8 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let rv = address.withSockaddr { Glibc.bind(fd, $0, $1) }
        guard rv == 0 else {
            let e = errno
            Glibc.close(fd)
            throw TunnelError.socket("bind \(address)", errno: e)
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        _ = cdpds_udp_enable_gro(fd)  // refused on old kernels: datagrams then arrive one by one
        self.fd = fd
        localAddress = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(copying: $0, length: len) }
        }
    }

    deinit { Glibc.close(fd) }

    /// False when the kernel buffer is full (the packet is lost; QUIC recovers it) or on error.
    @discardableResult
    func send(_ bytes: [UInt8], to remote: SocketAddress) -> Bool {
        bytes.withUnsafeBytes { buf in
            remote.withSockaddr { sa, len in sendto(fd, buf.baseAddress, buf.count, Int32(MSG_DONTWAIT), sa, len) >= 0 }
        }
    }

    /// Sends every packet of `batch`: consecutive equal-size packets to one address (the last of
    /// a run may be shorter) go out in one system call. Packets the kernel refuses (buffer full)
    /// are lost; QUIC recovers them.
    func send(_ batch: SendBatch) {
        let packets = batch.packets
        let base = batch.buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i < packets.count {
            let first = packets[i]
            var j = i + 1, total = first.length
            if gso {
                let maxRun = Swift.min(64, 65_000 / Swift.max(1, first.length))
                while j < packets.count, j - i < maxRun, packets[j - 1].length == first.length, packets[j].length <= first.length,
                      packets[j].offset == first.offset + total, packets[j].remote == first.remote {
                    total += packets[j].length
                    j += 1
                }
            }
            let segment = j - i > 1 ? UInt16(first.length) : 0
            let rv = first.remote.withSockaddr { sa, len in cdpds_udp_send(fd, base + first.offset, total, segment, sa, len) }
            if rv < 0, segment > 0, [EIO, EINVAL, ENOPROTOOPT, EOPNOTSUPP].contains(errno) {
                gso = false  // no GSO here: resend this run one datagram at a time
                continue
            }
            i = j
        }
    }

    /// One datagram into `buffer`, or with GRO several of `segment` bytes each (the last may be
    /// shorter); nil when none is waiting.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> (length: Int, from: SocketAddress, segment: Int)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var segment: Int32 = 0
        let n = cdpds_udp_receive(fd, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count, &storage, &len, &segment)
        guard n >= 0 else { return nil }
        let from = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(copying: $0, length: len) }
        }
        return (n, from, Int(segment))
    }
}

/// Wakes the endpoint's poll loop when the application changed something (a self-pipe).
final class Wakeup {
    let fd: Int32
    private let writeFd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TunnelError.socket("pipe", errno: errno) }
        for f in fds {
            _ = fcntl(f, F_SETFL, fcntl(f, F_GETFL) | O_NONBLOCK)
            _ = fcntl(f, F_SETFD, FD_CLOEXEC)
        }
        fd = fds[0]
        writeFd = fds[1]
    }

    deinit { close(fd); close(writeFd) }

    func signal() {
        var one: UInt8 = 1
        _ = write(writeFd, &one, 1)
    }

    func drain() {
        var buf = [UInt8](repeating: 0, count: 256)
        while read(fd, &buf, buf.count) > 0 {}
    }
}
