import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Stands in for the internet's DNS (a recursive resolver answering `_atproto.<handle>` TXT
/// queries) so handle checks run without a network: a real UDP server on 127.0.0.1. It parses
/// queries with its own few lines (not the relay's codec, so the two check each other) and
/// answers with a compression pointer to the question name, as real servers do. Unknown names get
/// NXDOMAIN; names in `silent` get no answer at all (for the lookup timeout).
public final class DNSServerDouble: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var records: [String: [[String]]] = [:]
    private var silentNames: Set<String> = []
    private var stopped = false
    private var queries = 0
    private let done = DispatchSemaphore(value: 0)

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw DoubleError.socket(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(fd); throw DoubleError.socket(errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0 else { close(fd); throw DoubleError.socket(errno) }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    /// `host:port` for `PDS_DNS_RESOLVER`.
    public var address: String { "127.0.0.1:\(port)" }

    public var queryCount: Int { lock.withLock { queries } }

    /// One TXT record per call; a record may be several character-strings (long values are split so).
    public func addTXT(_ name: String, _ strings: String...) {
        lock.withLock { records[name.lowercased(), default: []].append(strings) }
    }

    public func silence(_ name: String) {
        lock.withLock { _ = silentNames.insert(name.lowercased()) }
    }

    public func stop() {
        lock.withLock { stopped = true }
        done.wait()
        close(fd)
    }

    private func serve() {
        defer { done.signal() }
        var buffer = [UInt8](repeating: 0, count: 1500)
        while !lock.withLock({ stopped }) {
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pollFD, 1, 50) > 0 else { continue }
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &peerLength) }
            }
            guard count > 12 else { continue }
            lock.withLock { queries += 1 }
            guard let reply = answer(Array(buffer[0 ..< count])) else { continue }
            _ = withUnsafePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, reply, reply.count, 0, $0, peerLength) }
            }
        }
    }

    private func answer(_ query: [UInt8]) -> [UInt8]? {
        var labels: [String] = []
        var index = 12
        while index < query.count, query[index] != 0 {
            let length = Int(query[index])
            guard index + 1 + length < query.count else { return nil }
            labels.append(String(decoding: query[index + 1 ... index + length], as: UTF8.self))
            index += 1 + length
        }
        let questionEnd = index + 5
        guard questionEnd <= query.count else { return nil }
        let name = labels.joined(separator: ".").lowercased()
        let (found, silent) = lock.withLock { (records[name], silentNames.contains(name)) }
        if silent { return nil }
        var reply = Array(query[0 ..< 2])
        reply += [0x81, found == nil ? 0x83 : 0x80] // response, RD+RA, rcode NXDOMAIN or NOERROR
        reply += [0, 1, 0, UInt8(found?.count ?? 0), 0, 0, 0, 0]
        reply += query[12 ..< questionEnd]
        for strings in found ?? [] {
            var data: [UInt8] = []
            for string in strings {
                data.append(UInt8(string.utf8.count))
                data += string.utf8
            }
            reply += [0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0x01, 0x2C, UInt8(data.count >> 8), UInt8(data.count & 0xFF)]
            reply += data
        }
        return reply
    }

    public enum DoubleError: Error { case socket(Int32) }
}
