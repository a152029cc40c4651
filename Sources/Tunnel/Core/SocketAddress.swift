import CNgtcp2
#if canImport(Glibc)
import Glibc
#endif

/// A UDP address (IPv4 or IPv6) stored the way the kernel and ngtcp2 want it.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    var storage: ngtcp2_sockaddr_union
    var length: socklen_t

    init(storage: ngtcp2_sockaddr_union, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    init(copying sa: UnsafePointer<sockaddr>, length: socklen_t) {
        var storage = ngtcp2_sockaddr_union()
        withUnsafeMutableBytes(of: &storage) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: min(Int(length), dst.count)))
        }
        self.init(storage: storage, length: length)
    }

    /// Parses `127.0.0.1:4433` or `[::1]:4433`.
    public init(_ text: String) throws {
        var host = Substring(text), portText = Substring("")
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(after: close)...].dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else { throw TunnelError.invalidArgument("address needs HOST:PORT: \(text)") }
        var storage = ngtcp2_sockaddr_union()
        if inet_pton(AF_INET, String(host), &storage.in.sin_addr) == 1 {
            storage.in.sin_family = sa_family_t(AF_INET)
            storage.in.sin_port = port.bigEndian
            self.init(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        } else if inet_pton(AF_INET6, String(host), &storage.in6.sin6_addr) == 1 {
            storage.in6.sin6_family = sa_family_t(AF_INET6)
            storage.in6.sin6_port = port.bigEndian
            self.init(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        } else {
            throw TunnelError.invalidArgument("not an IP address: \(host)")
        }
    }

    public var family: Int32 { Int32(storage.sa.sa_family) }

    public var port: UInt16 {
        family == AF_INET6 ? UInt16(bigEndian: storage.in6.sin6_port) : UInt16(bigEndian: storage.in.sin_port)
    }

    public var description: String {
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var s = storage
        if family == AF_INET6 {
            inet_ntop(AF_INET6, &s.in6.sin6_addr, &buf, socklen_t(buf.count))
            return "[\(String(cString: buf))]:\(port)"
        }
        inet_ntop(AF_INET, &s.in.sin_addr, &buf, socklen_t(buf.count))
        return "\(String(cString: buf)):\(port)"
    }

    private var bytes: [UInt8] {
        withUnsafeBytes(of: storage) { Array($0.prefix(Int(length))) }
    }

    public static func == (a: SocketAddress, b: SocketAddress) -> Bool { a.bytes == b.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        var s = storage
        return try withUnsafePointer(to: &s) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }
}

/// One UDP payload with the path it travels on.
public struct Datagram: Sendable {
    public var bytes: [UInt8]
    public var remote: SocketAddress
    public var local: SocketAddress

    public init(bytes: [UInt8], remote: SocketAddress, local: SocketAddress) {
        self.bytes = bytes
        self.remote = remote
        self.local = local
    }
}

/// Builds an `ngtcp2_path` over two addresses for the duration of a call.
func withPath<R>(local: SocketAddress, remote: SocketAddress, _ body: (UnsafePointer<ngtcp2_path>) throws -> R) rethrows -> R {
    var l = local.storage, r = remote.storage
    return try withUnsafeMutablePointer(to: &l) { lp in
        try withUnsafeMutablePointer(to: &r) { rp in
            var path = ngtcp2_path(
                local: ngtcp2_addr(addr: UnsafeMutableRawPointer(lp).assumingMemoryBound(to: ngtcp2_sockaddr.self), addrlen: local.length),
                remote: ngtcp2_addr(addr: UnsafeMutableRawPointer(rp).assumingMemoryBound(to: ngtcp2_sockaddr.self), addrlen: remote.length),
                user_data: nil)
            return try body(&path)
        }
    }
}
