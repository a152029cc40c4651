import Foundation
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
    public let repo: (any RepoHost)?
    /// Desktops: tunnel listener, pairing, enrolled write path (Sources/Relay/Enrollment).
    public let enrollment: Enrollment
    public let logger: Logger

    public init(config: RelayConfig, logger: Logger, registrar: any DIDRegistrar = UnpublishedPLCRegistrar(),
                repo: (any RepoHost)? = nil, enrollmentSettings: Enrollment.Settings? = nil) throws {
        let data = URL(fileURLWithPath: config.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        self.config = config
        self.logger = logger
        accounts = try AccountStore(path: data.appendingPathComponent("account.sqlite").path)
        auth = AuthVerifier(jwtSecret: config.jwtSecret, serviceDID: config.serviceDID, adminPassword: config.adminPassword)
        sessions = SessionIssuer(jwt: SessionJWT(secret: config.jwtSecret), serviceDID: config.serviceDID, accounts: accounts)
        let keys = AccountKeys(store: accounts, secret: config.jwtSecret)
        self.keys = keys
        blobs = try DiskBlobStore(root: config.blobstoreLocation)
        hub = FirehoseHub()
        sequencer = try Sequencer(path: data.appendingPathComponent("sequencer.sqlite").path, hub: hub)
        self.registrar = registrar
        let engine = try repo ?? EngineRepoHost(directory: data.appendingPathComponent("repos", isDirectory: true),
                                                signingKey: { did in try await keys.signingKey(did: did) })
        enrollment = try Enrollment(dataDirectory: data, settings: enrollmentSettings ?? config.enrollmentSettings, inner: engine,
                                    sequencer: sequencer, keys: keys, blobs: blobs, logger: logger)
        self.repo = EnrolledRepoHost(inner: engine, enrollment: enrollment)
    }
}
