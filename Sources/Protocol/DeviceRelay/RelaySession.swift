/// The relay's side of one connection, sans-IO (spec sections 4, 6, 7, 11). Bytes and the time in;
/// bytes to send and events out. Everything persistent is the caller's, driven by events:
/// `.authenticate` (verify and consume a pairing token, or check the endpoint binding, then
/// `accept`/`reject`), `.commitReceived` (validate, sign, sequence — idempotent by rev — then
/// `acknowledge`/`rejectCommit`), `.writeCompleted`/`.writeTimedOut` (answer the XRPC caller).
public struct RelaySession: Sendable, ControlStreamMachine {
    public struct Authentication: Hashable, Sendable {
        public var did: String
        /// The device's TLS endpoint id (its Ed25519 public key).
        public var endpointID: [UInt8]
        /// Present on first contact: verify and consume atomically (single use).
        public var pairingToken: String?
        public var version: Int
        public var hello: Hello
    }

    /// The account's head as the relay's storage knows it, for `welcome`.
    public struct AccountHead: Hashable, Sendable {
        public var seq: Int?
        public var rev: String?

        public init(seq: Int?, rev: String?) {
            self.seq = seq
            self.rev = rev
        }

        public static let empty = AccountHead(seq: nil, rev: nil)
    }

    public enum State: Hashable, Sendable {
        case awaitingHello
        case authenticating
        case established
        case closed(CloseCode)
    }

    public enum Availability: Hashable, Sendable {
        case online
        /// Answer writes 503 with `Retry-After` and this XRPC error (section 11).
        case unavailable(retryAfterSeconds: Int, error: String)
    }

    public enum Action: Hashable, Sendable {
        case send([UInt8])
        case authenticate(Authentication)
        case established(did: String, welcome: Welcome)
        case commitReceived(CommitPush)
        case writeCompleted(WriteResult)
        /// No `writeResult` will come: answer the XRPC caller 503 with `Retry-After` and this error
        /// (`DeviceTimeout` after `writeTimeoutMs`, `DeviceOffline` when the session closed first).
        case writeFailed(id: Int, retryAfterSeconds: Int, error: String)
        case blobResult(BlobResult)
        case snapshotResult(SnapshotResult)
        case deviceStatus(PeerStatus)
        case ignored(type: String)
        case close(CloseCode, reason: String)
    }

    public let policy: RelayPolicy
    public let endpointID: [UInt8]
    public private(set) var state: State = .awaitingHello
    public private(set) var did: String?
    public private(set) var granted: FeatureSet = [:]
    public private(set) var deviceStatus: PeerStatus = .ok

    var reader = FrameReader(limit: DeviceRelayProtocol.handshakeMaxFrameBytes)
    let openedAt: Int
    private var hello: Hello?
    private var version = 0
    var lastReceived: Int
    private var pushes: Set<Int> = []
    var writes: [Int: Int] = [:]
    var nextRequestID = 1

    public init(policy: RelayPolicy, endpointID: [UInt8], now: Int) {
        self.policy = policy
        self.endpointID = endpointID
        openedAt = now
        lastReceived = now
    }

    public var limits: Limits { policy.limits }
    var isClosed: Bool { if case .closed = state { return true }; return false }

    public mutating func receive(_ bytes: some Collection<UInt8>, now: Int) -> [Action] {
        guard !isClosed else { return [] }
        reader.append(bytes)
        lastReceived = now
        return drainFrames(now: now)
    }

    /// The control stream ended: a partial frame is malformed input, otherwise the session is over.
    public mutating func streamEnded() -> [Action] { controlStreamEnded() }

    mutating func handle(_ message: DeviceRelayMessage, now: Int) -> [Action] {
        switch state {
        case .awaitingHello:
            guard case .hello(let hello) = message else {
                return close(.protocolError, reason: "expected hello, got \(message.type)")
            }
            return received(hello)
        case .authenticating:
            return close(.protocolError, reason: "\(message.type) before welcome")
        case .established:
            break
        case .closed:
            return []
        }
        switch message {
        case .commitPush(let push): return received(push, now: now)
        case .writeResult(let result):
            // A late result for a write already answered 503 is ignored (section 7.2).
            guard writes.removeValue(forKey: result.id) != nil else { return [] }
            return [.writeCompleted(result)]
        case .ping(let ping):
            deviceStatus = ping.knownStatus
            return [send(.pong(Pong(nonce: ping.nonce, time: now, echo: ping.time, status: .ok))),
                    .deviceStatus(ping.knownStatus)]
        case .pong(let pong):
            deviceStatus = pong.knownStatus
            return [.deviceStatus(pong.knownStatus)]
        case .blobResult(let result): return [.blobResult(result)]
        case .snapshotResult(let result): return [.snapshotResult(result)]
        case .unknown(let type, _): return [.ignored(type: type)]
        case .hello, .welcome, .reject, .commitAck, .commitReject, .writeRequest, .blobFetch, .snapshotRequest,
             .blobHeader, .snapshotHeader, .firehoseEvent:
            return close(.protocolError, reason: "\(message.type) not allowed from the device on the control stream")
        }
    }

