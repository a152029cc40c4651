/// The relay's acceptance of a `hello` (spec section 4.4).
public struct Welcome: FieldCodable {
    public static let type = "welcome"
    public var version: Int
    public var tier: String
    public var features: FeatureSet
    public var limits: Limits
    /// The firehose seq of the last commit the relay published for the account.
    public var seq: Int?
    /// That commit's rev.
    public var rev: String?
    /// True when this handshake consumed a pairing token.
    public var paired: Bool

    public init(version: Int, tier: String, features: FeatureSet, limits: Limits = .default,
                seq: Int? = nil, rev: String? = nil, paired: Bool = false) {
        self.version = version
        self.tier = tier
        self.features = features
        self.limits = limits
        self.seq = seq
        self.rev = rev
        self.paired = paired
    }

    init(fields f: MessageFields) throws(FrameError) {
        version = try f.count("version")
        tier = try f.string("tier")
        features = try f.features("features")
        limits = try Limits(fields: MessageFields(.map(f.map("limits")), message: "welcome.limits"))
        seq = try f.optionalCount("seq")
        rev = try f.optionalString("rev")
        paired = try f.bool("paired")
    }

    func write(to m: inout MapBuilder) {
        m["version"] = .count(version)
        m["tier"] = .string(tier)
        m["features"] = .features(features)
        m["limits"] = limits.toDataValue()
        m["seq"] = .optional(seq)
        m["rev"] = .optional(rev)
        m["paired"] = .bool(paired)
    }
}
