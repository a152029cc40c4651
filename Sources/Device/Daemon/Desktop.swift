import Foundation
import Logging
import Protocol
import Repo
import Tunnel

/// The desktop side of dpds: pairing (`pair`), the daemon (`run`: dial out, reconnect with backoff,
/// serve write requests, push local commits) and local writes (`write`: pushed now when connected,
/// else queued durably in the outbox and pushed in order on reconnect).
public actor Desktop {
    nonisolated public let directory: DeviceDirectory
    let logger: Logger
    let say: @Sendable (String) -> Void
    public var features: FeatureSet
    public var backoff: Reconnector.Backoff
    /// How long a session waits for the relay's `welcome` (spec section 10's value unless a test widens it).
    public var welcomeTimeoutMs = DeviceRelayProtocol.welcomeTimeoutMs
    /// Where the account's DID document is resolved (the ticket's PLC directory unless overridden).
    public var keyResolver = AccountKeyResolver()
    private var endpoint: Endpoint?
    private var reconnector: Reconnector?
    private var agent: DeviceAgent?
    private var repo: DeviceRepo?
    private var runTask: Task<Void, Never>?
    private var connectedWaiters: [CheckedContinuation<Void, Never>] = []
    public private(set) var connections = 0
    public private(set) var lastDegradations: [Degradation] = []
    nonisolated public let outbox: Outbox
    /// Network events about the account that the relay forwards (`firehose-proxy`).
    nonisolated public let networkInbox = NetworkInbox()

    public init(directory: DeviceDirectory, features: FeatureSet = DeviceSession.Configuration.allFeatures(),
                backoff: Reconnector.Backoff = .init(initial: .seconds(1), maximum: .seconds(60)),
                welcomeTimeoutMs: Int = DeviceRelayProtocol.welcomeTimeoutMs,
                logger: Logger = Logger(label: "dpds.device"), say: @escaping @Sendable (String) -> Void = { print($0) }) throws {
        self.directory = directory
        self.welcomeTimeoutMs = welcomeTimeoutMs
        self.features = features
        self.backoff = backoff
        self.logger = logger
        self.say = say
        outbox = try Outbox(directory: directory.outbox)
    }

    public enum PairError: Error, CustomStringConvertible {
        case noSigningKey
        case refused(String)
        case promotionFailed(String)
        case alreadyPaired(String)
        case untrusted(String)
        public var description: String {
            switch self {
            case .noSigningKey: "the ticket does not name the account's signing key"
            case .refused(let why): why
            case .promotionFailed(let why): "promotion failed: \(why)"
            case .alreadyPaired(let did): "this directory already holds \(did): use another --dir"
            case .untrusted(let why): why
            }
        }
    }

    public func setKeyResolver(_ resolver: AccountKeyResolver) { keyResolver = resolver }

    private func bindEndpoint(for addresses: [String]) throws -> Endpoint {
        if let endpoint { return endpoint }
        let any = addresses.first.map { $0.hasPrefix("[") } == true ? "[::]:0" : "0.0.0.0:0"
        let e = try Endpoint(secretKey: try directory.secretKey(), bind: try SocketAddress(any), logger: logger)
        endpoint = e
        return e
    }

    private func openRepo(did: String) throws -> DeviceRepo {
        if let repo { return repo }
        let r = try DeviceRepo(path: directory.repoPath, did: did)
        repo = r
        return r
    }

    /// Pairs with the relay of `ticket` and runs the promotion; returns once this desktop is authoritative.
    public func pair(_ ticket: PairingTicket) async throws {
        if let existing = try directory.pairing(), existing.authoritative, existing.did != ticket.did {
            throw PairError.alreadyPaired(existing.did)
        }
        let signingKey: String
        do {
            if let resolved = try await keyResolver.signingKey(for: ticket) {
                signingKey = resolved
            } else {
                guard let claimed = ticket.signingKey else { throw PairError.noSigningKey }
                say("warning: the relay publishes no DID documents (no PLC directory in the ticket): trusting the key the ticket names")
                signingKey = claimed
            }
        } catch let failure as AccountKeyResolver.Failure { throw PairError.untrusted(failure.description) }
        let pairing = DevicePairing(did: ticket.did, relayEndpointID: ticket.endpointID, relayAddresses: ticket.addresses,
                                    alpn: ticket.alpn, signingKey: signingKey, authoritative: false)
        let endpoint = try bindEndpoint(for: ticket.addresses)
        let connection = try await endpoint.dial(endpointId: try EndpointId(hex: ticket.endpointID),
                                                 addresses: try ticket.addresses.map { try SocketAddress($0) }, alpn: ticket.alpn)
        let agent = try DeviceAgent(connection: connection, repo: try openRepo(did: ticket.did), pairing: pairing,
                                    directory: directory, token: ticket.token, features: features,
                                    welcomeTimeoutMs: welcomeTimeoutMs, logger: logger, say: say)
        let running = Task { await agent.run() }
        guard await agent.established() != nil else {
            let why = await running.value
            throw PairError.refused(why)
        }
        try directory.save(pairing)
        guard await agent.awaitPromotion() else {
            await agent.close(.noError, reason: "promotion failed")
            throw PairError.promotionFailed(await agent.closedReason ?? "the relay did not confirm")
        }
        var done = pairing
        done.authoritative = true
        try directory.save(done)
        say("this desktop is now authoritative for \(ticket.did)")
        await agent.close(.noError, reason: "paired")
        _ = await running.value
    }

    // MARK: the daemon

    /// Starts the daemon loop; it runs until `stop()`.
    public func start() throws {
        guard runTask == nil else { return }
        guard let pairing = try directory.pairing(), pairing.authoritative else {
            throw PairError.refused("this directory is not paired yet: run `dpds device pair TICKET --dir DIR` first")
        }
        let endpoint = try bindEndpoint(for: pairing.relayAddresses)
        let repo = try openRepo(did: pairing.did)
        let reconnector = Reconnector(endpoint: endpoint, endpointId: try EndpointId(hex: pairing.relayEndpointID),
                                      addresses: try pairing.relayAddresses.map { try SocketAddress($0) },
                                      alpn: pairing.alpn, backoff: backoff)
        self.reconnector = reconnector
        runTask = Task { [weak self] in
            for await event in reconnector.events {
                guard let self else { return }
                switch event {
                case .up(let connection): await self.serve(connection, repo: repo, pairing: pairing)
                case .down(let error): await self.log("relay connection down: \(error)")
                case .retrying(let attempt, let delay): await self.log("reconnecting (attempt \(attempt)) in \(delay)")
                }
            }
        }
    }

    private func log(_ message: String) { logger.info("\(message)") }

    private func serve(_ connection: Connection, repo: DeviceRepo, pairing: DevicePairing) async {
        let agent: DeviceAgent
        do {
            agent = try DeviceAgent(connection: connection, repo: repo, pairing: pairing, directory: directory, token: nil,
                                    features: features, welcomeTimeoutMs: welcomeTimeoutMs, logger: logger, say: say)
        } catch {
            say("cannot start a session: \(error)")
            connection.close(code: CloseCode.internalError.rawValue, reason: "\(error)")
            return
        }
        await agent.setInbox(networkInbox)
        let running = Task { await agent.run() }
        guard await agent.established() != nil else {
            say("relay session refused: \(await running.value)")
            return
        }
        lastDegradations = await agent.degradations
        // Commits a lost connection left unacknowledged, then queued ones (spec 4.4), before anyone
        // is told the session is up.
        let resumed = await agent.resumeChain()
        if resumed > 0 { say("pushed again \(resumed) commit(s) a lost connection left unacknowledged") }
        let pushed = await agent.drainOutbox(outbox)
        if pushed > 0 { say("pushed \(pushed) queued commit(s)") }
        self.agent = agent
        connections += 1
        connectedWaiters.forEach { $0.resume() }
        connectedWaiters = []
        // Writes queued by `dpds device post` in another process while we are connected.
        let watcher = Task { [outbox] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                if outbox.count > 0 { _ = await agent.drainOutbox(outbox) }
            }
        }
        let why = await running.value
        watcher.cancel()
        if self.agent === agent { self.agent = nil }
        if why.contains("revoked") {
            // Reconnecting would only be refused as unknown-device: say why and stop.
            say(why)
            revoked = true
            reconnector?.stop()
            reconnector = nil
        }
    }

    /// The relay revoked this desktop during a session; the daemon stopped reconnecting.
    public private(set) var revoked = false

    /// Waits until a session is established (tests and `post` use it; bounded by the caller).
    public func waitConnected() async {
        if agent != nil { return }
        await withCheckedContinuation { connectedWaiters.append($0) }
    }

    public var isConnected: Bool { agent != nil }

    public func stop() async {
        reconnector?.stop()
        reconnector = nil
        if let agent { await agent.close(.goingAway, reason: "desktop stopping") }
        agent = nil
        runTask?.cancel()
        runTask = nil
        endpoint?.close()
        endpoint = nil
        connectedWaiters.forEach { $0.resume() }
        connectedWaiters = []
    }

    // MARK: local writes

    public enum WriteOutcome: Sendable, Equatable {
        case pushed(seq: Int?, rev: String, uris: [String])
        case queued(position: Int)
    }

    /// A write made on the desktop: pushed now if connected, else queued durably.
    public func write(_ writes: [ProxiedWrite]) async throws -> WriteOutcome {
        if let agent, outbox.count == 0 {
            let (ack, results) = try await agent.commit(writes)
            return .pushed(seq: ack.seq, rev: ack.rev, uris: results.map(\.uri))
        }
        try outbox.enqueue(writes)
        return .queued(position: outbox.count)
    }

    /// `app.bsky.feed.post` with `text`, created now.
    public static func post(text: String, at date: Date = Date()) -> ProxiedWrite {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ProxiedWrite(action: .create, collection: "app.bsky.feed.post",
                            value: ["$type": .string("app.bsky.feed.post"), "text": .string(text),
                                    "createdAt": .string(formatter.string(from: date))])
    }
}

extension Desktop {
    /// The desktop repo's head, for tests and status output.
    public func headForTesting() -> (rev: String, commit: CID)? {
        repo?.head.map { ($0.rev, $0.commit) }
    }

    func repoForTesting() -> DeviceRepo? { repo }
}
