/// The device's side of one connection, sans-IO: bytes of the control stream and the time in,
/// bytes to send and events out (spec sections 4, 6, 7, 11). Times are the caller's monotonic ms.
///
/// The caller owns everything persistent: it builds commits, verifies ack signatures (6.4), keeps
/// unacknowledged pushes across reconnects (`pendingPushes`) and answers the relay's requests.
public struct DeviceSession: Sendable, ControlStreamMachine {
    public struct Configuration: Hashable, Sendable {
        public var did: String
        /// Only on first contact (section 4.2).
        public var pairingToken: String?
        public var versions: [Int]
        public var features: FeatureSet
        public var software: String?
        public var headRev: String?
        /// How long to wait for `welcome` (section 10); only tests on a loaded machine widen it.
        public var welcomeTimeoutMs = DeviceRelayProtocol.welcomeTimeoutMs

        public init(did: String, pairingToken: String? = nil, versions: [Int] = DeviceRelayProtocol.supportedMinorVersions,
                    features: FeatureSet, software: String? = "dpds/\(ProtocolModule.version)", headRev: String? = nil) {
            self.did = did
            self.pairingToken = pairingToken
            self.versions = versions
            self.features = features
            self.software = software
            self.headRev = headRev
        }

        /// Every feature of protocol 1.0, asking for `retentionDays` of commit buffer.
        public static func allFeatures(retentionDays: Int = 90) -> FeatureSet {
            var set: FeatureSet = [:]
            for feature in Feature.allCases { set[feature.rawValue] = FeatureParameters(version: feature.version) }
            set[Feature.commitBuffer.rawValue]?.parameters[FeatureParameters.retentionDaysKey] = .count(retentionDays)
            return set
        }
    }

    public enum State: Hashable, Sendable {
        case idle
        case awaitingWelcome
        case established
        case closed(CloseCode)
    }

    public enum Action: Hashable, Sendable {
        /// Write these bytes on the control stream.
        case send([UInt8])
        /// `degradations`: what to do (and tell the user) for each requested feature not granted.
        case established(Welcome, degradations: [Degradation])
        /// The relay closes the connection after this.
        case rejected(Reject)
        /// Verify `sig` and `cid` against `push.commit` before trusting it (section 6.4).
        case commitAcked(CommitAck, push: CommitPush)
        case commitRejected(CommitReject, push: CommitPush)
        /// Apply and answer with `complete(_:now:)`; do not apply after `deadline`.
        case writeRequested(WriteRequest, deadline: Int)
        case blobRequested(BlobFetch)
        case snapshotRequested(SnapshotRequest)
        case blobResult(BlobResult)
        case snapshotResult(SnapshotResult)
        case relayStatus(PeerStatus, roundTripMs: Int?)
        /// A well-formed message of a type this version does not know; ignored (section 2.4).
        case ignored(type: String)
        /// Close the connection with this code; the session is over.
        case close(CloseCode, reason: String)
    }

    public let configuration: Configuration
    public private(set) var state: State = .idle
    public private(set) var welcome: Welcome?
    /// Features granted and requested (section 2.4: unrequested grants are ignored).
    public private(set) var granted: FeatureSet = [:]
    public private(set) var status: PeerStatus = .ok

    var reader = FrameReader(limit: DeviceRelayProtocol.handshakeMaxFrameBytes)
    var helloSentAt = 0
    var health: HealthMonitor?
    private var nextPushID = 1
    var pushes: [Int: (push: CommitPush, sentAt: Int)] = [:]
    private var writes: [Int: Int] = [:]

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Pushes sent and not yet acked or rejected, oldest first: re-push them after a reconnect.
    public var pendingPushes: [CommitPush] {
        pushes.keys.sorted().map { pushes[$0]!.push }
    }

    public var limits: Limits { welcome?.limits ?? .default }

    /// Open the control stream and send `hello`.
    public mutating func start(now: Int) -> [Action] {
        guard state == .idle else { return [] }
        let hello = Hello(versions: configuration.versions, did: configuration.did,
                          pairingToken: configuration.pairingToken, features: configuration.features,
                          software: configuration.software, rev: configuration.headRev)
        state = .awaitingWelcome
        helloSentAt = now
        return [.send(Frame.encode(hello))]
    }

    public mutating func receive(_ bytes: some Collection<UInt8>, now: Int) -> [Action] {
        guard !isClosed else { return [] }
        reader.append(bytes)
        health?.received(now: now)
        return drainFrames(now: now)
    }

    /// The control stream ended: a partial frame is malformed input, otherwise the session is over.
    public mutating func streamEnded() -> [Action] { controlStreamEnded() }

    var isClosed: Bool { if case .closed = state { return true }; return false }

