import Foundation
import Logging
import Protocol
import Tunnel

/// One desktop's tunnel connection on the relay: runs the sans-IO `RelaySession` over the control
/// stream, a single writer task (so frames leave in the order the session made them) and a timer.
/// Persistent decisions (tokens, signing, modes) are `Enrollment`'s.
actor DeviceLink {
    enum WriteOutcome: Sendable {
        case result(WriteResult)
        case failed(retryAfterSeconds: Int, error: String)
    }

    let connection: Connection
    private weak var enrollment: Enrollment?
    var session: RelaySession
    private let outgoing: AsyncStream<[UInt8]>.Continuation
    private let outgoingStream: AsyncStream<[UInt8]>
    private var writeWaiters: [Int: CheckedContinuation<WriteOutcome, Never>] = [:]
    private var snapshotWaiters: [Int: CheckedContinuation<SnapshotResult?, Never>] = [:]
    /// Results that came before anyone waited for them (the device can answer while we still write).
    private var earlySnapshotResults: [Int: SnapshotResult] = [:]
    /// Blob uploads and fetches waiting for the device (`blob-forwarding`, DeviceLink+Blobs).
    var blobWaiters: [Int: CheckedContinuation<BlobAnswer, Never>] = [:]
    var earlyBlobAnswers: [Int: BlobAnswer] = [:]
    /// The `firehose-proxy` stream, opened with the first event (DeviceLink+Firehose).
    var firehoseStream: Tunnel.Stream?
    private let start = ContinuousClock.now
    private let logger: Logger
    private(set) var did: String?
    private(set) var granted: FeatureSet = [:]

    init(connection: Connection, enrollment: Enrollment, policy: RelayPolicy, logger: Logger) {
        self.connection = connection
        self.enrollment = enrollment
        self.logger = logger
        session = RelaySession(policy: policy, endpointID: connection.remoteEndpointId.bytes, now: 0)
        (outgoingStream, outgoing) = AsyncStream<[UInt8]>.makeStream()
    }

    nonisolated var endpointHex: String { connection.remoteEndpointId.hex }

    func now() -> Int {
        let d = ContinuousClock.now - start
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Serves the connection until it ends.
    func run() async {
        do {
            let control = try await connection.acceptBidirectionalStream()
            let sender = Task { [outgoingStream] in
                for await bytes in outgoingStream { try? await control.write(bytes) }
            }
            let ticker = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    await self?.tick()
                }
            }
            let bodies = Task { [weak self, connection] in
                while let stream = try? await connection.acceptUnidirectionalStream() {
                    Task { await self?.receiveBodyStream(stream) }
                }
            }
            defer { ticker.cancel(); sender.cancel(); bodies.cancel() }
            while let bytes = try await control.read() {
                await perform(session.receive(bytes, now: now()))
                if case .closed = session.state { break }
            }
            await perform(session.streamEnded())
        } catch {
            await perform(session.close(.internalError, reason: "connection lost: \(error)"))
        }
        outgoing.finish()
        failAllWaiters()
        if let did { await enrollment?.detach(did: did, link: self) }
    }

    private func tick() async {
        await perform(session.tick(now: now()))
    }

    private func failAllWaiters() {
        for (_, w) in writeWaiters { w.resume(returning: .failed(retryAfterSeconds: DeviceRelayProtocol.offlineRetryAfterSeconds, error: "DeviceOffline")) }
        writeWaiters = [:]
        for (_, w) in snapshotWaiters { w.resume(returning: nil) }
        snapshotWaiters = [:]
        for (_, w) in blobWaiters { w.resume(returning: .lost) }
        blobWaiters = [:]
    }

    func perform(_ actions: [RelaySession.Action]) async {
        var pending = actions
        while !pending.isEmpty {
            let action = pending.removeFirst()
            switch action {
            case .send(let bytes): outgoing.yield(bytes)
            case .authenticate(let auth):
                guard let enrollment else { pending += session.reject(Reject(code: .internal, message: "relay stopping")); continue }
                switch await enrollment.authenticate(auth, endpointHex: endpointHex) {
                case .accept(let head): pending += session.accept(head: head, now: now())
                case .reject(let reject): pending += session.reject(reject)
                }
            case .established(let did, let welcome):
                self.did = did
                granted = session.granted
                await enrollment?.attach(did: did, link: self, paired: welcome.paired)
            case .commitReceived(let push):
                guard let enrollment else { continue }
                // Pipelined pushes that arrived together are ingested together (one store, one fsync).
                var batch = [push]
                while case .commitReceived(let next)? = pending.first {
                    batch.append(next)
                    pending.removeFirst()
                }
                for outcome in await enrollment.ingest(batch) {
                    switch outcome {
                    case .ack(let ack): pending += (try? session.acknowledge(ack)) ?? []
                    case .reject(let reject): pending += (try? session.rejectCommit(reject)) ?? []
                    }
                }
            case .writeCompleted(let result):
                writeWaiters.removeValue(forKey: result.id)?.resume(returning: .result(result))
            case .writeFailed(let id, let retry, let error):
                writeWaiters.removeValue(forKey: id)?.resume(returning: .failed(retryAfterSeconds: retry, error: error))
            case .snapshotResult(let result):
                if let waiter = snapshotWaiters.removeValue(forKey: result.id) { waiter.resume(returning: result) }
                else { earlySnapshotResults[result.id] = result }
            case .close(let code, let reason):
                logger.info("device session closed", metadata: ["did": "\(did ?? "-")", "code": "\(code.name)", "reason": "\(reason)"])
                outgoing.finish()
                // Let queued frames (a reject) leave before the close.
                try? await Task.sleep(for: .milliseconds(50))
                connection.close(code: code.rawValue, reason: reason)
            case .blobResult(let result):
                deliverBlob(.result(result), id: result.id)
            case .deviceStatus, .ignored:
                break
            }
        }
    }

    /// Queues the leading `send`s at once (no task hop on the request path); anything else, which
    /// may suspend, goes through `perform` in a task.
    private func sendNow(_ actions: [RelaySession.Action]) {
        let (sends, rest) = actions.splitLeadingSends()
        for bytes in sends { outgoing.yield(bytes) }
        if !rest.isEmpty { Task { await self.perform(Array(rest)) } }
    }

    func availability() -> RelaySession.Availability { session.availability(now: now()) }

    /// Forwards writes and waits for the device's answer; bounded by `writeTimeoutMs` through `tick`.
    func forward(_ writes: [ProxiedWrite], swapCommit: CID?) async -> WriteOutcome {
        switch session.forward(writes: writes, swapCommit: swapCommit, now: now()) {
        case .unavailable(let retry, let error): return .failed(retryAfterSeconds: retry, error: error)
        case .sent(let id, let actions):
            return await withCheckedContinuation { cont in
                writeWaiters[id] = cont
                sendNow(actions)
            }
        }
    }

    /// Promotion (spec 7.6): blob streams, then the snapshot stream; waits for the device's `snapshotResult`.
    func sendPromotion(did: String, car: [UInt8], rev: String, commit: CID,
                       blobs: [(info: BlobInfo, bytes: [UInt8])]) async throws -> SnapshotResult? {
        let id = session.takeRequestID()
        for blob in blobs {
            let stream = try await connection.openUnidirectionalStream()
            let cid = try CID(string: blob.info.cid)
            try await stream.write(Frame.encode(.blobHeader(BlobHeader(id: id, did: did, size: blob.bytes.count,
                                                                        mimeType: blob.info.mimeType, cid: cid))) + blob.bytes)
            try await stream.finish()
        }
        let stream = try await connection.openUnidirectionalStream()
        try await stream.write(Frame.encode(.snapshotHeader(SnapshotHeader(id: id, did: did, rev: rev, commit: commit,
                                                                            size: car.count, blobs: blobs.count))) + car)
        try await stream.finish()
        if let early = earlySnapshotResults.removeValue(forKey: id) { return early }
        if case .closed = session.state { return nil }
        return await withCheckedContinuation { cont in snapshotWaiters[id] = cont }
    }

    func send(_ message: DeviceRelayMessage) async {
        await perform((try? session.send(message, now: now())) ?? [])
    }

    func close(_ code: CloseCode, reason: String) async {
        await perform(session.close(code, reason: reason))
    }
}
