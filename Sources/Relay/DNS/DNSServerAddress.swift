import Foundation

/// A nameserver: numeric IPv4/IPv6 address and port. From `/etc/resolv.conf`, or from
/// `PDS_DNS_RESOLVER` (`host:port`, `[v6]:port` or a bare address) so tests can point at a double.
public struct DNSServerAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `1.2.3.4`, `1.2.3.4:5353`, `::1`, `[::1]:5353`; nil when not one of those.
    public static func parse(_ text: String) -> DNSServerAddress? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex) ..< close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return DNSServerAddress(host: host) }
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1 ... 65535).contains(port) else { return nil }
            return DNSServerAddress(host: host, port: port)
        }
        let colons = text.filter { $0 == ":" }.count
        if colons == 1, let colon = text.firstIndex(of: ":") {
            guard let port = Int(text[text.index(after: colon)...]), (1 ... 65535).contains(port) else { return nil }
            return DNSServerAddress(host: String(text[..<colon]), port: port)
        }
        return text.isEmpty ? nil : DNSServerAddress(host: text)
    }

    /// The `nameserver` lines of a resolv.conf, in order (zone ids such as `%eth0` dropped).
    public static func fromResolvConf(_ text: String) -> [DNSServerAddress] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { return nil }
            let host = fields[1].split(separator: "%").first.map(String.init) ?? ""
            return host.isEmpty ? nil : DNSServerAddress(host: host)
        }
    }

    public static func systemNameservers(path: String = "/etc/resolv.conf") -> [DNSServerAddress] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return fromResolvConf(text)
    }
}
