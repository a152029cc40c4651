import Foundation
import Testing
import TestSupport
@testable import Protocol

/// Feature negotiation, tiers, BYO configuration, and the documented degradation for each missing
/// feature (spec section 8).
@Suite struct DeviceRelayFeatureTests {
    @Test(arguments: Feature.allCases)
    func eachMissingFeatureDegradesAsDocumented(_ missing: Feature) throws {
        let others = Feature.allCases.filter { $0 != missing }.map(\.rawValue)
        let policy = try RelayPolicy(configuration: .init(tier: "byo", features: others, retentionDays: 14))
        var pair = SessionPair(device: Fixture.pairing(), policy: policy, store: Fixture.store())
        pair.start()
        let (welcome, degradations) = try #require(pair.established)
        #expect(welcome.tier == "byo")
        #expect(welcome.features[missing.rawValue] == nil)
        #expect(degradations == [Degradation.whenMissing(missing)])
        #expect(pair.device.granted.count == Feature.allCases.count - 1)

        // The behaviour the protocol itself shows for the missing feature.
        try pair.push(Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil))
        let ack = try #require(pair.acks.first)
        switch missing {
        case .commitAckSeq:
            #expect(ack.seq == nil && welcome.seq == nil, "no seq without commit-ack-seq")
        case .commitBuffer:
            #expect(ack.seq != nil)
            #expect(degradations.first?.behaviour == .verifyAcksImmediately)
        default:
            #expect(ack.seq != nil)
            #expect(welcome.features["commit-buffer"]?.retentionDays == 14)
        }
    }

    @Test func degradationMessagesAreTheSpecs() throws {
        let spec = try String(contentsOf: PackageRoot.url.appendingPathComponent("spec/device-relay-protocol.md"), encoding: .utf8)
        var behaviours = Set<Degradation.Behaviour>()
        for feature in Feature.allCases {
            let d = Degradation.whenMissing(feature)
            #expect(spec.contains("| `\(feature.rawValue)` | "), "\(feature) row")
            #expect(spec.contains(d.userMessage), "spec section 8.3 carries the message for \(feature) verbatim")
            behaviours.insert(d.behaviour)
        }
        #expect(behaviours.count == Feature.allCases.count)
    }

    @Test func tierPresets() throws {
        let all = DeviceSession.Configuration.allFeatures(retentionDays: 365)
        func grants(_ tier: RelayPolicy.Tier) -> FeatureSet { RelayPolicy.preset(tier).grant(all) }
        #expect(grants(.free)["commit-buffer"]?.retentionDays == 7)
        #expect(grants(.free)["firehose-proxy"] == nil && grants(.free)["request-crawl"] == nil)
        #expect(grants(.pro)["commit-buffer"]?.retentionDays == 30)
        #expect(grants(.pro)["firehose-proxy"] != nil && grants(.pro)["request-crawl"] != nil)
        #expect(grants(.business)["commit-buffer"]?.retentionDays == 90)
        #expect(grants(.business).count == 6)
        #expect(grants(.byo).isEmpty)
        #expect(grants(.free)["blob-forwarding"]?.maxBlobBytes == 104_857_600)

        var free = SessionPair(device: Fixture.pairing(), policy: .preset(.free), store: Fixture.store())
        free.start()
        #expect(try #require(free.established).1.map(\.feature) == [.firehoseProxy, .requestCrawl])
    }

    @Test func grantRules() {
        let policy = RelayPolicy.preset(.business)
        var asked = DeviceSession.Configuration.allFeatures(retentionDays: 10)
        asked["teleport"] = FeatureParameters(version: 3)
        asked["repo-snapshot"] = FeatureParameters(version: 4)
        let granted = policy.grant(asked)
        #expect(granted["teleport"] == nil, "unknown features are left out")
        #expect(granted["commit-buffer"]?.retentionDays == 10, "never more than asked")
        #expect(granted["repo-snapshot"]?.version == 1, "version is the lower one")
        #expect(policy.grant(["commit-buffer": FeatureParameters(version: 0)]).isEmpty)
        // A device ignores grants it did not ask for.
        var device = DeviceSession(configuration: Fixture.known(features: ["repo-snapshot": FeatureParameters()]))
        _ = device.start(now: 0)
        let welcome = Welcome(version: 0, tier: "pro", features: grantsOf(policy), paired: false)
        let actions = device.receive(Frame.encode(welcome), now: 1)
        #expect(device.granted.keys.sorted() == ["repo-snapshot"])
        guard case .established(_, let degradations)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(degradations.isEmpty)
    }

    private func grantsOf(_ policy: RelayPolicy) -> FeatureSet {
        policy.grant(DeviceSession.Configuration.allFeatures())
    }

    @Test func byoConfiguration() throws {
        let json = #"{"tier":"byo","features":["commit-buffer","blob-forwarding"],"retentionDays":3,"maxBlobBytes":1000,"limits":{"writeTimeoutMs":5000}}"#
        let config = try JSONDecoder().decode(RelayPolicyConfiguration.self, from: Data(json.utf8))
        let policy = try RelayPolicy(configuration: config)
        #expect(policy.tier == .byo)
        #expect(policy.offered[.commitBuffer]?.retentionDays == 3)
        #expect(policy.offered[.blobForwarding]?.maxBlobBytes == 1000)
        #expect(policy.limits.writeTimeoutMs == 5000)
        #expect(policy.offered.count == 2)

        #expect(throws: RelayPolicyError.unknownTier("gold")) { try RelayPolicy(configuration: .init(tier: "gold")) }
        #expect(throws: RelayPolicyError.unknownFeature("teleport")) {
            try RelayPolicy(configuration: .init(tier: "byo", features: ["teleport"]))
        }
        #expect(throws: RelayPolicyError.missingRetentionDays) {
            try RelayPolicy(configuration: .init(tier: "byo", features: ["commit-buffer"]))
        }
        #expect(throws: RelayPolicyError.featuresOnlyForBYO) {
            try RelayPolicy(configuration: .init(tier: "pro", features: ["commit-buffer"]))
        }
        #expect(throws: RelayPolicyError.unknownLimit("speed")) {
            try RelayPolicy(configuration: .init(tier: "pro", limits: ["speed": 1]))
        }
        #expect(throws: RelayPolicyError.limitOutOfRange("maxFrameBytes", 1 << 30)) {
            try RelayPolicy(configuration: .init(tier: "free", limits: ["maxFrameBytes": 1 << 30]))
        }
    }
}
