/// Where a proxied call goes: the `atproto-proxy` header (`did#service_id`) when given, else the
/// configured AppView. Without a DID resolver only the AppView's own DID can be named.
struct ProxyTarget: Sendable, Equatable {
    let url: String
    let did: String

    static func choose(header: String?, config: RelayConfig) throws(XRPCError) -> ProxyTarget {
        if let header {
            let parts = header.split(separator: "#", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0].hasPrefix("did:"), !parts[1].isEmpty else {
                throw XRPCError.invalidRequest("invalid atproto-proxy header (expected did#service_id): \(header)")
            }
            guard let did = config.appViewDID, let url = config.appViewURL, parts[0] == did else {
                throw XRPCError.invalidRequest("cannot proxy to \(parts[0]): only the configured AppView "
                    + "(\(config.appViewDID ?? "none")) can be resolved by this PDS for now")
            }
            return ProxyTarget(url: url, did: did)
        }
        guard let url = config.appViewURL, let did = config.appViewDID else {
            throw XRPCError.invalidRequest("No AppView configured (PDS_BSKY_APP_VIEW_URL / PDS_BSKY_APP_VIEW_DID)")
        }
        return ProxyTarget(url: url, did: did)
    }
}
