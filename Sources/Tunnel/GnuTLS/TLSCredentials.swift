import CNgtcp2

/// The endpoint's GnuTLS credentials: its Ed25519 key as an RFC 7250 raw public key, and the
/// peer check every session runs. One per endpoint, shared by its connections.
final class TLSCredentials {
    let credentials: gnutls_certificate_credentials_t

    init(secretKey: SecretKey) throws {
        var cred: gnutls_certificate_credentials_t?
        try Check.gnutls(gnutls_certificate_allocate_credentials(&cred))
        guard let cred else { throw TunnelError.gnutls(code: -1, message: "no credentials") }
        credentials = cred
        do {
            try Self.installKey(secretKey, into: cred)
        } catch {
            gnutls_certificate_free_credentials(cred)
            throw error
        }
        gnutls_certificate_set_verify_function(cred, verifyPeerThunk)
    }

    deinit { gnutls_certificate_free_credentials(credentials) }

    /// iroh's secret key is the Ed25519 seed: import (x = public key, k = seed), derive the public
    /// key, wrap it as a raw-public-key "certificate". `gnutls_certificate_set_key` takes ownership
    /// of the private key and of the pcert's contents, so only the pcert struct itself is ours to free.
    private static func installKey(_ key: SecretKey, into cred: gnutls_certificate_credentials_t) throws {
        var priv: gnutls_privkey_t?
        try Check.gnutls(gnutls_privkey_init(&priv))
        var pub = key.publicKey, seed = key.seed
        let imported = pub.withUnsafeMutableBytes { x in
            seed.withUnsafeMutableBytes { k in
                var xd = gnutls_datum_t(data: x.baseAddress!.assumingMemoryBound(to: UInt8.self), size: 32)
                var kd = gnutls_datum_t(data: k.baseAddress!.assumingMemoryBound(to: UInt8.self), size: 32)
                return gnutls_privkey_import_ecc_raw(priv, GNUTLS_ECC_CURVE_ED25519, &xd, nil, &kd)
            }
        }
        seed.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        guard imported >= 0 else { gnutls_privkey_deinit(priv); try Check.gnutls(imported); return }
        var pubkey: gnutls_pubkey_t?
        try Check.gnutls(gnutls_pubkey_init(&pubkey))
        try Check.gnutls(gnutls_pubkey_import_privkey(pubkey, priv, 0, 0))
        let pcert = UnsafeMutablePointer<gnutls_pcert_st>.allocate(capacity: 1)
        defer { pcert.deallocate() }
        try Check.gnutls(gnutls_pcert_import_rawpk(pcert, pubkey, 0))
        try Check.gnutls(gnutls_certificate_set_key(cred, nil, 0, pcert, 1, priv))
    }
}

/// GnuTLS calls this for raw public keys in both roles. The session pointer is the ngtcp2
/// `conn_ref` whose user data is the `QuicConnection`, which decides.
private let verifyPeerThunk: @convention(c) (gnutls_session_t?) -> Int32 = { session in
    guard let session, let ref = gnutls_session_get_ptr(session) else { return -1 }
    let connRef = ref.assumingMemoryBound(to: ngtcp2_crypto_conn_ref.self)
    guard let user = connRef.pointee.user_data else { return -1 }
    let connection = Unmanaged<QuicConnection>.fromOpaque(user).takeUnretainedValue()
    return connection.verifyPeer(session: session) ? 0 : -1
}

enum PeerCertificate {
    /// The peer's endpoint id when it presented exactly one Ed25519 raw public key, else why not.
    static func endpointId(session: gnutls_session_t) -> Result<EndpointId, TunnelError> {
        guard gnutls_certificate_type_get2(session, GNUTLS_CTYPE_PEERS) == GNUTLS_CRT_RAWPK else {
            return .failure(.authenticationFailed("peer did not present a raw public key"))
        }
        var count: UInt32 = 0
        guard let list = gnutls_certificate_get_peers(session, &count), count == 1 else {
            return .failure(.authenticationFailed("peer presented \(count) keys, expected exactly one"))
        }
        let der = Array(UnsafeBufferPointer(start: list[0].data, count: Int(list[0].size)))
        guard let id = EndpointId(subjectPublicKeyInfo: der) else {
            return .failure(.authenticationFailed("peer key is not an Ed25519 SubjectPublicKeyInfo"))
        }
        return .success(id)
    }
}
