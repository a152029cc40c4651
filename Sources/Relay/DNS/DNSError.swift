/// Why a DNS lookup gave no answer. `nxdomain`/`noData` are ordinary answers; the rest are failures.
public enum DNSError: Error, Equatable, CustomStringConvertible {
    case badName(String)
    case malformed(String)
    case mismatchedID
    case truncated
    case serverFailure(rcode: Int)
    case nxdomain
    case timedOut(String)
    case noNameserver
    case socket(String)

    public var description: String {
        switch self {
        case .badName(let n): return "not a DNS name: \(n)"
        case .malformed(let why): return "malformed DNS message: \(why)"
        case .mismatchedID: return "DNS response answers another query"
        case .truncated: return "DNS response truncated"
        case .serverFailure(let rcode): return "DNS server answered rcode \(rcode)"
        case .nxdomain: return "no such domain"
        case .timedOut(let server): return "DNS server \(server) did not answer in time"
        case .noNameserver: return "no nameserver configured"
        case .socket(let why): return "DNS socket error: \(why)"
        }
    }
}
