@testable import Protocol

enum Outcome<Value, Refusal> {
    case success(Value)
    case failure(Refusal)
}

/// What a relay's storage does for a session, in memory: single-use pairing tokens, endpoint
/// bindings, and signing that is idempotent by rev. Stands in for the Relay module's SQLite store.
final class FakeRelayStore {
    var tokens: [String: (did: String, used: Bool)] = [:]
    var bindings: [String: [UInt8]] = [:]
    var signed: [String: (commit: [UInt8], ack: CommitAck)] = [:]
    var headRev: String?
    var headSeq: Int?
    var nextSeq = 1000
    var signatures = 0

    func authenticate(_ auth: RelaySession.Authentication) -> Outcome<RelaySession.AccountHead, Reject> {
        if let token = auth.pairingToken {
            guard let entry = tokens[token], entry.did == auth.did, !entry.used else {
                return .failure(Reject(code: .invalidPairingToken, message: "pairing token already used"))
            }
            tokens[token] = (entry.did, true)
            bindings[auth.did] = auth.endpointID
        } else if bindings[auth.did] != auth.endpointID {
            return .failure(Reject(code: .unknownDevice, message: "endpoint not paired"))
        }
        return .success(RelaySession.AccountHead(seq: headSeq, rev: headRev))
    }

    /// Section 6.3: a rev already signed with identical bytes gets the stored ack, never a new signature.
    func sign(_ push: CommitPush) -> Outcome<CommitAck, CommitReject> {
        if let done = signed[push.rev] {
            guard done.commit == push.commit else {
                return .failure(CommitReject(id: push.id, code: .revConflict, message: "rev signed with other bytes"))
            }
            var ack = done.ack
            ack.id = push.id
            return .success(ack)
        }
        if let head = headRev, push.rev <= head {
            return .failure(CommitReject(id: push.id, code: .staleRev, message: "rev not after head"))
        }
        guard push.since == headRev else {
            return .failure(CommitReject(id: push.id, code: .sinceMismatch, message: "since is not the head"))
        }
        signatures += 1
        nextSeq += 1
        let ack = CommitAck(id: push.id, seq: nextSeq, cid: CID.compute(.dagCBOR, push.commit + [1]), rev: push.rev,
                            sig: Array(repeating: UInt8(signatures), count: 64))
        signed[push.rev] = (push.commit, ack)
        headRev = push.rev
        headSeq = nextSeq
        return .success(ack)
    }
}

/// Two state machines joined in memory: bytes each one sends are delivered to the other at once,
/// and the relay side's events are answered by a `FakeRelayStore`. `dropToDevice` loses frames.
struct SessionPair {
    var device: DeviceSession
    var relay: RelaySession
    let store: FakeRelayStore
    var now = 0
    var deviceEvents: [DeviceSession.Action] = []
    var relayEvents: [RelaySession.Action] = []
    var autoSign = true
    var dropToDevice = false
    var heldPushes: [CommitPush] = []

    init(device: DeviceSession.Configuration, policy: RelayPolicy = .preset(.pro), store: FakeRelayStore,
         endpointID: [UInt8] = Array(repeating: 7, count: 32), now: Int = 0) {
        self.device = DeviceSession(configuration: device)
        self.relay = RelaySession(policy: policy, endpointID: endpointID, now: now)
        self.store = store
        self.now = now
    }

    mutating func start() { fromDevice(device.start(now: now)) }

    mutating func fromDevice(_ actions: [DeviceSession.Action]) {
        for action in actions {
            if case .send(let bytes) = action { fromRelay(relay.receive(bytes, now: now)) } else { deviceEvents.append(action) }
        }
    }

    mutating func fromRelay(_ actions: [RelaySession.Action]) {
        for action in actions {
            switch action {
            case .send(let bytes):
                if !dropToDevice { fromDevice(device.receive(bytes, now: now)) }
            case .authenticate(let auth):
                switch store.authenticate(auth) {
                case .success(let head): fromRelay(relay.accept(head: head, now: now))
                case .failure(let reject): fromRelay(relay.reject(reject))
                }
            case .commitReceived(let push):
                if autoSign { sign(push) } else { heldPushes.append(push) }
            default:
                relayEvents.append(action)
            }
        }
    }

    mutating func sign(_ push: CommitPush) {
        switch store.sign(push) {
        case .success(let ack): fromRelay(try! relay.acknowledge(ack))
        case .failure(let reject): fromRelay(try! relay.rejectCommit(reject))
        }
    }

    mutating func push(_ commit: CommitPush) throws { fromDevice(try device.push(commit, now: now)) }

    mutating func tick(to time: Int) {
        now = time
        fromDevice(device.tick(now: now))
        fromRelay(relay.tick(now: now))
    }

    var acks: [CommitAck] {
        deviceEvents.compactMap { if case .commitAcked(let ack, _) = $0 { return ack }; return nil }
    }
    var established: (Welcome, [Degradation])? {
        for e in deviceEvents { if case .established(let w, let d) = e { return (w, d) } }
        return nil
    }
    var rejected: Reject? {
        for e in deviceEvents { if case .rejected(let r) = e { return r } }
        return nil
    }
    var deviceClose: CloseCode? {
        for e in deviceEvents { if case .close(let c, _) = e { return c } }
        return nil
    }
    var relayClose: CloseCode? {
        for e in relayEvents { if case .close(let c, _) = e { return c } }
        return nil
    }
}

enum Fixture {
    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    static let token = "pair-7f3k-q9xw-2m8d-hv4c"

    static func store(withToken: Bool = true) -> FakeRelayStore {
        let store = FakeRelayStore()
        if withToken { store.tokens[token] = (did, false) }
        return store
    }

    static func pairing(features: FeatureSet = DeviceSession.Configuration.allFeatures()) -> DeviceSession.Configuration {
        DeviceSession.Configuration(did: did, pairingToken: token, features: features)
    }

    static func known(features: FeatureSet = DeviceSession.Configuration.allFeatures()) -> DeviceSession.Configuration {
        DeviceSession.Configuration(did: did, features: features)
    }

    static func commit(rev: String, since: String?, ops: Int = 1) -> CommitPush {
        let unsigned = DAGCBOR.encode(.map(["did": .string(did), "version": .integer(3), "rev": .string(rev),
                                            "data": .link(CID.compute(.dagCBOR, Array(rev.utf8))), "prev": .null]))
        return CommitPush(id: 0, did: did, rev: rev, since: since, prevData: nil, commit: unsigned, blocks: [0x0a],
                          ops: (0..<ops).map { RepoOp(action: .create, path: "app.bsky.feed.post/\(rev)\($0)",
                                                      cid: CID.compute(.dagCBOR, [UInt8($0 & 0xff)])) })
    }
}
