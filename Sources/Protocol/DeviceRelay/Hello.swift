/// The device's opening message (spec section 4).
public struct Hello: FieldCodable {
    public static let type = "hello"
    /// Minor versions the device speaks, newest first.
    public var versions: [Int]
    public var did: String
    /// Only on first contact; a paired device is known by its endpoint id.
    public var pairingToken: String?
    public var features: FeatureSet
    public var software: String?
    /// The device's head rev, for the relay's information.
    public var rev: String?

    public init(versions: [Int] = DeviceRelayProtocol.supportedMinorVersions, did: String, pairingToken: String? = nil,
                features: FeatureSet = [:], software: String? = nil, rev: String? = nil) {
        self.versions = versions
        self.did = did
        self.pairingToken = pairingToken
        self.features = features
        self.software = software
        self.rev = rev
    }

    init(fields f: MessageFields) throws(FrameError) {
        versions = try f.countArray("versions")
        did = try f.string("did")
        pairingToken = try f.optionalString("pairingToken")
        features = try f.features("features")
        software = try f.optionalString("software")
        rev = try f.optionalString("rev")
    }

    func write(to m: inout MapBuilder) {
        m["versions"] = .array(versions.map { .count($0) })
        m["did"] = .string(did)
        m["pairingToken"] = .optional(pairingToken)
        m["features"] = .features(features)
        m["software"] = .optional(software)
        m["rev"] = .optional(rev)
    }
}
