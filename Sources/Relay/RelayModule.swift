/// The network-facing PDS: accounts, XRPC, firehose, signing; later proxy + signer for a desktop.
public enum RelayModule {
    public static let summary = "network-facing PDS (XRPC, firehose, signing)"
}
