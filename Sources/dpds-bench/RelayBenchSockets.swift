import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `count` real WebSocket subscribers to subscribeRepos over loopback TCP, all read by one thread
/// with poll(2) (so the subscribers cost little CPU next to the server): plain sockets, the RFC 6455
/// handshake, and frame parsing enough to count whole data messages and answer pings.
final class WebSocketSubscribers: @unchecked Sendable {
    // @unchecked: `received`, `closed` and `stopped` are guarded by `lock`; the rest is the reader thread's.
    private let lock = NSLock()
    private var received: [Int]
    private var closed: [Bool]
    private var stopped = false
    private var fds: [Int32] = []
    private var buffers: [[UInt8]]
    private let finished = DispatchSemaphore(value: 0)

    init(port: Int, cursor: Int64, count: Int) throws {
        received = Array(repeating: 0, count: count)
        closed = Array(repeating: false, count: count)
        buffers = Array(repeating: [], count: count)
        for i in 0..<count { fds.append(try Self.connect(port: port, cursor: cursor, leftover: &buffers[i])) }
        let thread = Thread { [self] in readLoop() }
        thread.name = "bench-ws-subscribers"
        thread.start()
    }

    var counts: [Int] { lock.withLock { received } }
    var closedCount: Int { lock.withLock { closed.filter { $0 }.count } }

    func stop() {
        lock.withLock { stopped = true }
        finished.wait()
        for fd in fds { close(fd) }
    }

    private static func connect(port: Int, cursor: Int64, leftover: inout [UInt8]) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchSocketError.system("socket", errno) }
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
        var polls = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var chunk = [UInt8](repeating: 0, count: 65536)
        for i in fds.indices { parse(i) }
        while !lock.withLock({ stopped }) {
            guard poll(&polls, nfds_t(polls.count), 100) > 0 else { continue }
            for i in polls.indices where polls[i].revents != 0 {
                let n = read(polls[i].fd, &chunk, chunk.count)
                if n <= 0 {
                    polls[i].fd = -1
                    lock.withLock { closed[i] = true }
                    continue
                }
                buffers[i] += chunk[0..<n]
                parse(i)
            }
        }
        finished.signal()
    }

    /// Consumes every complete frame in connection `i`'s buffer.
    private func parse(_ i: Int) {
        var at = 0
        let buffer = buffers[i]
        var messages = 0
        while buffer.count - at >= 2 {
            let opcode = buffer[at] & 0x0f, fin = buffer[at] & 0x80 != 0
            var length = Int(buffer[at + 1] & 0x7f), header = 2
            if length == 126 {
                guard buffer.count - at >= 4 else { break }
                length = Int(buffer[at + 2]) << 8 | Int(buffer[at + 3]); header = 4
            } else if length == 127 {
                guard buffer.count - at >= 10 else { break }
                length = (0..<8).reduce(0) { $0 << 8 | Int(buffer[at + 2 + $1]) }; header = 10
            }
            guard buffer.count - at >= header + length else { break }
            let payload = Array(buffer[(at + header)..<(at + header + length)])
            at += header + length
            switch opcode {
            case 0x9: pong(fds[i], payload)
            case 0x8: lock.withLock { closed[i] = true }
            case 0x0, 0x1, 0x2: if fin { messages += 1 }
            default: break
            }
        }
        if at > 0 { buffers[i].removeFirst(at) }
        if messages > 0 { lock.withLock { received[i] += messages } }
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
