import Foundation
import Testing
import TestSupport
@testable import Protocol

/// Whole conversations between the two sans-IO state machines in memory (spec sections 4, 6, 7, 11).
@Suite struct DeviceRelaySessionTests {
    @Test func pairingHandshake() throws {
        let store = Fixture.store()
        var pair = SessionPair(device: Fixture.pairing(), store: store)
        pair.start()
        let (welcome, degradations) = try #require(pair.established)
        #expect(welcome.paired && welcome.tier == "pro" && welcome.version == 0)
        #expect(welcome.features["commit-buffer"]?.retentionDays == 30)
        #expect(degradations.isEmpty)
        #expect(pair.device.state == .established && pair.relay.state == .established)
        #expect(pair.relay.did == Fixture.did)
        #expect(store.bindings[Fixture.did] == pair.relay.endpointID)
        #expect(store.tokens[Fixture.token]?.used == true)
    }

    @Test func pairingTokenReplayIsRefused() throws {
        let store = Fixture.store()
        var first = SessionPair(device: Fixture.pairing(), store: store)
        first.start()
        #expect(first.established != nil)
        // Same token again, from another endpoint and from the same one: both refused.
        for endpoint in [Array(repeating: UInt8(9), count: 32), first.relay.endpointID] {
            var replay = SessionPair(device: Fixture.pairing(), store: store, endpointID: endpoint)
            replay.start()
            #expect(replay.rejected?.knownCode == .invalidPairingToken)
            #expect(replay.relayClose == .rejected)
            #expect(replay.device.state == .closed(.rejected))
        }
        #expect(store.bindings[Fixture.did] == first.relay.endpointID)
    }

    @Test func unknownDeviceWithoutTokenIsRefused() {
        var pair = SessionPair(device: Fixture.known(), store: Fixture.store())
        pair.start()
        #expect(pair.rejected?.knownCode == .unknownDevice)
    }

    @Test func versionMismatchRejectsWithoutBurningTheToken() {
        let store = Fixture.store()
        var config = Fixture.pairing()
        config.versions = [5, 3]
        var pair = SessionPair(device: config, store: store)
        pair.start()
        #expect(pair.rejected?.knownCode == .unsupportedVersion)
        #expect(pair.rejected?.versions == [0])
        #expect(store.tokens[Fixture.token]?.used == false)
    }

    @Test func pushAndAck() throws {
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        try pair.push(Fixture.commit(rev: "3lbx5ypaaaa2a", since: nil))
        try pair.push(Fixture.commit(rev: "3lbx5yqqtkc2a", since: "3lbx5ypaaaa2a"))
        #expect(pair.acks.map(\.rev) == ["3lbx5ypaaaa2a", "3lbx5yqqtkc2a"])
        #expect(pair.acks.map(\.seq) == [1001, 1002])
        #expect(pair.device.pendingPushes.isEmpty)
        // A push on a stale base is refused and reported with the push it refers to.
        try pair.push(Fixture.commit(rev: "3lbx5yzzzzz2a", since: "3lbx5ypaaaa2a"))
        let rejected = pair.deviceEvents.compactMap { if case .commitRejected(let r, let p) = $0 { return (r, p) }; return nil }
        #expect(rejected.first?.0.knownCode == .sinceMismatch)
        #expect(rejected.first?.1.rev == "3lbx5yzzzzz2a")
    }

    @Test func duplicatePushAfterReconnectGetsTheSameSeq() throws {
        let store = Fixture.store()
        var first = SessionPair(device: Fixture.pairing(), store: store)
        first.start()
        first.dropToDevice = true  // the ack is lost with the connection
        try first.push(Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil))
        #expect(first.acks.isEmpty && store.signatures == 1)
        let pending = first.device.pendingPushes
        #expect(pending.map(\.rev) == ["3lbx5yqqtkc2a"])
        _ = first.device.close(.timeout, reason: "connection lost")