    /// Checks in the order of section 4.2; the token is only looked at by the caller, after them.
    private mutating func received(_ hello: Hello) -> [Action] {
        guard let version = policy.chooseVersion(hello.versions) else {
            return reject(.init(code: .unsupportedVersion, message: "no common minor version",
                                versions: policy.minorVersions))
        }
        guard Self.looksLikeDID(hello.did) else {
            return reject(.init(code: .badHello, message: "not a DID"))
        }
        if let token = hello.pairingToken, token.isEmpty || token.utf8.count > 128 {
            return reject(.init(code: .invalidPairingToken, message: "malformed pairing token"))
        }
        self.hello = hello
        self.version = version
        state = .authenticating
        return [.authenticate(Authentication(did: hello.did, endpointID: endpointID,
                                             pairingToken: hello.pairingToken, version: version, hello: hello))]
    }

    /// Syntax only; resolving the DID is the caller's.
    static func looksLikeDID(_ s: String) -> Bool { DID.isValid(s) }

    /// The caller authenticated the device; `paired` when a token was consumed.
    public mutating func accept(head: AccountHead, now: Int) -> [Action] {
        guard state == .authenticating, let hello else { return [] }
        granted = policy.grant(hello.features)
        let commitAckSeq = granted[Feature.commitAckSeq.rawValue] != nil
        let welcome = Welcome(version: version, tier: policy.tier.rawValue, features: granted, limits: limits,
                              seq: commitAckSeq ? head.seq : nil, rev: head.rev, paired: hello.pairingToken != nil)
        did = hello.did
        state = .established
        reader.limit = limits.maxFrameBytes
        lastReceived = now
        return [send(.welcome(welcome)), .established(did: hello.did, welcome: welcome)]
    }

    /// Refuse the `hello` (bad token, unknown device, ...): `reject`, then close `rejected`.
    public mutating func reject(_ reject: Reject) -> [Action] {
        guard state == .awaitingHello || state == .authenticating else { return [] }
        let bytes = send(.reject(reject))
        return [bytes] + close(.rejected, reason: reject.code)
    }

    private mutating func received(_ push: CommitPush, now: Int) -> [Action] {
        guard !pushes.contains(push.id) else {
            return close(.protocolError, reason: "duplicate commitPush id \(push.id)")
        }
        func refuse(_ code: CommitReject.Code, _ message: String) -> [Action] {
            [send(.commitReject(CommitReject(id: push.id, code: code, message: message)))]
        }
        if push.did != did { return refuse(.invalidCommit, "push for \(push.did) on \(did ?? "")'s session") }
        if push.ops.count > limits.maxOpsPerCommit { return refuse(.overLimit, "\(push.ops.count) ops") }
        if push.blocks.count > limits.maxCommitBytes { return refuse(.overLimit, "\(push.blocks.count) bytes of blocks") }
        if pushes.count >= limits.maxInFlight { return refuse(.overLimit, "more than \(limits.maxInFlight) in flight") }
        pushes.insert(push.id)
        return [.commitReceived(push)]
    }

    /// The caller signed and sequenced the push with this id (or found it already signed: same ack).
    /// Without `commit-ack-seq` the seq is left out, as section 8.1 requires.
    public mutating func acknowledge(_ ack: CommitAck) throws(SessionError) -> [Action] {
        guard state == .established else { throw .notEstablished }
        guard pushes.remove(ack.id) != nil else { throw .unknownRequest(id: ack.id) }
        var ack = ack
        if granted[Feature.commitAckSeq.rawValue] == nil { ack.seq = nil }
        return [send(.commitAck(ack))]
    }

    public mutating func rejectCommit(_ reject: CommitReject) throws(SessionError) -> [Action] {
        guard state == .established else { throw .notEstablished }
        guard pushes.remove(reject.id) != nil else { throw .unknownRequest(id: reject.id) }
        return [send(.commitReject(reject))]
    }

    /// A newer connection of the same device took over (section 4.3), or the relay shuts down.
    public mutating func close(_ code: CloseCode, reason: String) -> [Action] {
        guard !isClosed else { return [] }
        state = .closed(code)
        let orphans = writes.keys.sorted().map {
            Action.writeFailed(id: $0, retryAfterSeconds: DeviceRelayProtocol.offlineRetryAfterSeconds, error: "DeviceOffline")
        }
        writes = [:]
        return orphans + [.close(code, reason: reason)]
    }

    func send(_ message: DeviceRelayMessage) -> Action {
        .send(Frame.encode(message))
    }
}
