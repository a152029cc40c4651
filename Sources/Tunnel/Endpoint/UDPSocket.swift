#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking UDP socket. Owns its file descriptor and closes it in deinit.
final class UDPSocket {
    let fd: Int32
    let localAddress: SocketAddress

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

    /// One datagram into `buffer`, or nil when none is waiting.
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> (Int, SocketAddress)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let n = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &len) }
        }
        guard n >= 0 else { return nil }
        let from = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(copying: $0, length: len) }
        }
        return (n, from)
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
