/// The AT Protocol data model and the device-relay protocol: what both peers speak.
/// No sockets and no SQLite live here.
public enum ProtocolModule {
    public static let version = "0.1.0"
}
