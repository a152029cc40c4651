/// The desktop daemon: repo engine, key store, pairing, tunnel client.
public enum DeviceModule {
    public static let summary = "desktop daemon (repo, keys, pairing, tunnel client)"
}
