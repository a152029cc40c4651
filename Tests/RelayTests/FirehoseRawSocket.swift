import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking subscribeRepos client on a plain loopback socket (RFC 6455 handshake, unmasked server
/// frames), for tests that need to see exactly the bytes and frame boundaries the relay wrote.
/// Used from its own thread (`readMessages`), never from the cooperative pool.
final class FirehoseRawSocket {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, query: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket") }
        var timeout = timeval(tv_sec: 120, tv_usec: 0)   // bounds every read
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw RawSocketError.failed("connect") }
        let request = Array(("GET /xrpc/com.atproto.sync.subscribeRepos\(query) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ZHBkcy10ZXN0LXN1YnNjcmk=\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n").utf8)
        guard write(fd, request, request.count) == request.count else { close(fd); throw RawSocketError.failed("write") }
        while true {
            if let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
                guard head.hasPrefix("HTTP/1.1 101") else { close(fd); throw RawSocketError.failed(head) }
                buffer.removeFirst(end.upperBound)
                return
            }
            try fill()
        }
    }

    deinit { close(fd) }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = read(fd, &chunk, chunk.count)
        guard n > 0 else { throw RawSocketError.closed }
        buffer += chunk[0..<n]
    }

    /// The next frame: opcode and payload. Every server frame must be final and unmasked here.
    func nextFrame() throws -> (opcode: UInt8, payload: [UInt8]) {
        while true {
            if buffer.count >= 2 {
                let fin = buffer[0] & 0x80 != 0, masked = buffer[1] & 0x80 != 0
                guard fin, !masked else { throw RawSocketError.failed("fragmented or masked frame") }
                var length = Int(buffer[1] & 0x7f), header = 2
                if length == 126, buffer.count >= 4 {
                    length = Int(buffer[2]) << 8 | Int(buffer[3]); header = 4
                } else if length == 127, buffer.count >= 10 {
                    length = (0..<8).reduce(0) { $0 << 8 | Int(buffer[2 + $1]) }; header = 10
                } else if length >= 126 {
                    length = Int.max - 16
                }
                if length < Int.max - 16, buffer.count >= header + length {
                    let frame = (buffer[0] & 0x0f, Array(buffer[header..<(header + length)]))
                    buffer.removeFirst(header + length)
                    return frame
                }
            }
            try fill()
        }
    }

    /// Data messages (pings answered) until `done` says stop, on a thread of its own.
    static func readMessages(port: Int, query: String, until done: @escaping @Sendable ([UInt8]) throws -> Bool) async throws -> [[UInt8]] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let socket = try FirehoseRawSocket(port: port, query: query)
                    var messages: [[UInt8]] = []
                    while true {
                        let (opcode, payload) = try socket.nextFrame()
                        if opcode == 0x9 {
                            let pong: [UInt8] = [0x8A, 0x80 | UInt8(payload.count), 0, 0, 0, 0] + payload
                            _ = write(socket.fd, pong, pong.count)
                            continue
                        }
                        if opcode == 0x8 { throw RawSocketError.closed }
                        guard opcode == 0x2 else { continue }
                        messages.append(payload)
                        if try done(payload) { break }
                    }
                    continuation.resume(returning: messages)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

enum RawSocketError: Error {
    case failed(String)
    case closed
}
