import Protocol

/// `repo-snapshot` (spec 7.4, 8.3, 11): with it, the relay keeps the account's full repository
/// (the signed cache promotion loaded and every acked commit extends) and answers
/// `com.atproto.sync.getRepo` while the desktop is offline. Without it the relay promises no full
/// copy: `getRepo` is answered only while the desktop is online, else 503 `DeviceOffline`.
extension Enrollment {
    /// The account's latest grants, or what this relay would grant when it has seen no session yet.
    func grantsOrPolicy(did: String) -> FeatureSet {
        grants[did] ?? settings.policy.grant(DeviceSession.Configuration.allFeatures())
    }

    func snapshotGranted(did: String) -> Bool {
        grantsOrPolicy(did: did)[Feature.repoSnapshot.rawValue] != nil
    }

    /// Throws `Unavailable` (503, `Retry-After: 30`) when a full-repository read may not be served now.
    func checkFullRepoRead(did: String) async throws {
        guard !snapshotGranted(did: did), await !isOnline(did: did) else { return }
        throw Unavailable(retryAfterSeconds: DeviceRelayProtocol.offlineRetryAfterSeconds, error: "DeviceOffline",
                          message: "The desktop that holds this repository is offline and this relay keeps no snapshot of it")
    }
}
