import Foundation
import Keys
import Logging

/// Everything an endpoint may use, built once at start and shared by all requests.
public final class RelayEnvironment: Sendable {
    public let config: RelayConfig
    public let accounts: AccountStore
    public let auth: AuthVerifier
    public let sessions: SessionIssuer
    public let keys: AccountKeys
    public let blobs: any BlobStore
    public let hub: FirehoseHub
    public let sequencer: Sequencer
    public let registrar: any DIDRegistrar
    public let resolver: DIDResolver
    /// nil in the embedded default (DIDs not published).
    public let plcDirectory: PLCDirectoryClient?
    public let repo: (any RepoHost)?
    /// Desktops: tunnel listener, pairing, enrolled write path (Sources/Relay/Enrollment).
    public let enrollment: Enrollment
    public let logger: Logger
    public let preferences: PreferencesStore
    public let crawlers: CrawlNotifier
    /// Escrowed wallet shares, sealed under `<data>/escrow.key` (0600), with their audit log.
    public let escrow: EscrowStore
    /// TXT lookups for domain handles (`PDS_DNS_RESOLVER` or /etc/resolv.conf).
    public let dns: DNSResolver

    public init(config: RelayConfig, logger: Logger, registrar: (any DIDRegistrar)? = nil,
                repo: (any RepoHost)? = nil, enrollmentSettings: Enrollment.Settings? = nil) throws {
        let data = URL(fileURLWithPath: config.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        self.config = config
        self.logger = logger
        dns = DNSResolver.configured(config.dnsResolver)
        accounts = try AccountStore(path: data.appendingPathComponent("account.sqlite").path)
        auth = AuthVerifier(jwtSecret: config.jwtSecret, serviceDID: config.serviceDID, adminPassword: config.adminPassword)
        sessions = SessionIssuer(jwt: SessionJWT(secret: config.jwtSecret), serviceDID: config.serviceDID, accounts: accounts)
        let keys = AccountKeys(store: accounts, secret: config.jwtSecret)
        self.keys = keys
        let disk = try DiskBlobStore(root: config.blobstoreLocation)
        escrow = try EscrowStore(path: data.appendingPathComponent("escrow.sqlite").path,
                                 sealer: WrappingKey.fromKeyFile(path: data.appendingPathComponent("escrow.key").path))
        hub = FirehoseHub(bufferLimit: config.firehoseBufferLimit)
        sequencer = try Sequencer(path: data.appendingPathComponent("sequencer.sqlite").path, hub: hub)
        let directory = config.publishesDIDs ? PLCDirectoryClient(baseURL: config.plcURL) : nil
        plcDirectory = directory
        resolver = DIDResolver(accounts: accounts, directory: directory)
        self.registrar = try registrar ?? PLCRegistrar(rotationKey: RelayIdentityKeys.rotationKey(config), accounts: accounts,
                                                       directory: directory)
        if directory == nil {
            logger.warning("PDS_DID_PLC_URL is not set: new did:plc identities are kept on this server only and NOT published to a PLC directory; other services cannot resolve them")
        }
        crawlers = CrawlNotifier(crawlers: config.crawlers, hostname: config.hostname, quietSpell: config.crawlQuietSpell,
                                 retryBase: config.crawlRetryBase, logger: logger)
        preferences = try PreferencesStore(path: data.appendingPathComponent("preferences.sqlite").path)
        let sequencer = self.sequencer
        let engine = try repo ?? EngineRepoHost(directory: data.appendingPathComponent("repos", isDirectory: true),
                                                signingKey: { did in try await keys.signingKey(did: did) },
                                                announceHead: { did, commit, bytes, rev in
                                                    try sequencer.syncEvent(did: did, commit: commit, commitBytes: bytes, rev: rev)
                                                },
                                                redoLog: { did, rev in try sequencer.loggedCommits(did: did, after: rev).map(\.commit) })
        enrollment = try Enrollment(dataDirectory: data, settings: enrollmentSettings ?? config.enrollmentSettings, inner: engine,
                                    sequencer: sequencer, keys: keys, blobs: disk, crawlers: crawlers, logger: logger)
        // Uploads and fetches of enrolled accounts with `blob-forwarding` go through the desktop.
        blobs = EnrolledBlobStore(inner: disk, enrollment: enrollment)
        self.repo = EnrolledRepoHost(inner: engine, enrollment: enrollment)
    }
}
