import Foundation
import Logging
import Protocol
import Repo
import Tunnel

/// Desktop enrollment on the relay (issue 7): the tunnel listener, pairing tickets, the one desktop
/// of each account, promotion (relay is PDS -> desktop is authoritative), and the enrolled write
/// path (forward writes, check + sign + sequence pushed commits). An actor: every mode change and
/// every signature of an account happens here, one at a time.
public actor Enrollment {
    /// Who holds the account's repo.
    public enum Mode: Sendable, Equatable {
        /// The relay is the PDS (mobile-only); writes run on its own engine.
        case mobile
        /// Promotion under way: writes answer 503 until it ends one way or the other.
        case switching
        /// The desktop is authoritative; the relay keeps a signed read cache.
        case enrolled
    }

    public struct Settings: Sendable {
        public var policy: RelayPolicy
        public var bindAddress: String
        public var tunnelPort: Int
        public var ticketLifetimeSeconds: Int
        /// The network firehose `firehose-proxy` forwards from (spec 7.5); nil: the feature has no source.
        public var networkFirehose: (any NetworkFirehoseSource)?

        public init(policy: RelayPolicy = .preset(.pro), bindAddress: String = "127.0.0.1", tunnelPort: Int = 0,
                    ticketLifetimeSeconds: Int = 600, networkFirehose: (any NetworkFirehoseSource)? = nil) {
            self.networkFirehose = networkFirehose
            self.policy = policy
            self.bindAddress = bindAddress
            self.tunnelPort = tunnelPort
            self.ticketLifetimeSeconds = ticketLifetimeSeconds
        }
    }

    public let store: EnrollmentStore
    public let settings: Settings
    let cache: EnrolledCache
    let inner: any RepoHost
    let sequencer: Sequencer
    let keys: AccountKeys
    let blobs: any BlobStore
    let keyPath: String
    let logger: Logger
    /// The network relays to tell when an account with `request-crawl` comes (back) online.
    let crawlers: CrawlNotifier?
    /// Each account's grants of its latest session: what the relay owes it while it is offline too.
    var grants: [String: FeatureSet] = [:]
    /// `firehose-proxy`'s upstream subscription, when the policy offers it and has a source.
    let firehoseProxy: FirehoseProxy?
    private var endpoint: Endpoint?
    private var acceptTask: Task<Void, Never>?
    private var links: [String: DeviceLink] = [:]
    private var switching: Set<String> = []
    private var mobileWrites: [String: Int] = [:]
    private var drained: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// Commits signed for forwarded writes, until their `writeResult` picks them up.
    private var recent: [String: RepoCommit] = [:]
    /// Seconds since 1970; tests move it to expire tickets.
    var clock: @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }

    init(dataDirectory: URL, settings: Settings, inner: any RepoHost, sequencer: Sequencer, keys: AccountKeys,
         blobs: any BlobStore, crawlers: CrawlNotifier? = nil, logger: Logger) throws {
        store = try EnrollmentStore(path: dataDirectory.appendingPathComponent("enrollment.sqlite").path)
        cache = try EnrolledCache(directory: dataDirectory.appendingPathComponent("enrolled", isDirectory: true))
        keyPath = dataDirectory.appendingPathComponent("tunnel.key").path
        self.settings = settings
        self.inner = inner
        self.sequencer = sequencer
        self.keys = keys
        self.blobs = blobs
        self.crawlers = crawlers
        self.logger = logger
        if let source = settings.networkFirehose, settings.policy.offered[.firehoseProxy] != nil {
            let days = settings.policy.offered[.commitBuffer]?.retentionDays ?? 7
            firehoseProxy = FirehoseProxy(source: source, retentionSeconds: max(days, 1) * 86_400,
                                          clock: { Int(Date().timeIntervalSince1970) })
        } else {
            firehoseProxy = nil
        }
    }

    public func setClock(_ clock: @escaping @Sendable () -> Int) { self.clock = clock }

    // MARK: listener

    /// Binds the tunnel's UDP port (key `tunnel.key`, 0600, in the data directory) and accepts desktops.
    @discardableResult
    public func start() throws -> (endpointID: String, address: String) {
        if let endpoint { return (endpoint.endpointId.hex, endpoint.localAddress.description) }
        let key = try SecretKey.loadOrCreate(path: keyPath)
        let endpoint = try Endpoint(secretKey: key, bind: try SocketAddress("\(settings.bindAddress):\(settings.tunnelPort)"),
                                    logger: logger)
        endpoint.listen(alpns: [DeviceRelayProtocol.alpn])
        self.endpoint = endpoint
        if let firehoseProxy {
            // Desktops asleep across a relay restart get their events held too.
            Task { [store] in
                for device in (try? await store.devices()) ?? [] where device.enrolled { await firehoseProxy.track(did: device.did) }
                await firehoseProxy.start()
            }
        }
        acceptTask = Task { [weak self, policy = settings.policy, logger] in
            while let connection = try? await endpoint.accept() {
                guard let self else { return }
                let link = DeviceLink(connection: connection, enrollment: self, policy: policy, logger: logger)
                Task { await link.run() }
            }
        }
        let info = TunnelInfo(endpointID: endpoint.endpointId.hex, address: endpoint.localAddress.description)
        try? JSONEncoder().encode(info).write(to: URL(fileURLWithPath: infoPath), options: .atomic)
        logger.info("tunnel listening", metadata: ["address": "\(endpoint.localAddress)", "endpoint": "\(endpoint.endpointId.hex)"])
        return (endpoint.endpointId.hex, endpoint.localAddress.description)
    }

    public func stop() async {
        for link in links.values { await link.close(.goingAway, reason: "relay stopping") }
        links = [:]
        await firehoseProxy?.stop()
        acceptTask?.cancel()
        endpoint?.close()
        endpoint = nil
    }

    public var tunnelAddress: String? { endpoint?.localAddress.description }

    struct TunnelInfo: Codable { var endpointID: String; var address: String }

    var infoPath: String { (keyPath as NSString).deletingLastPathComponent + "/tunnel.json" }

    /// This process's listener, or the one `dpds relay serve` recorded (for `dpds relay pair`).
    private func listening() throws -> (endpointID: String, address: String) {
        if let endpoint { return (endpoint.endpointId.hex, endpoint.localAddress.description) }
        guard let data = FileManager.default.contents(atPath: infoPath),
              let info = try? JSONDecoder().decode(TunnelInfo.self, from: data) else { throw PairingError.tunnelNotListening }
        return (info.endpointID, info.address)
    }

    // MARK: tickets and the registry

    public enum PairingError: Error, Equatable { case accountNotFound, tunnelNotListening }

    /// A ticket for `did`: single use, `ticketLifetimeSeconds` to live.
    public func createTicket(did: String) async throws -> PairingTicket {
        let (endpointID, address) = try listening()
        let token = PairingTicket.makeToken()
        let expiresAt = clock() + settings.ticketLifetimeSeconds
        try await store.addToken(token, did: did, expiresAt: expiresAt)
        let key = try await keys.signingKey(did: did).map { DIDKey.encode($0.publicKey) }
        return PairingTicket(endpointID: endpointID, addresses: [address], did: did, token: token, expiresAt: expiresAt,
                             signingKey: key)
    }

    public func mode(did: String) async throws -> Mode {
        if switching.contains(did) { return .switching }
        return try await store.device(did: did)?.enrolled == true ? .enrolled : .mobile
    }

    public func isOnline(did: String) async -> Bool {
        guard let link = links[did] else { return false }
        return await link.availability() == .online
    }

    // MARK: sessions

    enum AuthOutcome: Sendable { case accept(RelaySession.AccountHead), reject(Reject) }
    enum IngestOutcome: Sendable { case ack(CommitAck), reject(CommitReject) }

    func authenticate(_ auth: RelaySession.Authentication, endpointHex: String) async -> AuthOutcome {
        do {
            if let token = auth.pairingToken {
                do { try await store.consumeToken(token, did: auth.did, endpointID: endpointHex, now: clock()) }
                catch let refusal as EnrollmentStore.TokenRefusal {
                    let message = switch refusal {
                    case .unknown: "unknown pairing token"
                    case .expired: "the pairing token expired: ask for a new one"
                    case .used: "the pairing token was already used: ask for a new one"
                    case .otherAccount: "the pairing token is for another account"
                    case .deviceBound: "this account already has a desktop: revoke it first (dpds relay devices revoke)"
                    }
                    return .reject(Reject(code: .invalidPairingToken, message: message))
                }
            } else {
                guard let device = try await store.device(did: auth.did), device.endpointID == endpointHex else {
                    return .reject(Reject(code: .unknownDevice, message: "this desktop is not paired with \(auth.did)"))
                }
            }
            let stored = try await headAck(did: auth.did)
            return .accept(stored)
        } catch {
            return .reject(Reject(code: .internal, message: "\(error)"))
        }
    }

    private func headAck(did: String) async throws -> RelaySession.AccountHead {
        guard try await mode(did: did) == .enrolled, let head = try cache.head(did) else { return .empty }
        let ack = try await store.ack(did: did, rev: head.rev)
        return RelaySession.AccountHead(seq: ack?.seq, rev: head.rev)
    }

    func attach(did: String, link: DeviceLink, paired: Bool) async {
        if let old = links[did], old !== link { await old.close(.replaced, reason: "a newer connection of this desktop took over") }
        links[did] = link
        let granted = await link.granted
        grants[did] = granted
        if let firehoseProxy, granted[Feature.firehoseProxy.rawValue] != nil { await firehoseProxy.online(did: did, link: link) }
        if paired { Task { await self.promote(did: did, link: link) } }
        else if (try? await mode(did: did)) == .enrolled { announceOnline(did: did, granted: granted) }
    }

    /// The account's live session, if any.
    func link(did: String) -> DeviceLink? { links[did] }

    func detach(did: String, link: DeviceLink) {
        if links[did] === link { links[did] = nil }
        if let firehoseProxy { Task { await firehoseProxy.offline(did: did, link: link) } }
    }

    // MARK: promotion

    /// Relay is PDS -> desktop is authoritative (spec 7.6). Writes wait out the switch with 503.
    func promote(did: String, link: DeviceLink) async {
        let wasEnrolled = (try? await mode(did: did)) == .enrolled
        switching.insert(did)
        defer { switching.remove(did) }
        await waitForMobileWrites(did)
        do {
            let car: [UInt8]
            let head: (cid: CID, rev: String)?
            if wasEnrolled {
                car = try exportCache(did)
                head = try cache.head(did).map { ($0.commit, $0.rev) }
            } else {
                car = try await inner.exportCAR(did: did, since: nil)
                head = try await inner.head(did: did)
            }
            guard let head else { throw RepoHostError.repoNotFound }
            let (root, rev) = head
            var held: [(info: BlobInfo, bytes: [UInt8])] = []
            var cursor: String?
            while true {
                let page = try await blobs.list(did: did, limit: 500, after: cursor)
                for cid in page { if let blob = try await blobs.get(did: did, cid: cid) { held.append(blob) } }
                guard page.count == 500 else { break }
                cursor = page.last
            }
            guard let result = try await link.sendPromotion(did: did, car: car, rev: rev, commit: root, blobs: held),
                  result.error == nil else {
                logger.warning("promotion refused by the desktop", metadata: ["did": "\(did)"])
                return
            }
            if !wasEnrolled { try cache.load(did: did, car: car) }
            try await store.setEnrolled(did: did, true)
            switching.remove(did)
            await link.send(.snapshotResult(SnapshotResult(id: result.id)))
            announceOnline(did: did, granted: await link.granted)
            logger.info("desktop is authoritative", metadata: ["did": "\(did)", "rev": "\(rev)"])
        } catch {
            logger.error("promotion failed", metadata: ["did": "\(did)", "error": "\(error)"])
        }
    }

    private func exportCache(_ did: String) throws -> [UInt8] {
        var out: [UInt8] = []
        try cache.repository(did).repo.exportCAR { out.append(contentsOf: $0) }
        return out
    }

    /// A mobile-mode write holds this across its commit, so a switch never starts in its middle.
    func beginMobileWrite(did: String) async throws -> Bool {
        guard try await mode(did: did) == .mobile else { return false }
        guard !switching.contains(did) else { return false }
        mobileWrites[did, default: 0] += 1
        return true
    }

    func endMobileWrite(did: String) {
        mobileWrites[did, default: 1] -= 1
        if mobileWrites[did] == 0 {
            mobileWrites[did] = nil
            drained.removeValue(forKey: did)?.forEach { $0.resume() }
        }
    }

    private func waitForMobileWrites(_ did: String) async {
        guard mobileWrites[did, default: 0] > 0 else { return }
        await withCheckedContinuation { drained[did, default: []].append($0) }
    }

    // MARK: the enrolled write path

    /// Checks, signs, stores, sequences and remembers one pushed commit (spec 6.2, 6.3).
    func ingest(_ push: CommitPush) async -> IngestOutcome {
        func reject(_ code: CommitReject.Code, _ message: String) -> IngestOutcome {
            .reject(CommitReject(id: push.id, code: code, message: message))
        }
        do {
            if let stored = try await store.ack(did: push.did, rev: push.rev) {
                guard stored.commitHash == EnrollmentStore.hash(push.commit) else {
                    return reject(.revConflict, "rev \(push.rev) was already signed with other bytes")
                }
                return .ack(CommitAck(id: push.id, seq: stored.seq, cid: stored.cid, rev: push.rev, sig: stored.sig))
            }
            guard try await mode(did: push.did) == .enrolled else { return reject(.internal, "the account is not enrolled yet") }
            let checked = try cache.check(push)
            guard let key = try await keys.signingKey(did: push.did) else { return reject(.internal, "no signing key") }
            let (ack, _) = try CommitAck.signing(push, with: key, seq: nil)
            let (block, newBlocks) = try cache.store(checked, sig: ack.sig)
            let ops = push.ops.map { RepoCommit.Op(action: $0.action.rawValue, path: $0.path, cid: $0.cid, prev: $0.prev) }
            let commit = RepoCommit(did: push.did, cid: block.cid, rev: push.rev, since: push.since, prevData: push.prevData,
                                    blocks: CARWriter.encode(roots: [block.cid], blocks: [block] + newBlocks), ops: ops, blobs: [])
            let event = try sequencer.commitEvent(commit)
            try await store.storeAck(did: push.did, rev: push.rev, commit: push.commit, seq: Int(event.seq), cid: block.cid,
                                     sig: ack.sig, now: clock())
            recent[push.did + " " + push.rev] = commit
            return .ack(CommitAck(id: push.id, seq: Int(event.seq), cid: block.cid, rev: push.rev, sig: ack.sig))
        } catch EnrolledCache.IngestFailure.reject(let code, let message) {
            return reject(code, message)
        } catch {
            return reject(.internal, "\(error)")
        }
    }

    public struct Unavailable: Error, Equatable, Sendable {
        public var retryAfterSeconds: Int
        public var error: String
        public var message: String
    }

    /// An XRPC write for an enrolled account: forwarded to the desktop, answered from its commit.
    func forward(did: String, writes: [ProxiedWrite], swapCommit: CID?) async throws -> RepoCommit {
        guard let link = links[did] else {
            throw Unavailable(retryAfterSeconds: DeviceRelayProtocol.offlineRetryAfterSeconds, error: "DeviceOffline",
                              message: "The desktop that holds this repository is offline")
        }
        switch await link.forward(writes, swapCommit: swapCommit) {
        case .failed(let retry, let error):
            throw Unavailable(retryAfterSeconds: retry, error: error, message: error == "DeviceTimeout"
                              ? "The desktop did not answer in time" : "The desktop that holds this repository is offline")
        case .result(let result):
            if let error = result.knownError {
                throw WriteRefused(error: error, name: result.error ?? error.rawValue, message: result.message ?? "")
            }
            guard let rev = result.rev, let commit = recent.removeValue(forKey: did + " " + rev) else {
                throw WriteRefused(error: .internalError, name: "InternalError", message: "the desktop answered with an unknown commit")
            }
            return commit
        }
    }

    public struct WriteRefused: Error, Equatable, Sendable {
        public var error: WriteError
        public var name: String
        public var message: String
    }

    // MARK: reads of enrolled accounts

    func withCache<T>(_ body: (EnrolledCache) throws -> T) rethrows -> T { try body(cache) }
}

extension Enrollment {
    /// The policy's `commit-buffer` retention in days (0 without it: only each account's head ack stays).
    public var retentionDays: Int { settings.policy.offered[.commitBuffer]?.retentionDays ?? 0 }

    /// Drops acks (and so idempotent replays) older than the retention window, and firehose events
    /// older than it (`CommitBuffer`; without `commit-buffer` the firehose log is left alone).
    public func pruneCommitBuffer() async {
        let now = clock()
        _ = try? await store.pruneAcks(signedBefore: now - retentionDays * 86_400)
        do { try await CommitBuffer(sequencer: sequencer, retentionDays: retentionDays).prune(now: now) }
        catch { logger.warning("commit buffer prune failed", metadata: ["error": "\(error)"]) }
    }
}

extension Enrollment {
    /// Unbinds the account's desktop and ends its live session (it is refused as `unknown-device` after).
    public func revoke(did: String) async throws -> Bool {
        let revoked = try await store.revoke(did: did)
        if let link = links.removeValue(forKey: did) { await link.close(.noError, reason: "desktop revoked") }
        await firehoseProxy?.forget(did: did)
        return revoked
    }
}
