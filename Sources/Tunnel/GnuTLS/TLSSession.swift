import CNgtcp2

/// One GnuTLS TLS 1.3 session configured the way iroh expects: raw public keys both ways,
/// Ed25519 signatures, mandatory ALPN, no SNI, no tickets, no early data.
final class TLSSession {
    let session: gnutls_session_t

    /// X25519 first: rustls (iroh) offers it, so GnuTLS avoids a HelloRetryRequest round trip.
    static let priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CTYPE-ALL:+CTYPE-CLI-RAWPK:+CTYPE-SRV-RAWPK:"
        + "-SIGN-ALL:+SIGN-EDDSA-ED25519:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"

    init(isServer: Bool, credentials: TLSCredentials, alpns: [String],
         connRef: UnsafeMutablePointer<ngtcp2_crypto_conn_ref>) throws {
        var s: gnutls_session_t?
        let flags = UInt32(isServer ? GNUTLS_SERVER : GNUTLS_CLIENT)
            | UInt32(GNUTLS_ENABLE_RAWPK.rawValue) | UInt32(GNUTLS_NO_END_OF_EARLY_DATA.rawValue)
            | UInt32(GNUTLS_NO_TICKETS.rawValue)
        try Check.gnutls(gnutls_init(&s, flags))
        guard let s else { throw TunnelError.gnutls(code: -1, message: "no session") }
        session = s
        try configure(isServer: isServer, credentials: credentials, alpns: alpns, connRef: connRef)
    }

    deinit { gnutls_deinit(session) }

    private func configure(isServer: Bool, credentials: TLSCredentials, alpns: [String],
                           connRef: UnsafeMutablePointer<ngtcp2_crypto_conn_ref>) throws {
        var errPos: UnsafePointer<CChar>?
        try Check.gnutls(gnutls_priority_set_direct(session, Self.priority, &errPos))
        try Check.gnutls(gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, UnsafeMutableRawPointer(credentials.credentials)))
        if isServer {
            gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE)
            try Check.gnutls(ngtcp2_crypto_gnutls_configure_server_session(session))
        } else {
            try Check.gnutls(ngtcp2_crypto_gnutls_configure_client_session(session))
        }
        gnutls_session_set_ptr(session, UnsafeMutableRawPointer(connRef))
        try setALPN(alpns)
    }

    private func setALPN(_ alpns: [String]) throws {
        guard !alpns.isEmpty else { throw TunnelError.invalidArgument("at least one ALPN is required") }
        let buffers = alpns.map { name -> UnsafeMutableBufferPointer<UInt8> in
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, name.utf8.count))
            _ = buffer.initialize(from: name.utf8)
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        var datums = zip(buffers, alpns).map { gnutls_datum_t(data: $0.baseAddress, size: UInt32($1.utf8.count)) }
        // GnuTLS copies the protocol names, so the buffers may go after this call.
        let rv = gnutls_alpn_set_protocols(session, &datums, UInt32(datums.count), UInt32(GNUTLS_ALPN_MANDATORY.rawValue))
        try Check.gnutls(rv)
    }

    /// The negotiated ALPN, once the handshake has selected one.
    var selectedALPN: String? {
        var datum = gnutls_datum_t()
        guard gnutls_alpn_get_selected_protocol(session, &datum) == 0, let data = datum.data else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(datum.size)), as: UTF8.self)
    }
}
