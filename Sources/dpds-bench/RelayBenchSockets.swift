import Foundation
#if canImport(Glibc)
import Glibc
// Glibc's module map leaves out <sys/epoll.h>; swift-nio's C shim (already built for the relay) has it.
import CNIOLinux
#endif

/// `count` real WebSocket subscribers to subscribeRepos over loopback TCP, all read by one thread
/// with epoll (a wake-up costs the sockets that are ready, not all 1,000 as with poll(2)): plain
/// sockets, the RFC 6455 handshake, and frames counted as they are read (`WebSocketFrameCounter`,
/// no copies) with pings answered. The thread's own CPU time is kept (`readerCPUSeconds`) so the bench can take it out of the
/// process's, which is otherwise the server's.
final class WebSocketSubscribers: @unchecked Sendable {
    // @unchecked: `received`, `closed` and `stopped` are guarded by `lock`; the rest is the reader thread's.
    private let lock = NSLock()
    private var received: [Int]
    private var closed: [Bool]
    private var stopped = false
    private var readerCPU = 0.0
    private var fds: [Int32] = []
    private var leftovers: [[UInt8]]
    private var counters: [WebSocketFrameCounter]
    /// Messages counted since they were last added to `received` (once per wake-up, not per read).
    private var unpublished: [Int]
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int, cursor: Int64, count: Int) throws {
        received = Array(repeating: 0, count: count)
        closed = Array(repeating: false, count: count)
        leftovers = Array(repeating: [], count: count)
        counters = Array(repeating: WebSocketFrameCounter(), count: count)
        unpublished = Array(repeating: 0, count: count)
        for i in 0..<count { fds.append(try Self.connect(port: port, cursor: cursor, leftover: &leftovers[i])) }
        let thread = Thread { [self] in readLoop() }
        thread.name = "bench-ws-subscribers"
        thread.start()
    }

    var counts: [Int] { lock.withLock { received } }
    var closedCount: Int { lock.withLock { closed.filter { $0 }.count } }
    /// CPU seconds (user + system) the reader thread has used so far.
    var readerCPUSeconds: Double { lock.withLock { readerCPU } }

    func stop() {
        lock.withLock { stopped = true }
        finished.wait()
        for fd in fds { close(fd) }
    }

    private static func connect(port: Int, cursor: Int64, leftover: inout [UInt8]) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchSocketError.system("socket", errno) }
        // Set before connect so the window is sized from it. A remote subscriber's receive buffer is
        // on its own machine; here, 1,000 of them left to autotune (up to tcp_rmem's 32 MiB) while one
        // reader thread lags would put this host's TCP into memory pressure and slow the writers'
        // connections for reasons that are the bench's, not the relay's.
        var receiveBuffer: Int32 = 256 << 10
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw BenchSocketError.system("connect", errno) }
        let request = "GET /xrpc/com.atproto.sync.subscribeRepos?cursor=\(cursor) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ZHBkcy1iZW5jaC1zdWJzY3I=\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n"
        let bytes = Array(request.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { close(fd); throw BenchSocketError.system("write", errno) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { close(fd); throw BenchSocketError.handshake("connection closed") }
            response += chunk[0..<n]
            if let end = response.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
                guard head.hasPrefix("HTTP/1.1 101") else { close(fd); throw BenchSocketError.handshake(head) }
                leftover = Array(response[end.upperBound...])
                return fd
            }
        }
    }

    private func readLoop() {
        let epfd = epoll_create1(0)
        for (i, fd) in fds.enumerated() {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.u64 = UInt64(i)
            _ = epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event)
        }
        var ready = [epoll_event](repeating: epoll_event(), count: 256)
        var chunk = [UInt8](repeating: 0, count: 65536)
        var touched: [Int] = []   // connections with messages not yet in `received`
        for i in fds.indices where leftovers[i].withUnsafeBytes({ consume(i, $0) }) { touched.append(i) }
        leftovers = []
        var stoppedNow = false
        while !stoppedNow {
            let n = epoll_wait(epfd, &ready, Int32(ready.count), 100)
            for k in 0..<max(Int(n), 0) {
                let i = Int(ready[k].data.u64)
                let got = read(fds[i], &chunk, chunk.count)
                if got <= 0 {
                    _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fds[i], nil)
                    lock.withLock { closed[i] = true }
                    continue
                }
                if chunk.withUnsafeBytes({ consume(i, UnsafeRawBufferPointer(rebasing: $0[0..<got])) }) { touched.append(i) }
            }
            let cpu = Self.threadCPUSeconds()
            stoppedNow = lock.withLock {
                for i in touched { received[i] += unpublished[i]; unpublished[i] = 0 }
                readerCPU = cpu
                return stopped
            }
            touched.removeAll(keepingCapacity: true)
        }
        close(epfd)
        finished.signal()
    }

    private static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Counts connection `i`'s messages in `bytes`; true when it had some not yet published.
    private func consume(_ i: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let fd = fds[i]
        let messages = counters[i].consume(bytes) { event in
            switch event {
            case .ping(let payload): pong(fd, payload)
            case .close: lock.withLock { closed[i] = true }
            }
        }
        let fresh = unpublished[i] == 0 && messages > 0
        unpublished[i] += messages
        return fresh
    }

    /// A client frame must be masked; a zero mask leaves the payload as it is.
    private func pong(_ fd: Int32, _ payload: [UInt8]) {
        let frame: [UInt8] = [0x8A, 0x80 | UInt8(payload.count), 0, 0, 0, 0] + payload
        _ = write(fd, frame, frame.count)
    }
}

enum BenchSocketError: Error {
    case system(String, Int32)
    case handshake(String)
}
