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
        /// The PLC directory this relay publishes did:plc documents to (nil: it publishes none).
        public var plcDirectory: String?
        /// The network firehose `firehose-proxy` forwards from (spec 7.5); nil: the feature has no source.
        public var networkFirehose: (any NetworkFirehoseSource)?

        public init(policy: RelayPolicy = .preset(.pro), bindAddress: String = "127.0.0.1", tunnelPort: Int = 0,
                    ticketLifetimeSeconds: Int = 600, plcDirectory: String? = nil,
                    networkFirehose: (any NetworkFirehoseSource)? = nil) {
            self.networkFirehose = networkFirehose
            self.policy = policy
            self.bindAddress = bindAddress
            self.tunnelPort = tunnelPort
            self.ticketLifetimeSeconds = ticketLifetimeSeconds
            self.plcDirectory = plcDirectory
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
    private var revocationTask: Task<Void, Never>?
    private var links: [String: DeviceLink] = [:]
    private var switching: Set<String> = []
    private var mobileWrites: [String: Int] = [:]
    private var drained: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// Commits signed for forwarded writes, until their `writeResult` picks them up.
    private var recent: [String: RepoCommit] = [:]
    private var signingKeys: [String: K256SigningKey] = [:]
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
        revocationTask = Task { [weak self] in
            // A revoke from another process lands in the store: look once a second.
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await self?.closeRevokedSessions()
            }
        }
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
        revocationTask?.cancel()
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
                             signingKey: key, plcDirectory: settings.plcDirectory)
    }

    public func mode(did: String) async throws -> Mode {
        if switching.contains(did) { return .switching }
        // From memory after the first ask (the store's read-through cache): the enrolled write
        // path asks twice per write.
        return try await store.isEnrolled(did: did) ? .enrolled : .mobile
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
        signingKeys[did] = nil
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
        await ingest([push])[0]
    }

    /// Pipelined pushes (spec 6.1), in order: each is checked on the chain the previous ones left
    /// and signed; then all of them are stored in the cache in one transaction, sequenced, and
    /// their acks recorded in one transaction. That order is recoverable: a commit the cache holds
    /// whose ack was never recorded is sequenced and acked when the desktop pushes it again.
    func ingest(_ pushes: [CommitPush]) async -> [IngestOutcome] {
        var outcomes = [IngestOutcome?](repeating: nil, count: pushes.count)
        var staged: [Staged] = []

        for (index, push) in pushes.enumerated() {
            func reject(_ code: CommitReject.Code, _ message: String) -> IngestOutcome {
                .reject(CommitReject(id: push.id, code: code, message: message))
            }
            do {
                // A rev at or before the tip may be signed already: answer the stored ack (6.3).
                if let tip = cache.tip(push.did), push.rev <= tip.rev {
                    await publish(&staged, &outcomes)
                    if let answer = try await replay(push) { outcomes[index] = answer; continue }
                }
                guard try await isEnrolled(push.did) else { outcomes[index] = reject(.internal, "the account is not enrolled yet"); continue }
                let checked = try cache.check(push)
                guard let key = try await accountKey(push.did) else {
                    try cache.rollback(push.did)
                    outcomes[index] = reject(.internal, "no signing key")
                    continue
                }
                let (ack, _) = try CommitAck.signing(push, with: key, seq: nil)
                let (block, newBlocks) = try cache.seal(checked, sig: ack.sig)
                staged.append((index, push, Self.repoCommit(push, block: block, newBlocks: newBlocks), ack.sig))
            } catch EnrolledCache.IngestFailure.reject(let code, let message) {
                outcomes[index] = reject(code, message)
            } catch {
                outcomes[index] = reject(.internal, "\(error)")
            }
        }
        await publish(&staged, &outcomes)
        return outcomes.map { $0 ?? .reject(CommitReject(id: 0, code: .internal, message: "not ingested")) }
    }

    typealias Staged = (index: Int, push: CommitPush, commit: RepoCommit, sig: [UInt8])

    /// Stores, sequences and records the acks of the staged commits; fills their outcomes.
    private func publish(_ staged: inout [Staged], _ outcomes: inout [IngestOutcome?]) async {
        guard !staged.isEmpty else { return }
        defer { staged = [] }
        var acked: [(push: CommitPush, seq: Int, cid: CID, sig: [UInt8])] = []
        do {
            for did in Set(staged.map(\.push.did)) { try cache.flush(did) }
            // The batch's events are queued in order and written together (one sequencer
            // transaction per batch, not one per commit); none is acked before all are durable.
            let deferral = SequencerDeferral()
            let seqs = try Sequencer.$deferral.withValue(deferral) {
                try staged.map { Int(try sequencer.commitEvent($0.commit).seq) }
            }
            try deferral.waitDurable()
            for (s, seq) in zip(staged, seqs) {
                acked.append((s.push, seq, s.commit.cid, s.sig))
                recent[s.push.did + " " + s.push.rev] = s.commit
                outcomes[s.index] = .ack(CommitAck(id: s.push.id, seq: seq, cid: s.commit.cid, rev: s.push.rev, sig: s.sig))
            }
            try store.storeAcksNow(acked.map { ($0.push.did, $0.push.rev, $0.push.commit, $0.seq, $0.cid, $0.sig) }, now: clock())
        } catch {
            logger.error("storing pushed commits failed", metadata: ["error": "\(error)"])
            for s in staged where outcomes[s.index] == nil {
                outcomes[s.index] = .reject(CommitReject(id: s.push.id, code: .internal, message: "\(error)"))
            }
        }
    }

    static func repoCommit(_ push: CommitPush, block: Block, newBlocks: [Block]) -> RepoCommit {
        let ops = push.ops.map { RepoCommit.Op(action: $0.action.rawValue, path: $0.path, cid: $0.cid, prev: $0.prev) }
        return RepoCommit(did: push.did, cid: block.cid, rev: push.rev, since: push.since, prevData: push.prevData,
                          blocks: CARWriter.encode(roots: [block.cid], blocks: [block] + newBlocks), ops: ops, blobs: [])
    }

    /// A push of an already signed rev: the stored ack, or the recovery of a commit the cache stored
    /// but never sequenced (a stop between the two); nil to go on with the usual checks.
    private func replay(_ push: CommitPush) async throws -> IngestOutcome? {
        if let stored = try await store.ack(did: push.did, rev: push.rev) {
            guard stored.commitHash == EnrollmentStore.hash(push.commit) else {
                return .reject(CommitReject(id: push.id, code: .revConflict, message: "rev \(push.rev) was already signed with other bytes"))
            }
            return .ack(CommitAck(id: push.id, seq: stored.seq, cid: stored.cid, rev: push.rev, sig: stored.sig))
        }
        guard let (block, sig) = try cache.storedSignature(push.did, rev: push.rev, commit: push.commit) else { return nil }
        let newBlocks = (try? CARReader.load(push.blocks).blocks.map { Block(cid: $0.key, bytes: $0.value) }) ?? []
        let commit = Self.repoCommit(push, block: block, newBlocks: newBlocks)
        // Sequenced already (a stop between the sequencer and the ack store)? Then that seq, never a second event.
        let seq = try await sequencedSeq(did: push.did, rev: push.rev) ?? Int(try sequencer.commitEvent(commit).seq)
        try await store.storeAcks([(push.did, push.rev, push.commit, seq, block.cid, sig)], now: clock())
        recent[push.did + " " + push.rev] = commit
        logger.warning("recovered a stored commit that had no ack", metadata: ["did": "\(push.did)", "rev": "\(push.rev)"])
        return .ack(CommitAck(id: push.id, seq: seq, cid: block.cid, rev: push.rev, sig: sig))
    }

    /// The seq of a recent `#commit` of `did` at `rev` (its frame holds the rev as a 13-byte CBOR
    /// text, unique in the account), looking back over the last 1,000 events.
    private func sequencedSeq(did: String, rev: String) async throws -> Int? {
        let latest = try await sequencer.bounds().latest
        let needle: [UInt8] = [0x60 | UInt8(rev.utf8.count)] + Array(rev.utf8)
        let recentEvents = try await sequencer.events(after: max(0, latest - 1000), limit: 1000)
        return recentEvents.last { event in
            event.did == did && event.type == "#commit" && event.frame.count >= needle.count
                && (0...(event.frame.count - needle.count)).contains { Array(event.frame[$0..<$0 + needle.count]) == needle }
        }.map { Int($0.seq) }
    }

    /// Enrolled accounts stay enrolled (a revoke unbinds the desktop, not the mode).
    private func isEnrolled(_ did: String) async throws -> Bool { try await store.isEnrolled(did: did) }

    /// The account's signing key, looked up once per desktop session.
    private func accountKey(_ did: String) async throws -> K256SigningKey? {
        if let key = signingKeys[did] { return key }
        let key = try await keys.signingKey(did: did)
        signingKeys[did] = key
        return key
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

    func withCacheForTesting<T: Sendable>(_ body: @Sendable (EnrolledCache) throws -> T) throws -> T { try body(cache) }
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
    /// What a revoked desktop is told as the session closes (it is refused as `unknown-device` after).
    public static let revokedReason = "this desktop was revoked on the relay: pair it again (dpds device pair) to use it"

    /// Unbinds the account's desktop and ends its live session.
    public func revoke(did: String) async throws -> Bool {
        let revoked = try await store.revoke(did: did)
        if let link = links.removeValue(forKey: did) { await link.close(.rejected, reason: Self.revokedReason) }
        await firehoseProxy?.forget(did: did)
        return revoked
    }

    /// Closes the live sessions of desktops unbound in the store, including by another process
    /// (`dpds relay devices revoke` writes the store while `serve` runs). Returns how many closed.
    @discardableResult
    func closeRevokedSessions() async -> Int {
        guard !links.isEmpty, let bound = try? await store.devices() else { return 0 }
        let endpoints = Dictionary(bound.map { ($0.did, $0.endpointID) }, uniquingKeysWith: { a, _ in a })
        var closed = 0
        for (did, link) in links where endpoints[did] != link.endpointHex {
            links.removeValue(forKey: did)
            logger.info("closing a revoked desktop's session", metadata: ["did": "\(did)"])
            await link.close(.rejected, reason: Self.revokedReason)
            await firehoseProxy?.forget(did: did)
            closed += 1
        }
        return closed
    }
}
