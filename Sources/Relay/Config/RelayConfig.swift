import Foundation
import Logging
import Protocol

/// Everything the relay needs to run, named after the reference PDS's environment variables so
/// self-hosters can reuse what they know. `RelayConfig.load` reads them; flags override them.
public struct RelayConfig: Sendable {
    public var hostname: String
    public var port: Int
    /// Not a reference variable: the embedded default listens on loopback only.
    public var bindAddress: String
    public var dataDirectory: String
    public var blobstoreLocation: String
    public var jwtSecret: String
    public var plcRotationKeyHex: String
    public var plcURL: String
    /// True when `PDS_DID_PLC_URL` (or its flag) was given: new DIDs are published there. The
    /// embedded default keeps each DID's op log locally and publishes nothing.
    public var publishesDIDs: Bool = false
    public var crawlers: [String]
    public var serviceHandleDomains: [String]
    public var inviteRequired: Bool
    public var blobUploadLimit: Int
    public var appViewURL: String?
    public var appViewDID: String?
    public var adminPassword: String
    /// Public base URL clients reach us at; https for a real hostname, http for loopback development.
    public var publicURL: String
    /// requestCrawl again on the first write after this long without one (`PDS_CRAWL_QUIET_SECONDS`).
    public var crawlQuietSpell: TimeInterval = 20 * 60
    /// First retry delay of a failed requestCrawl; doubles each time.
    public var crawlRetryBase: TimeInterval = 5
    /// Seconds between an escrow release request and the share being handed out (PDS_ESCROW_RELEASE_DELAY).
    public var escrowReleaseDelay: Int = 86400
    /// Nameserver for handle TXT lookups (`PDS_DNS_RESOLVER`, `host:port`); nil means /etc/resolv.conf's.
    public var dnsResolver: String?
    /// Events a firehose subscriber may fall behind by before it is cut off (ConsumerTooSlow).
    public var firehoseBufferLimit: Int = 4096

    /// `did:web` of this service: the audience of access tokens, as in the reference PDS.
    public var serviceDID: String { "did:web:\(hostname)" }

    public static let defaultPort = 2583
    public static let defaultBlobUploadLimit = 5 * 1024 * 1024
}

extension RelayConfig {
    /// Values from flags win over the environment; anything still missing gets the embedded default.
    /// Secrets not given anywhere are generated once and kept encrypted in the relay's key store (`<data>/keys/`, see SecretsFile).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            overrides: RelayConfigOverrides = .init()) throws -> RelayConfig {
        let env = environment.filter { !$0.value.isEmpty }
        let hostname = overrides.hostname ?? env["PDS_HOSTNAME"] ?? "localhost"
        let port = try overrides.port ?? env["PDS_PORT"].map { try parseInt($0, "PDS_PORT") } ?? defaultPort
        let dataDirectory = overrides.dataDirectory ?? env["PDS_DATA_DIRECTORY"] ?? "./data"
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let secrets = try SecretsFile.loadOrCreate(in: dataDirectory)
        let isLoopback = ["localhost", "127.0.0.1", "::1"].contains(hostname)

        // `.localhost` is a reserved TLD handles may not use; like the reference dev setup, use `.test`.
        let defaultDomains = isLoopback ? [".test"] : ["." + hostname]
        let domains = (overrides.serviceHandleDomains ?? env["PDS_SERVICE_HANDLE_DOMAINS"].map(splitList))
            ?? defaultDomains

        var config = RelayConfig(
            hostname: hostname,
            port: port,
            bindAddress: overrides.bindAddress ?? env["PDS_BIND_ADDRESS"] ?? "127.0.0.1",
            dataDirectory: dataDirectory,
            blobstoreLocation: overrides.blobstoreLocation ?? env["PDS_BLOBSTORE_DISK_LOCATION"]
                ?? (dataDirectory as NSString).appendingPathComponent("blobs"),
            jwtSecret: overrides.jwtSecret ?? env["PDS_JWT_SECRET"] ?? secrets.jwtSecret,
            plcRotationKeyHex: overrides.plcRotationKeyHex ?? env["PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX"]
                ?? secrets.plcRotationKeyHex,
            plcURL: overrides.plcURL ?? env["PDS_DID_PLC_URL"] ?? "https://plc.directory",
            crawlers: overrides.crawlers ?? env["PDS_CRAWLERS"].map(splitList) ?? [],
            serviceHandleDomains: domains.map { $0.hasPrefix(".") ? $0 : "." + $0 },
            inviteRequired: try overrides.inviteRequired ?? env["PDS_INVITE_REQUIRED"].map { try parseBool($0, "PDS_INVITE_REQUIRED") } ?? false,
            blobUploadLimit: try overrides.blobUploadLimit ?? env["PDS_BLOB_UPLOAD_LIMIT"].map { try parseInt($0, "PDS_BLOB_UPLOAD_LIMIT") }
                ?? defaultBlobUploadLimit,
            appViewURL: overrides.appViewURL ?? env["PDS_BSKY_APP_VIEW_URL"],
            appViewDID: overrides.appViewDID ?? env["PDS_BSKY_APP_VIEW_DID"],
            adminPassword: overrides.adminPassword ?? env["PDS_ADMIN_PASSWORD"] ?? secrets.adminPassword,
            publicURL: overrides.publicURL ?? env["PDS_PUBLIC_URL"]
                ?? (isLoopback ? "http://\(hostname):\(port)" : "https://\(hostname)"),
            escrowReleaseDelay: try overrides.escrowReleaseDelay
                ?? env["PDS_ESCROW_RELEASE_DELAY"].map { try parseInt($0, "PDS_ESCROW_RELEASE_DELAY") } ?? 86400
        )
        config.publishesDIDs = overrides.plcURL != nil || env["PDS_DID_PLC_URL"] != nil
        if let quiet = try overrides.crawlQuietSpell ?? env["PDS_CRAWL_QUIET_SECONDS"].map({ Double(try parseInt($0, "PDS_CRAWL_QUIET_SECONDS")) }) {
            config.crawlQuietSpell = quiet
        }
        if let base = overrides.crawlRetryBase { config.crawlRetryBase = base }
        config.dnsResolver = overrides.dnsResolver ?? env["PDS_DNS_RESOLVER"]
        if let limit = overrides.firehoseBufferLimit { config.firehoseBufferLimit = max(1, limit) }
        if let resolver = config.dnsResolver, DNSServerAddress.parse(resolver) == nil {
            throw RelayConfigError.invalid("PDS_DNS_RESOLVER", resolver)
        }
        return config
    }

    private static func splitList(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private static func parseInt(_ value: String, _ name: String) throws -> Int {
        guard let int = Int(value), int >= 0 else { throw RelayConfigError.invalid(name, value) }
        return int
    }

    private static func parseBool(_ value: String, _ name: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw RelayConfigError.invalid(name, value)
        }
    }
}