        var second = SessionPair(device: Fixture.known(), store: store, endpointID: first.relay.endpointID, now: 1000)
        second.start()
        let (welcome, _) = try #require(second.established)
        #expect(welcome.rev == "3lbx5yqqtkc2a" && welcome.seq == 1001)
        for push in pending { try second.push(push) }
        let ack = try #require(second.acks.first)
        #expect(ack.seq == 1001 && ack.rev == "3lbx5yqqtkc2a")
        #expect(store.signatures == 1, "never signed twice")
        #expect(ack.cid == store.signed["3lbx5yqqtkc2a"]?.ack.cid)
    }

    @Test func proxiedWrite() throws {
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        pair.now = 50
        guard case .sent(let id, let actions) = pair.relay.forward(writes: [ProxiedWrite(action: .create,
            collection: "app.bsky.feed.post", value: ["text": .string("hi")])], now: pair.now) else {
            Issue.record("not forwarded"); return
        }
        pair.fromRelay(actions)
        let (request, deadline) = try #require(pair.deviceEvents.compactMap {
            if case .writeRequested(let r, let d) = $0 { return (r, d) }; return nil }.first)
        #expect(request.id == id && request.ttlMs == 3000 && deadline == 3050)
        #expect(pair.device.mayApply(writeID: id, now: 100))
        // The device applies it as one commit, pushes, and answers once the ack is in.
        pair.now = 100
        try pair.push(Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil))
        let ack = try #require(pair.acks.first)
        pair.fromDevice(try pair.device.complete(.success(id: id, results: [WriteOutcome(uri: "at://\(Fixture.did)/app.bsky.feed.post/3lbx5yqqtkc2a",
            cid: CID.compute(.dagCBOR, [1]))], commitCid: ack.cid, rev: ack.rev), now: 120))
        let result = try #require(pair.relayEvents.compactMap { if case .writeCompleted(let r) = $0 { return r }; return nil }.first)
        #expect(result.commitCid == ack.cid && result.rev == ack.rev && result.error == nil)
    }

    @Test func forwardedWriteTimesOutWith503() throws {
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        pair.relayEvents.removeAll()
        guard case .sent(let id, let actions) = pair.relay.forward(writes: [ProxiedWrite(action: .delete,
            collection: "app.bsky.feed.post", rkey: "3lbx5yqqtkc2a")], now: 0) else { Issue.record("not forwarded"); return }
        pair.fromRelay(actions)
        pair.fromRelay(pair.relay.tick(now: 2999))
        #expect(pair.relayEvents.isEmpty)
        pair.fromRelay(pair.relay.tick(now: 3000))
        #expect(pair.relayEvents.contains(.writeFailed(id: id, retryAfterSeconds: 5, error: "DeviceTimeout")))
        #expect(!pair.device.mayApply(writeID: id, now: 3000), "expired for the device too")
        // A late answer is ignored by the relay.
        pair.now = 3100
        pair.fromDevice(try pair.device.complete(.failure(id: id, .expired, message: "too late"), now: 3100))
        #expect(!pair.relayEvents.contains { if case .writeCompleted = $0 { return true }; return false })
        #expect(WriteError.expired.httpStatus == 503 && WriteError.invalidSwap.httpStatus == 400)
    }

    @Test func healthTimeoutAndOffline() throws {
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        #expect(pair.relay.availability(now: 0) == .online)
        // Idle: the device pings at the interval and the relay answers; the relay stays online.
        pair.tick(to: 15_000)
        let rtts = pair.deviceEvents.compactMap { if case .relayStatus(.ok, let rtt) = $0 { return rtt }; return nil }
        #expect(rtts == [0])
        // Now the relay's frames stop arriving: the next ping is not answered in time.
        pair.dropToDevice = true
        pair.tick(to: 30_000)
        pair.tick(to: 39_999)
        #expect(pair.deviceClose == nil)
        pair.tick(to: 40_000)
        #expect(pair.deviceClose == .timeout)
        // The relay heard the last ping at 30 000; silent for 45 s means offline and 503s.
        #expect(pair.relay.availability(now: 74_999) == .online)
        #expect(pair.relay.availability(now: 75_000) == .unavailable(retryAfterSeconds: 30, error: "DeviceOffline"))
        pair.fromRelay(pair.relay.tick(now: 75_000))
        #expect(pair.relayClose == .timeout)
        #expect(pair.relay.forward(writes: [], now: 75_001) == .unavailable(retryAfterSeconds: 30, error: "DeviceOffline"))
    }

    @Test func statusDrivesAvailability() throws {
        let unpaired = RelaySession(policy: .preset(.free), endpointID: [], now: 0)
        #expect(unpaired.availability(now: 0) == .unavailable(retryAfterSeconds: 30, error: "DeviceOffline"))
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        pair.fromDevice(pair.device.announce(.busy, now: 1))
        #expect(pair.relay.availability(now: 2) == .unavailable(retryAfterSeconds: 5, error: "DeviceBusy"))
        pair.fromDevice(pair.device.announce(.draining, now: 3))
        #expect(pair.relay.availability(now: 4) == .unavailable(retryAfterSeconds: 30, error: "DeviceOffline"))
        pair.fromDevice(pair.device.announce(.ok, now: 5))
        #expect(pair.relay.availability(now: 6) == .online)
    }

    @Test func handshakeTimeouts() {
        var relay = RelaySession(policy: .preset(.free), endpointID: [], now: 100)
        #expect(relay.tick(now: 10_099).isEmpty)
        #expect(relay.tick(now: 10_100) == [.close(.timeout, reason: "no hello within 10000 ms")])
        var device = DeviceSession(configuration: Fixture.known())
        _ = device.start(now: 0)
        #expect(device.nextDeadline == 10_000)
        #expect(device.tick(now: 10_000).first == .close(.timeout, reason: "no welcome within 10000 ms"))
    }

    @Test func commitAckTimeoutClosesForARepush() throws {
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        pair.autoSign = false
        try pair.push(Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil))
        // Keep the connection otherwise alive with pings; the ack still never comes.
        for t in stride(from: 15_000, through: 29_999, by: 15_000) { pair.tick(to: t) }
        #expect(pair.deviceClose == nil)
        pair.tick(to: 30_000)
        #expect(pair.deviceClose == .timeout)
        #expect(pair.device.pendingPushes.count == 1)
    }

    @Test func malformedAndMisplacedInput() throws {
        // Garbage before the handshake.
        var relay = RelaySession(policy: .preset(.free), endpointID: [], now: 0)
        #expect(relay.receive([0, 0, 0, 2, 0xff, 0xff], now: 0).last.map(closeCode) == .malformedFrame)
        // A frame over the handshake limit, refused from its length alone.
        relay = RelaySession(policy: .preset(.free), endpointID: [], now: 0)
        #expect(relay.receive([0, 1, 0, 1], now: 0).last.map(closeCode) == .frameTooLarge)
        // The wrong first message.
        relay = RelaySession(policy: .preset(.free), endpointID: [], now: 0)
        #expect(relay.receive(Frame.encode(Ping(nonce: 1, time: 1, status: .ok)), now: 0).last.map(closeCode) == .protocolError)
        // After the handshake: unknown types are ignored; acks for unknown ids and relay-only messages are errors.
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        let unknown = Frame.encode(body: DAGCBOR.encode(.map(["t": .string("teleport")])))
        #expect(pair.relay.receive(unknown, now: 1) == [.ignored(type: "teleport")])
        #expect(pair.device.receive(unknown, now: 1) == [.ignored(type: "teleport")])
        let strayAck = Frame.encode(CommitAck(id: 99, seq: 1, cid: CID.compute(.dagCBOR, [1]), rev: "r", sig: []))
        #expect(pair.device.receive(strayAck, now: 2).last.map(closeCode) == .protocolError)
        #expect(pair.relay.receive(strayAck, now: 2).last.map(closeCode) == .protocolError)
        // A stream that ends inside a frame.
        var relay2 = RelaySession(policy: .preset(.free), endpointID: [], now: 0)
        _ = relay2.receive([0, 0, 0, 9, 0xa1], now: 0)
        #expect(relay2.streamEnded().last.map(closeCode) == .malformedFrame)
    }

    @Test func relayEnforcesPushLimits() throws {
        var policy = RelayPolicy.preset(.pro)
        policy.limits.maxOpsPerCommit = 2
        var pair = SessionPair(device: Fixture.pairing(), policy: policy, store: Fixture.store())
        pair.start()
        // The device refuses locally ...
        #expect(throws: SessionError.overLimit(field: "ops", value: 3, limit: 2)) {
            try pair.push(Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil, ops: 3))
        }
        // ... and a device that does not is answered `over-limit` by the relay session itself.
        var push = Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil, ops: 3)
        push.id = 1
        let actions = pair.relay.receive(Frame.encode(push), now: 1)
        guard case .send(let bytes)? = actions.first, case .commitReject(let reject) = try Frame.decode(bytes) else {
            Issue.record("no commitReject: \(actions)"); return
        }
        #expect(reject.knownCode == .overLimit && reject.id == 1)
        // In-flight cap.
        pair.autoSign = false
        for i in 0..<policy.limits.maxInFlight { try pair.push(Fixture.commit(rev: "3lbx5yr\(i)aaaa2a", since: nil)) }
        #expect(throws: SessionError.tooManyInFlight(limit: 8)) { try pair.push(Fixture.commit(rev: "3lbx5yzaaaa2a", since: nil)) }
    }

    @Test func replacedSessionClosesAndFailsOutstandingWrites() {
        var pair = SessionPair(device: Fixture.pairing(), store: Fixture.store())
        pair.start()
        pair.relayEvents.removeAll()
        guard case .sent(let id, _) = pair.relay.forward(writes: [], now: 1) else { Issue.record("not forwarded"); return }
        pair.fromRelay(pair.relay.close(.replaced, reason: "newer connection"))
        #expect(pair.relayEvents.first == .writeFailed(id: id, retryAfterSeconds: 30, error: "DeviceOffline"))
        #expect(pair.relayClose == .replaced)
        #expect(CloseCode(wireValue: 0x99) == .internalError)
    }

    private func closeCode(_ action: RelaySession.Action) -> CloseCode? {
        if case .close(let code, _) = action { return code }
        return nil
    }

    private func closeCode(_ action: DeviceSession.Action) -> CloseCode? {
        if case .close(let code, _) = action { return code }
        return nil
    }
}
