import CNgtcp2

/// Every failure the tunnel reports. C return codes become these in one place (`check` below).
public enum TunnelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The peer's raw public key was not the endpoint id we dialed, or it presented no usable key.
    case authenticationFailed(String)
    /// No ALPN in common (TLS alert 120).
    case alpnMismatch
    /// The TLS handshake failed for another reason (alert number, or a GnuTLS message).
    case handshakeFailed(String)
    /// Nothing heard from the peer within the idle timeout.
    case idleTimeout
    /// The handshake did not finish in time.
    case handshakeTimeout
    /// The peer closed the connection with an application error code.
    case closedByPeer(code: UInt64, reason: String)
    /// The peer closed the connection with a QUIC transport error code.
    case transportError(code: UInt64, reason: String)
    /// We closed the connection (locally, with this application code).
    case closedLocally(code: UInt64)
    /// The peer reset the stream (RESET_STREAM) or asked us to stop sending (STOP_SENDING).
    case streamReset(code: UInt64)
    /// A stream operation on a stream that is already finished in that direction.
    case streamClosed
    /// A negative ngtcp2 return code.
    case ngtcp2(code: Int32, message: String)
    /// A negative GnuTLS return code.
    case gnutls(code: Int32, message: String)
    /// A socket call failed (errno).
    case socket(String, errno: Int32)
    /// A malformed address, endpoint id or key file.
    case invalidArgument(String)
    /// The endpoint was shut down.
    case endpointClosed

    public var description: String {
        switch self {
        case .authenticationFailed(let why): return "authentication failed: \(why)"
        case .alpnMismatch: return "handshake failed: no application protocol (ALPN) in common"
        case .handshakeFailed(let why): return "handshake failed: \(why)"
        case .idleTimeout: return "connection idle timeout: the peer stopped answering"
        case .handshakeTimeout: return "handshake timed out"
        case .closedByPeer(let code, let reason): return "closed by peer (application code \(code))\(reason.isEmpty ? "" : ": \(reason)")"
        case .transportError(let code, let reason): return "closed with transport error 0x\(String(code, radix: 16))\(reason.isEmpty ? "" : ": \(reason)")"
        case .closedLocally(let code): return "connection closed locally (application code \(code))"
        case .streamReset(let code): return "stream reset by peer (code \(code))"
        case .streamClosed: return "stream already closed"
        case .ngtcp2(let code, let message): return "ngtcp2 error \(code): \(message)"
        case .gnutls(let code, let message): return "GnuTLS error \(code): \(message)"
        case .socket(let call, let errno): return "\(call) failed: errno \(errno)"
        case .invalidArgument(let what): return "invalid argument: \(what)"
        case .endpointClosed: return "endpoint closed"
        }
    }

    /// True for the failures that mean "this is not the peer you wanted" (checked by the interop tests).
    public var isAuthenticationFailure: Bool {
        if case .authenticationFailed = self { return true }
        return false
    }

    /// Maps a TLS alert (sent or received in a QUIC CRYPTO_ERROR) to the error it means.
    static func fromTLSAlert(_ alert: UInt8, reason: String = "") -> TunnelError {
        switch alert {
        case 42, 43, 44, 45, 46, 48, 49, 51:
            return .authenticationFailed("TLS alert \(alert)\(reason.isEmpty ? "" : " (\(reason))")")
        case 120: return .alpnMismatch
        default: return .handshakeFailed("TLS alert \(alert)\(reason.isEmpty ? "" : " (\(reason))")")
        }
    }
}

/// The one place negative ngtcp2 / GnuTLS return codes turn into Swift errors.
enum Check {
    @discardableResult
    static func ngtcp2<T: BinaryInteger>(_ rv: T) throws -> T {
        guard rv >= 0 else {
            let code = Int32(truncatingIfNeeded: rv)
            throw TunnelError.ngtcp2(code: code, message: String(cString: ngtcp2_strerror(Int32(code))))
        }
        return rv
    }

    @discardableResult
    static func gnutls(_ rv: Int32) throws -> Int32 {
        guard rv >= 0 else { throw TunnelError.gnutls(code: rv, message: String(cString: gnutls_strerror(rv))) }
        return rv
    }
}
