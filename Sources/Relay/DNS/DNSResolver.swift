import Foundation

/// TXT lookups over UDP, trying each nameserver in turn; every lookup is bounded by `timeout`
/// per server. Used for `_atproto.<handle>` (atproto handle spec, DNS TXT method).
public struct DNSResolver: Sendable {
    public let servers: [DNSServerAddress]
    public let timeout: TimeInterval

    public init(servers: [DNSServerAddress], timeout: TimeInterval = 3) {
        self.servers = servers
        self.timeout = timeout
    }

    /// `PDS_DNS_RESOLVER` when given, else the system's resolv.conf nameservers.
    public static func configured(_ override: String?, timeout: TimeInterval = 3) -> DNSResolver {
        if let override, let server = DNSServerAddress.parse(override) {
            return DNSResolver(servers: [server], timeout: timeout)
        }
        return DNSResolver(servers: DNSServerAddress.systemNameservers(), timeout: timeout)
    }

    /// Each TXT record of `name` as one string (its character-strings concatenated); empty when
    /// the name exists without TXT records. NXDOMAIN throws `.nxdomain`.
    public func txt(_ name: String) async throws(DNSError) -> [String] {
        guard !servers.isEmpty else { throw DNSError.noNameserver }
        var lastError = DNSError.noNameserver
        for server in servers {
            do {
                return try await txt(name, server: server)
            } catch .nxdomain {
                throw .nxdomain
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private func txt(_ name: String, server: DNSServerAddress) async throws(DNSError) -> [String] {
        let id = UInt16.random(in: 0 ... .max)
        let query = try DNSMessage.query(id: id, name: name, type: DNSMessage.typeTXT)
        let reply = try await DNSUDPExchange.exchange(query, with: server, timeout: timeout)
        let response = try DNSMessage.parseResponse(reply)
        guard response.id == id else { throw .mismatchedID }
        guard !response.truncated else { throw .truncated }
        switch response.rcode {
        case 0: break
        case 3: throw .nxdomain
        default: throw .serverFailure(rcode: response.rcode)
        }
        return try response.answers.filter { $0.type == DNSMessage.typeTXT }.map { record throws(DNSError) in
            String(decoding: try record.txtStrings().joined(), as: UTF8.self)
        }
    }
}
