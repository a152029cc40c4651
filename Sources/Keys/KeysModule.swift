/// Keys at rest for both peers: the relay's own keys and the device's and wallet's keys.
public enum KeysModule {
    public static let name = "Keys"
}
