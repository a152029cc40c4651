import Foundation
import Logging
import Protocol
import Repo
import Tunnel

/// One tunnel connection of the desktop to its relay: runs the sans-IO `DeviceSession` on the
/// control stream, serves the relay's write requests, pushes local commits (pipelined up to the
/// welcome's `maxInFlight`, built and sent in order under one turn) and receives the promotion streams.
actor DeviceAgent {
    enum PushOutcome: Sendable {
        /// Sealed as the repo's `sealed`-th commit: durable once `repo.stored` reaches it.
        case acked(CommitAck, sealed: Int)
        case rejected(String)
        /// The connection ended first: the commit stays in the chain and is pushed again on the next one.
        case lost
    }

    let connection: Connection
    let repo: DeviceRepo
    let pairing: DevicePairing
    let directory: DeviceDirectory
    let signingKey: any PublicKey
    var session: DeviceSession
    private let outgoing: AsyncStream<[UInt8]>.Continuation
    private let outgoingStream: AsyncStream<[UInt8]>
    private let start = ContinuousClock.now
    private let clock: TIDClock
    let logger: Logger
    private var pushWaiters: [Int: CheckedContinuation<PushOutcome, Never>] = [:]
    private var busy = false
    private var turnWaiters: [CheckedContinuation<Void, Never>] = []
    private var welcomeWaiters: [CheckedContinuation<Welcome?, Never>] = []
    private var promotion: Promotion?
    private var promotionDone: CheckedContinuation<Bool, Never>?
    private var promotionOutcome: Bool?
    private(set) var welcome: Welcome?
    private(set) var degradations: [Degradation] = []
    private(set) var closedReason: String?
    /// Where `firehose-proxy` events go (the desktop's `NetworkInbox`).
    var inbox: NetworkInbox?
    /// Called with each user-facing line (degradations, promotion progress).
    let say: @Sendable (String) -> Void

    struct Promotion {
        var id: Int?
        var expectedBlobs: Int?
        var blobs = 0
        var car: [UInt8]?
    }

    init(connection: Connection, repo: DeviceRepo, pairing: DevicePairing, directory: DeviceDirectory,
         token: String?, features: FeatureSet, welcomeTimeoutMs: Int = DeviceRelayProtocol.welcomeTimeoutMs,
         logger: Logger, say: @escaping @Sendable (String) -> Void) throws {
        self.connection = connection
        self.repo = repo
        self.pairing = pairing
        self.directory = directory
        self.logger = logger
        self.say = say
        signingKey = try DIDKey.parse(pairing.signingKey)
        clock = TIDClock(after: repo.tipRev.flatMap { try? TID(string: $0) })
        var configuration = DeviceSession.Configuration(did: pairing.did, pairingToken: token, features: features,
                                                        headRev: repo.head?.rev)
        configuration.welcomeTimeoutMs = welcomeTimeoutMs
        session = DeviceSession(configuration: configuration)
        (outgoingStream, outgoing) = AsyncStream<[UInt8]>.makeStream()
    }

    func now() -> Int {
        let d = ContinuousClock.now - start
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Runs the session until the connection ends; returns why.
    func run() async -> String {
        do {
            let control = try await connection.openBidirectionalStream()
            let sender = Task { [outgoingStream] in
                for await bytes in outgoingStream { try? await control.write(bytes) }
            }
            let ticker = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    await self?.tick()
                }
            }
            let streams = Task { [weak self, connection] in
                while let stream = try? await connection.acceptUnidirectionalStream() {
                    Task { await self?.receiveStream(stream) }
                }
            }
            defer { ticker.cancel(); sender.cancel(); streams.cancel() }
            await perform(session.start(now: now()))
            while let bytes = try await control.read() {
                await perform(session.receive(bytes, now: now()))
                if case .closed = session.state { break }
            }
            await perform(session.streamEnded())
        } catch TunnelError.closedByPeer(let code, let reason) {
            // The relay's reason (a revoke, a newer connection) is what the user needs to read.
            closedReason = closedReason ?? "the relay closed the session (\(CloseCode(wireValue: code).name)): \(reason)"
            await perform(session.close(.noError, reason: reason))
        } catch {
            await perform(session.close(.internalError, reason: "connection lost: \(error)"))
        }
        finish(reason: closedReason ?? "connection closed")
        return closedReason ?? "connection closed"
    }

    private func finish(reason: String) {
        if closedReason == nil { closedReason = reason }
        outgoing.finish()
        for (_, w) in pushWaiters { w.resume(returning: .lost) }
        pushWaiters = [:]
        inFlight = 0
        slotWaiters.forEach { $0.resume() }
        slotWaiters = []
        welcomeWaiters.forEach { $0.resume(returning: nil) }
        welcomeWaiters = []
        promotionDone?.resume(returning: false)
        promotionDone = nil
    }

    private func tick() async { await perform(session.tick(now: now())) }

    /// Queues the leading `send`s at once (no task hop between building a push and sending it);
    /// anything else, which may suspend, goes through `perform` in a task.
    private func sendNow(_ actions: [DeviceSession.Action]) {
        let (sends, rest) = actions.splitLeadingSends()
        for bytes in sends { outgoing.yield(bytes) }
        if !rest.isEmpty { Task { await self.perform(Array(rest)) } }
    }

    /// Waits for `welcome` (nil when rejected or closed first).
    func established() async -> Welcome? {
        if let welcome { return welcome }
        if closedReason != nil { return nil }
        return await withCheckedContinuation { welcomeWaiters.append($0) }
    }

    func perform(_ actions: [DeviceSession.Action]) async {
        var pending = actions
        while !pending.isEmpty {
            switch pending.removeFirst() {
            case .send(let bytes): outgoing.yield(bytes)
            case .established(let w, let degradations):
                welcome = w
                self.degradations = degradations
                for d in degradations { say("\(d.feature.rawValue) not granted: \(d.userMessage)") }
                welcomeWaiters.forEach { $0.resume(returning: w) }
                welcomeWaiters = []
            case .rejected(let reject):
                closedReason = "the relay refused: \(reject.code): \(reject.message)"
                say(closedReason!)
                welcomeWaiters.forEach { $0.resume(returning: nil) }
                welcomeWaiters = []
            case .commitAcked(let ack, let push):
                // Sealed here, in ack order, whichever caller resumes first.
                do {
                    try ack.verify(for: push, signingKey: signingKey)
                    try repo.acked(rev: push.rev, sig: ack.sig)
                    pushWaiters.removeValue(forKey: push.id)?.resume(returning: .acked(ack, sealed: repo.sealedCount))
                } catch {
                    say("The relay returned an invalid signature.")
                    repo.abandon(from: push.rev)
                    pushWaiters.removeValue(forKey: push.id)?.resume(returning: .rejected("invalid signature: \(error)"))
                    pending += session.close(.protocolError, reason: "invalid ack signature")
                }
                freeSlot()
            case .commitRejected(let reject, let push):
                repo.abandon(from: push.rev)
                pushWaiters.removeValue(forKey: push.id)?.resume(returning: .rejected("\(reject.code): \(reject.message)"))
                freeSlot()
            case .writeRequested(let request, let deadline):
                Task { await self.serve(request, deadline: deadline) }
            case .snapshotResult(let result):
                // The relay confirmed the switch (or refused it): promotion is over.
                if let done = promotionDone { done.resume(returning: result.error == nil) }
                else { promotionOutcome = result.error == nil }
                promotionDone = nil
            case .close(let code, let reason):
                closedReason = closedReason ?? "\(code.name): \(reason)"
                outgoing.finish()
                try? await Task.sleep(for: .milliseconds(20))
                connection.close(code: code.rawValue, reason: reason)
            case .blobRequested(let fetch):
                Task { await self.serveBlobFetch(fetch) }
            case .snapshotRequested(let request):
                pending += (try? session.send(.snapshotResult(SnapshotResult(id: request.id, error: .internalError,
                                                                             message: "snapshots are not served yet")), now: now())) ?? []
            case .blobResult, .relayStatus, .ignored:
                break
            }
        }
    }

    // MARK: commits

    private func takeTurn() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { turnWaiters.append($0) }
    }

    private func endTurn() {
        if turnWaiters.isEmpty { busy = false } else { turnWaiters.removeFirst().resume() }
    }

    enum CommitError: Error { case refused(WriteError, String), rejected(String) }

    /// Builds, pushes and (once acked) stores one commit. Pipelined: the turn covers building and
    /// sending only, so up to `maxInFlight` commits wait for their acks at once (spec 6.1).
    func commit(_ writes: [ProxiedWrite], swapCommit: CID? = nil, deadline: Int? = nil) async throws -> (ack: CommitAck, results: [WriteOutcome]) {
        await takeTurn()
        var holdsTurn = true
        defer { if holdsTurn { endTurn() } }
        await waitForSlot()
        if let deadline, now() >= deadline { throw CommitError.refused(.expired, "the request expired before it was applied") }
        if closedReason != nil { throw CommitError.rejected("connection lost") }
        let prepared: (push: CommitPush, results: [WriteOutcome])
        do { prepared = try repo.prepare(writes, swapCommit: swapCommit, clock: clock) }
        catch DeviceRepo.WriteFailure.refused(let e, let m) { throw CommitError.refused(e, m) }
        let rev = prepared.push.rev
        let actions: [DeviceSession.Action]
        do { actions = try session.push(prepared.push, now: now()) } catch {
            repo.abandon(from: rev)
            throw CommitError.rejected("\(error)")
        }
        guard case .send(let bytes)? = actions.first, case .commitPush(let sent)? = try? Self.decode(bytes) else {
            repo.abandon(from: rev)
            throw CommitError.rejected("push not sent")
        }
        inFlight += 1
        endTurn()
        holdsTurn = false
        let outcome = await withCheckedContinuation { cont in
            pushWaiters[sent.id] = cont
            sendNow(actions)
        }
        switch outcome {
        case .acked(let ack, let sealed):
            try await store(through: sealed)
            return (ack, prepared.results)
        case .rejected(let why):
            repo.abandon(from: rev)
            throw CommitError.rejected(why)
        case .lost:
            throw CommitError.rejected("connection lost before the relay answered: the commit is pushed again on reconnect")
        }
    }

    /// Pushes again, oldest first, the commits a previous connection left unacknowledged (spec 6.3:
    /// a rev the relay signed gets the same ack). Before anything else on a new session.
    func resumeChain() async -> Int {
        var resumed = 0
        for push in repo.unacknowledged {
            guard let actions = try? session.push(push, now: now()), case .send(let bytes)? = actions.first,
                  case .commitPush(let sent)? = try? Self.decode(bytes) else { return resumed }
            inFlight += 1
            let outcome = await withCheckedContinuation { cont in
                pushWaiters[sent.id] = cont
                sendNow(actions)
            }
            switch outcome {
            case .acked(_, let sealed):
                try? await store(through: sealed)
                resumed += 1
            case .rejected(let why):
                say("a commit pushed again after a reconnect was refused (\(why)): dropped")
                return resumed
            case .lost:
                return resumed
            }
        }
        return resumed
    }

    private var flushRunning = false
    private var flushWaiters: [CheckedContinuation<Void, Never>] = []

    /// Returns once the `sealed`-th commit is stored. The write (one transaction, one fsync for
    /// every commit sealed by then) runs off the actor: the next pushes are built and sent, and
    /// the relay works on them, while the disk syncs. One write at a time; a caller whose commit
    /// an earlier write did not cover starts the next one.
    private func store(through sealed: Int) async throws {
        while repo.stored < sealed {
            if flushRunning {
                await withCheckedContinuation { flushWaiters.append($0) }
                continue
            }
            guard let batch = repo.takeSealed() else { break }
            flushRunning = true
            let result = await repo.write(batch)
            flushRunning = false
            defer {
                flushWaiters.forEach { $0.resume() }
                flushWaiters = []
            }
            try repo.finish(batch, result)
        }
        if repo.isLost(sealed) { throw CommitError.rejected("the commit could not be stored on this desktop") }
    }

    private var inFlight = 0
    private var slotWaiters: [CheckedContinuation<Void, Never>] = []

    /// Holds the turn until fewer than the welcome's `maxInFlight` pushes await their acks.
    private func waitForSlot() async {
        while inFlight >= max(1, session.limits.maxInFlight), closedReason == nil {
            await withCheckedContinuation { slotWaiters.append($0) }
        }
    }

    private func freeSlot() {
        inFlight = max(0, inFlight - 1)
        if !slotWaiters.isEmpty { slotWaiters.removeFirst().resume() }
    }

    static func decode(_ frame: [UInt8]) throws -> DeviceRelayMessage? {
        var reader = FrameReader(limit: DeviceRelayProtocol.absoluteMaxFrameBytes)
        reader.append(frame)
        return try reader.next()
    }

    private func serve(_ request: WriteRequest, deadline: Int) async {
        let result: WriteResult
        // Records may name only blobs this desktop holds (spec 8.3: without `blob-forwarding`
        // media is added from the desktop; with it, uploads arrived here before the record).
        if let lacking = shelf.missing(in: request.writes).first {
            result = .failure(id: request.id, .blobNotFound, message: "this desktop does not hold blob \(lacking)")
            await perform((try? session.complete(result, now: now())) ?? [])
            return
        }
        do {
            let (ack, results) = try await commit(request.writes, swapCommit: request.swapCommit, deadline: deadline)
            result = .success(id: request.id, results: results, commitCid: ack.cid, rev: ack.rev)
        } catch CommitError.refused(let error, let message) {
            result = .failure(id: request.id, error, message: message)
        } catch {
            result = .failure(id: request.id, .internalError, message: "\(error)")
        }
        await perform((try? session.complete(result, now: now())) ?? [])
    }

    /// Pushes every queued local write set, oldest first; stops at the first failure.
    func drainOutbox(_ outbox: Outbox) async -> Int {
        var pushed = 0
        for entry in (try? outbox.entries()) ?? [] {
            do {
                _ = try await commit(entry.writes)
                try outbox.remove(entry)
                pushed += 1
            } catch CommitError.refused(let e, let m) {
                say("dropped a queued write the repo refuses (\(e.rawValue): \(m))")
                try? outbox.remove(entry)
            } catch {
                break
            }
        }
        return pushed
    }

    func close(_ code: CloseCode = .noError, reason: String = "done") async {
        await perform(session.close(code, reason: reason))
    }

    // MARK: promotion (spec 7.6)

    /// Waits until the relay confirmed this desktop authoritative (true) or the attempt ended.
    func awaitPromotion() async -> Bool {
        if let promotionOutcome { return promotionOutcome }
        if closedReason != nil { return false }
        return await withCheckedContinuation { promotionDone = $0 }
    }

    /// A blob or snapshot stream; `prefix` is what `receiveStream` already read of it.
    func receiveBodyStream(_ stream: Tunnel.Stream, prefix: [UInt8] = []) async {
        var reader = BodyStreamReader(maxBodyBytes: 1 << 30, maxFrameBytes: session.limits.maxFrameBytes)
        var header: DeviceRelayMessage?
        var body: [UInt8] = []
        do {
            var chunk: [UInt8]? = prefix
            if prefix.isEmpty { chunk = try await stream.read() }
            while let bytes = chunk {
                for event in try reader.receive(bytes) {
                    switch event {
                    case .blob(let h): header = .blobHeader(h)
                    case .snapshot(let h): header = .snapshotHeader(h)
                    case .body(let bytes): body += bytes
                    case .complete: break
                    }
                }
                chunk = try await stream.read()
            }
            _ = try reader.end()
        } catch {
            logger.warning("body stream failed", metadata: ["error": "\(error)"])
            return
        }
        switch header {
        case .blobHeader(let h)? where h.cid == nil:
            await storeUpload(h, body: body)
            return
        case .blobHeader(let h)?:
            guard let cid = h.cid, CID.compute(.raw, body) == cid else { return }
            _ = try? shelf.store(body, mimeType: h.mimeType)
            var p = promotion ?? Promotion()
            p.blobs += 1
            promotion = p
            say("promotion: blob \(p.blobs)\(p.expectedBlobs.map { " of \($0)" } ?? "") (\(body.count) bytes)")
        case .snapshotHeader(let h)?:
            var p = promotion ?? Promotion()
            p.id = h.id
            p.expectedBlobs = h.blobs ?? 0
            p.car = body
            promotion = p
            say("promotion: repository received (\(body.count) bytes, rev \(h.rev))")
        default:
            return
        }
        await finishPromotionIfComplete()
    }

    private func finishPromotionIfComplete() async {
        guard let p = promotion, let id = p.id, let car = p.car, p.blobs >= (p.expectedBlobs ?? 0) else { return }
        promotion = nil
        let answer: SnapshotResult
        do {
            let head = try repo.importPromotion(car, signingKey: signingKey)
            say("promotion: verified and imported rev \(head.rev) with \(p.blobs) blob(s)")
            answer = SnapshotResult(id: id)
        } catch {
            say("promotion failed: \(error)")
            answer = SnapshotResult(id: id, error: .invalidRequest, message: "\(error)")
        }
        await perform((try? session.send(.snapshotResult(answer), now: now())) ?? [])
    }
}
