/// iroh-compatible QUIC tunnel over ngtcp2 + GnuTLS. Knows nothing of AT Protocol.
public enum TunnelModule {
    public static let summary = "QUIC tunnel: ngtcp2 + GnuTLS, iroh wire-compatible"
}
