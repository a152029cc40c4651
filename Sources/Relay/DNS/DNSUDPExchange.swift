import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One UDP request/response with a nameserver, bounded by `timeout`. The blocking socket runs on
/// its own thread so a slow server never holds a cooperative-pool thread.
enum DNSUDPExchange {
    static func exchange(_ query: [UInt8], with server: DNSServerAddress, timeout: TimeInterval) async throws(DNSError) -> [UInt8] {
        let result: Result<[UInt8], DNSError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Result { () throws(DNSError) in try blockingExchange(query, server, timeout) })
            }
        }
        return try result.get()
    }

    private static func blockingExchange(_ query: [UInt8], _ server: DNSServerAddress, _ timeout: TimeInterval) throws(DNSError) -> [UInt8] {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        if server.host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(server.port).bigEndian)
            guard inet_pton(AF_INET6, server.host, &address.sin6_addr) == 1 else { throw .socket("not a numeric address: \(server.host)") }
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(server.port).bigEndian)
            guard inet_pton(AF_INET, server.host, &address.sin_addr) == 1 else { throw .socket("not a numeric address: \(server.host)") }
            withUnsafeBytes(of: address) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        }
        #if canImport(Glibc)
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(family, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw .socket("socket: errno \(errno)") }
        defer { close(fd) }
        // connect() makes the kernel drop datagrams from any other source (answer spoofing from elsewhere).
        let connected = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
        }
        guard connected == 0 else { throw .socket("connect: errno \(errno)") }
        guard send(fd, query, query.count, 0) == query.count else { throw .socket("send: errno \(errno)") }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65535)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw .timedOut(server.description) }
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollFD, 1, Int32(max(1, remaining * 1000)))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { throw .timedOut(server.description) }
            let received = recv(fd, &buffer, buffer.count, 0)
            if received < 0 {
                if errno == EINTR { continue }
                throw .socket("recv: errno \(errno)")
            }
            let reply = Array(buffer[0 ..< received])
            // A reply to another query id (late answer to an earlier try) is skipped, not trusted.
            if reply.count >= 2, reply[0] == query[0], reply[1] == query[1] { return reply }
        }
    }
}
