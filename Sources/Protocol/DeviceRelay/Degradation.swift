/// What a device does when the relay did not grant a feature, and what it tells the user
/// (spec section 8.3; the test suite checks every message appears verbatim in the spec).
public struct Degradation: Hashable, Sendable {
    public enum Behaviour: Hashable, Sendable {
        /// No commit buffer: check each ack's firehose event at once instead of lazily.
        case verifyAcksImmediately
        /// No firehose proxy: open our own connection to a network firehose while running.
        case subscribeToNetworkFirehose
        /// No blob forwarding: refuse forwarded writes referencing blobs we do not hold.
        case refuseForwardedBlobs
        /// No request-crawl: call `com.atproto.sync.requestCrawl` ourselves with the relay's hostname.
        case requestCrawlFromDevice
        /// No snapshot: nothing to do; the relay's `getRepo` answers 503 while we are offline.
        case repositoryUnavailableWhileOffline
        /// No ack seq: verify the relay with `getLatestCommit` instead of by firehose seq.
        case verifyByLatestCommit
    }

    public let feature: Feature
    public let behaviour: Behaviour
    public let userMessage: String

    public static func whenMissing(_ feature: Feature) -> Degradation {
        switch feature {
        case .commitBuffer:
            Degradation(feature: feature, behaviour: .verifyAcksImmediately, userMessage:
                "Your relay keeps no history of your changes: apps that were offline may need to download your whole repository again.")
        case .firehoseProxy:
            Degradation(feature: feature, behaviour: .subscribeToNetworkFirehose, userMessage:
                "Notifications come straight from the network while this computer is on, which uses more bandwidth.")
        case .blobForwarding:
            Degradation(feature: feature, behaviour: .refuseForwardedBlobs, userMessage:
                "Your relay cannot carry images or video: add media from this computer.")
        case .requestCrawl:
            Degradation(feature: feature, behaviour: .requestCrawlFromDevice, userMessage:
                "Your relay does not announce itself to the network, so dpds does it from this computer.")
        case .repoSnapshot:
            Degradation(feature: feature, behaviour: .repositoryUnavailableWhileOffline, userMessage:
                "While this computer is off, apps cannot download your full repository.")
        case .commitAckSeq:
            Degradation(feature: feature, behaviour: .verifyByLatestCommit, userMessage:
                "Your relay does not report firehose positions, so dpds checks it less precisely.")
        }
    }

    /// The degradations in force for what was asked and what was granted, in feature-name order.
    /// A feature the device did not ask for is not "missing": the device chose to go without it.
    public static func list(requested: FeatureSet, granted: FeatureSet) -> [Degradation] {
        Feature.allCases.sorted()
            .filter { requested[$0.rawValue] != nil && granted[$0.rawValue] == nil }
            .map(whenMissing)
    }
}
