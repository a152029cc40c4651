/// The feature names of protocol 1.0 (spec section 8.1). Unknown names travel as plain strings.
public enum Feature: String, Sendable, CaseIterable, Comparable {
    case commitBuffer = "commit-buffer"
    case firehoseProxy = "firehose-proxy"
    case blobForwarding = "blob-forwarding"
    case requestCrawl = "request-crawl"
    case repoSnapshot = "repo-snapshot"
    case commitAckSeq = "commit-ack-seq"

    /// The feature version this implementation speaks.
    public var version: Int { 1 }

    public static func < (a: Feature, b: Feature) -> Bool { a.rawValue < b.rawValue }
}

/// A feature map on the wire: `v` plus the feature's parameters.
public struct FeatureParameters: Hashable, Sendable {
    public var version: Int
    public var parameters: [String: DataValue]

    public init(version: Int = 1, parameters: [String: DataValue] = [:]) {
        self.version = version
        self.parameters = parameters
    }

    public static let retentionDaysKey = "retentionDays"
    public static let maxBlobBytesKey = "maxBlobBytes"

    public var retentionDays: Int? { parameters[Self.retentionDaysKey]?.integerValue.map { Int($0) } }
    public var maxBlobBytes: Int? { parameters[Self.maxBlobBytesKey]?.integerValue.map { Int($0) } }

    init(fields: MessageFields) throws(FrameError) {
        version = try fields.count("v")
        var rest = fields.map
        rest["v"] = nil
        parameters = rest
    }

    func toDataValue() -> DataValue {
        var map = parameters
        map["v"] = .count(version)
        return .map(map)
    }
}

/// Requested or granted features, keyed by name.
public typealias FeatureSet = [String: FeatureParameters]

extension MessageFields {
    func features(_ key: String) throws(FrameError) -> FeatureSet {
        var out: FeatureSet = [:]
        for (name, value) in try map(key) {
            guard case .map = value else { throw FrameError.wrongType(message: message, field: "\(key).\(name)", expected: "map") }
            out[name] = try FeatureParameters(fields: MessageFields(value, message: "\(message).\(key).\(name)"))
        }
        return out
    }
}

extension DataValue {
    static func features(_ set: FeatureSet) -> DataValue {
        .map(set.mapValues { $0.toDataValue() })
    }
}
