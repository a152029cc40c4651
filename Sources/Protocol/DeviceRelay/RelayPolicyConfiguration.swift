/// A relay's configuration as an operator writes it (decoded by the caller from its config file):
/// a managed tier, or `byo` with explicit features, retention and limits.
public struct RelayPolicyConfiguration: Hashable, Sendable, Codable {
    public var tier: String
    /// BYO only: feature names to grant.
    public var features: [String]?
    /// BYO only: `commit-buffer` retention; required when `commit-buffer` is listed.
    public var retentionDays: Int?
    public var maxBlobBytes: Int?
    /// Overrides of the default limits, by wire name (`maxFrameBytes`, ...); any tier.
    public var limits: [String: Int]?

    public init(tier: String, features: [String]? = nil, retentionDays: Int? = nil, maxBlobBytes: Int? = nil,
                limits: [String: Int]? = nil) {
        self.tier = tier
        self.features = features
        self.retentionDays = retentionDays
        self.maxBlobBytes = maxBlobBytes
        self.limits = limits
    }
}

public enum RelayPolicyError: Error, Hashable, Sendable {
    case unknownTier(String)
    case unknownFeature(String)
    case featuresOnlyForBYO
    case missingRetentionDays
    case unknownLimit(String)
    case limitOutOfRange(String, Int)
}

extension RelayPolicy {
    public init(configuration c: RelayPolicyConfiguration) throws(RelayPolicyError) {
        guard let tier = Tier(rawValue: c.tier) else { throw .unknownTier(c.tier) }
        self = RelayPolicy.preset(tier)
        if tier == .byo {
            for name in c.features ?? [] {
                guard let feature = Feature(rawValue: name) else { throw .unknownFeature(name) }
                var params = FeatureParameters()
                switch feature {
                case .commitBuffer:
                    guard let days = c.retentionDays, days > 0 else { throw .missingRetentionDays }
                    params.parameters[FeatureParameters.retentionDaysKey] = .count(days)
                case .blobForwarding:
                    params.parameters[FeatureParameters.maxBlobBytesKey] = .count(c.maxBlobBytes ?? Self.defaultMaxBlobBytes)
                default:
                    break
                }
                offered[feature] = params
            }
        } else if c.features != nil || c.retentionDays != nil || c.maxBlobBytes != nil {
            throw .featuresOnlyForBYO
        }
        for (name, value) in c.limits ?? [:] {
            guard let path = Limits.keyPaths.first(where: { $0.0 == name })?.1 else { throw .unknownLimit(name) }
            let ceiling = name == "maxFrameBytes" ? DeviceRelayProtocol.absoluteMaxFrameBytes : Int(Int32.max)
            guard value >= 1, value <= ceiling else { throw .limitOutOfRange(name, value) }
            limits[keyPath: path] = value
        }
    }
}
