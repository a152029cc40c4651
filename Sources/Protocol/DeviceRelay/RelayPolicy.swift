/// What a relay grants: a tier preset or a BYO operator's configuration (spec section 8.2).
public struct RelayPolicy: Hashable, Sendable {
    public enum Tier: String, Sendable, CaseIterable, Codable {
        case free, pro, business, byo
    }

    public var tier: Tier
    /// Feature name -> the most the relay grants (version and parameter ceilings).
    public var offered: [Feature: FeatureParameters]
    public var limits: Limits
    public var minorVersions: [Int]

    public static let defaultMaxBlobBytes = 104_857_600

    public init(tier: Tier, offered: [Feature: FeatureParameters], limits: Limits = .default,
                minorVersions: [Int] = DeviceRelayProtocol.supportedMinorVersions) {
        self.tier = tier
        self.offered = offered
        self.limits = limits
        self.minorVersions = minorVersions
    }

    /// The preset of a managed tier. `.byo` has no preset: build it from a `Configuration`.
    public static func preset(_ tier: Tier) -> RelayPolicy {
        var offered: [Feature: FeatureParameters] = [
            .blobForwarding: FeatureParameters(parameters: [FeatureParameters.maxBlobBytesKey: .count(defaultMaxBlobBytes)]),
            .repoSnapshot: FeatureParameters(),
            .commitAckSeq: FeatureParameters(),
        ]
        let days: Int
        switch tier {
        case .free: days = 7
        case .pro: days = 30
        case .business: days = 90
        case .byo: days = 0
        }
        if days > 0 {
            offered[.commitBuffer] = FeatureParameters(parameters: [FeatureParameters.retentionDaysKey: .count(days)])
        }
        if tier == .pro || tier == .business {
            offered[.firehoseProxy] = FeatureParameters()
            offered[.requestCrawl] = FeatureParameters()
        }
        if tier == .byo { offered = [:] }
        return RelayPolicy(tier: tier, offered: offered)
    }

    /// The grants for a `hello`: requested and offered, at the lower version, with parameters capped
    /// (section 8.1). Unknown requested names are left out silently.
    public func grant(_ requested: FeatureSet) -> FeatureSet {
        var out: FeatureSet = [:]
        for (name, asked) in requested {
            guard let feature = Feature(rawValue: name), let ceiling = offered[feature] else { continue }
            var granted = ceiling
            granted.version = min(asked.version, ceiling.version, feature.version)
            guard granted.version >= 1 else { continue }
            if let maxDays = ceiling.retentionDays {
                let askedDays = asked.retentionDays ?? maxDays
                granted.parameters[FeatureParameters.retentionDaysKey] = .count(max(0, min(askedDays, maxDays)))
            }
            out[name] = granted
        }
        return out
    }

    /// The highest minor version in common, if any.
    public func chooseVersion(_ offered: [Int]) -> Int? {
        Set(offered).intersection(minorVersions).max()
    }
}
