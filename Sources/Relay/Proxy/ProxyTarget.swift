import Protocol

/// Where a proxied call goes: the service the `atproto-proxy` header names (`did#service_id`),
/// looked up in that DID's document, or the configured AppView when no header is given (or it
/// names the AppView's own DID, which needs no lookup).
struct ProxyTarget: Sendable, Equatable {
    let url: String
    let did: String

    static func choose(header: String?, environment: RelayEnvironment) async throws -> ProxyTarget {
        let config = environment.config
        guard let header else {
            guard let url = config.appViewURL, let did = config.appViewDID else {
                throw XRPCError.invalidRequest("No AppView configured (PDS_BSKY_APP_VIEW_URL / PDS_BSKY_APP_VIEW_DID)")
            }
            return ProxyTarget(url: url, did: did)
        }
        let parts = header.split(separator: "#", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].hasPrefix("did:"), !parts[1].isEmpty else {
            throw XRPCError.invalidRequest("invalid atproto-proxy header (expected did#service_id): \(header)")
        }
        let (did, service) = (parts[0], parts[1])
        if did == config.appViewDID, let url = config.appViewURL { return ProxyTarget(url: url, did: did) }
        let document: DIDDocument
        do { document = try await environment.resolver.resolve(did) } catch {
            throw XRPCError.invalidRequest("could not resolve proxy did \(did): \(error)")
        }
        guard let endpoint = document.services.first(where: { $0.id == "#" + service || $0.id == "\(did)#\(service)" })?.serviceEndpoint else {
            throw XRPCError.invalidRequest("could not resolve proxy did service url: \(did) has no service #\(service)")
        }
        return ProxyTarget(url: endpoint, did: did)
    }
}