/// Flag values of `dpds relay serve`; nil means "not given".
public struct RelayConfigOverrides: Sendable {
    public var hostname: String?
    public var port: Int?
    public var bindAddress: String?
    public var dataDirectory: String?
    public var blobstoreLocation: String?
    public var jwtSecret: String?
    public var plcRotationKeyHex: String?
    public var plcURL: String?
    public var crawlers: [String]?
    public var serviceHandleDomains: [String]?
    public var inviteRequired: Bool?
    public var blobUploadLimit: Int?
    public var appViewURL: String?
    public var appViewDID: String?
    public var adminPassword: String?
    public var publicURL: String?
    public var crawlQuietSpell: TimeInterval?
    public var crawlRetryBase: TimeInterval?
    public var escrowReleaseDelay: Int?
    public var dnsResolver: String?
    public var firehoseBufferLimit: Int?

    public init() {}
}

public enum RelayConfigError: Error, CustomStringConvertible {
    case invalid(String, String)
    case unreadableSecrets(String)

    public var description: String {
        switch self {
        case .invalid(let name, let value): return "invalid value for \(name): \(value)"
        case .unreadableSecrets(let path): return "cannot read secrets file \(path)"
        }
    }
}

extension RelayConfig {
    /// Desktop enrollment: `PDS_TUNNEL_PORT` (UDP, default any free port), `PDS_DEVICE_TIER`
    /// (free/pro/business/byo, default pro) and, for byo, `PDS_DEVICE_POLICY` (a JSON
    /// `RelayPolicyConfiguration`; `{"tier":"byo"}` grants no optional feature).
    public var enrollmentSettings: Enrollment.Settings {
        let env = ProcessInfo.processInfo.environment
        var settings = Enrollment.Settings(bindAddress: bindAddress, tunnelPort: Int(env["PDS_TUNNEL_PORT"] ?? "") ?? 0)
        // Tickets name the directory the desktop resolves the account's DID document in.
        settings.plcDirectory = publishesDIDs ? plcURL : nil
        if let json = env["PDS_DEVICE_POLICY"], let data = json.data(using: .utf8),
           let c = try? JSONDecoder().decode(RelayPolicyConfiguration.self, from: data), let policy = try? RelayPolicy(configuration: c) {
            settings.policy = policy
        } else {
            if let tier = env["PDS_DEVICE_TIER"].flatMap(RelayPolicy.Tier.init(rawValue:)) { settings.policy = .preset(tier) }
            // The managed tiers offer a deeper pipeline than the spec's default of 8 (a relay MAY offer
            // more): a desktop's queued pushes, and concurrent forwarded writes, then share fsyncs.
            settings.policy.limits.maxInFlight = 32
        }
        // PDS_DEVICE_MAX_IN_FLIGHT: how many pushes a desktop may pipeline (welcome.limits.maxInFlight).
        if let window = Int(env["PDS_DEVICE_MAX_IN_FLIGHT"] ?? ""), window >= 1 { settings.policy.limits.maxInFlight = window }
        // PDS_FIREHOSE_UPSTREAM: the network relay `firehose-proxy` subscribes to (e.g. bsky.network).
        // Unset, the relay opens no upstream connection and grants no `firehose-proxy`.
        if let upstream = env["PDS_FIREHOSE_UPSTREAM"], !upstream.isEmpty {
            settings.networkFirehose = WebSocketFirehoseSource(upstream: upstream, logger: Logger(label: "dpds.relay.firehose-upstream"))
        }
        return settings
    }
}