    mutating func handle(_ message: DeviceRelayMessage, now: Int) -> [Action] {
        if state == .awaitingWelcome {
            switch message {
            case .welcome(let w): return established(w, now: now)
            case .reject(let r):
                state = .closed(.rejected)
                return [.rejected(r)]
            default: return close(.protocolError, reason: "expected welcome or reject, got \(message.type)")
            }
        }
        switch message {
        case .commitAck(let ack):
            guard let entry = pushes.removeValue(forKey: ack.id) else {
                return close(.protocolError, reason: "commitAck for unknown id \(ack.id)")
            }
            guard ack.rev == entry.push.rev else {
                return close(.protocolError, reason: "commitAck rev \(ack.rev) for push of rev \(entry.push.rev)")
            }
            return [.commitAcked(ack, push: entry.push)]
        case .commitReject(let reject):
            guard let entry = pushes.removeValue(forKey: reject.id) else {
                return close(.protocolError, reason: "commitReject for unknown id \(reject.id)")
            }
            return [.commitRejected(reject, push: entry.push)]
        case .writeRequest(let request):
            guard writes[request.id] == nil else {
                return close(.protocolError, reason: "duplicate writeRequest id \(request.id)")
            }
            guard request.did == configuration.did else {
                return [sendAction(.writeResult(.failure(id: request.id, .invalidRequest, message: "not this device's account")), now: now)]
            }
            let deadline = now + request.ttlMs
            writes[request.id] = deadline
            return [.writeRequested(request, deadline: deadline)]
        case .ping(let ping):
            return [sendAction(.pong(Pong(nonce: ping.nonce, time: now, echo: ping.time, status: status)), now: now),
                    .relayStatus(ping.knownStatus, roundTripMs: nil)]
        case .pong(let pong):
            guard let rtt = health?.pong(pong, now: now) else { return [] }
            return [.relayStatus(pong.knownStatus, roundTripMs: rtt)]
        case .blobFetch(let fetch): return [.blobRequested(fetch)]
        case .snapshotRequest(let request): return [.snapshotRequested(request)]
        case .blobResult(let result): return [.blobResult(result)]
        case .snapshotResult(let result): return [.snapshotResult(result)]
        case .unknown(let type, _): return [.ignored(type: type)]
        case .hello, .welcome, .reject, .commitPush, .writeResult, .blobHeader, .snapshotHeader, .firehoseEvent:
            return close(.protocolError, reason: "\(message.type) not allowed from the relay on the control stream")
        }
    }

    private mutating func established(_ w: Welcome, now: Int) -> [Action] {
        guard configuration.versions.contains(w.version) else {
            return close(.protocolError, reason: "relay chose minor version \(w.version), not offered")
        }
        welcome = w
        granted = w.features.filter { configuration.features[$0.key] != nil && Feature(rawValue: $0.key) != nil }
        state = .established
        reader.limit = w.limits.maxFrameBytes
        health = HealthMonitor(limits: w.limits, now: now)
        return [.established(w, degradations: Degradation.list(requested: configuration.features, granted: granted))]
    }

    /// Push an unsigned commit; the session numbers it.
    public mutating func push(_ commit: CommitPush, now: Int) throws(SessionError) -> [Action] {
        guard state == .established else { throw .notEstablished }
        guard commit.did == configuration.did else { throw .wrongAccount(commit.did) }
        guard pushes.count < limits.maxInFlight else { throw .tooManyInFlight(limit: limits.maxInFlight) }
        guard commit.ops.count <= limits.maxOpsPerCommit else {
            throw .overLimit(field: "ops", value: commit.ops.count, limit: limits.maxOpsPerCommit)
        }
        guard commit.blocks.count <= limits.maxCommitBytes else {
            throw .overLimit(field: "blocks", value: commit.blocks.count, limit: limits.maxCommitBytes)
        }
        var push = commit
        push.id = nextPushID
        nextPushID += 1
        pushes[push.id] = (push, now)
        return [sendAction(.commitPush(push), now: now)]
    }

    /// Answer a `writeRequest` (after its commit was acked, or with an error).
    public mutating func complete(_ result: WriteResult, now: Int) throws(SessionError) -> [Action] {
        guard state == .established else { throw .notEstablished }
        guard writes.removeValue(forKey: result.id) != nil else { throw .unknownRequest(id: result.id) }
        return [sendAction(.writeResult(result), now: now)]
    }

    /// Whether a forwarded write may still be applied (section 7.2).
    public func mayApply(writeID: Int, now: Int) -> Bool {
        guard let deadline = writes[writeID] else { return false }
        return now < deadline
    }

    /// Answer a `blobFetch` failure, a blob upload, or a snapshot request failure on the control stream.
    public mutating func send(_ message: DeviceRelayMessage, now: Int) throws(SessionError) -> [Action] {
        guard state == .established else { throw .notEstablished }
        return [sendAction(message, now: now)]
    }

    /// Change the status announced in pings, announcing it at once.
    public mutating func announce(_ newStatus: PeerStatus, now: Int) -> [Action] {
        status = newStatus
        guard state == .established, var health else { return [] }
        let ping = health.makePing(now: now, status: newStatus)
        self.health = health
        return [sendAction(.ping(ping), now: now)]
    }

    /// Close locally (shutdown, sleep, or the caller found the relay untrustworthy).
    public mutating func close(_ code: CloseCode, reason: String) -> [Action] {
        guard !isClosed else { return [] }
        state = .closed(code)
        return [.close(code, reason: reason)]
    }

    mutating func sendAction(_ message: DeviceRelayMessage, now: Int) -> Action {
        health?.sent(now: now)
        return .send(Frame.encode(message))
    }
}
