/// The relay's requests to the device and its timers (spec sections 7, 10, 11).
extension RelaySession {
    /// Whether writes for the account can be forwarded now (section 11).
    public func availability(now: Int) -> Availability {
        guard state == .established, now - lastReceived < limits.offlineAfterMs, deviceStatus != .draining else {
            return .unavailable(retryAfterSeconds: DeviceRelayProtocol.offlineRetryAfterSeconds, error: "DeviceOffline")
        }
        if deviceStatus == .busy {
            return .unavailable(retryAfterSeconds: DeviceRelayProtocol.busyRetryAfterSeconds, error: "DeviceBusy")
        }
        return .online
    }

    public enum Forwarded: Hashable, Sendable {
        case sent(id: Int, [Action])
        case unavailable(retryAfterSeconds: Int, error: String)
    }

    /// Forward an XRPC write to the device, bounded by `writeTimeoutMs` (section 7.2).
    public mutating func forward(writes: [ProxiedWrite], swapCommit: CID? = nil, now: Int) -> Forwarded {
        if case .unavailable(let retry, let error) = availability(now: now) {
            return .unavailable(retryAfterSeconds: retry, error: error)
        }
        guard self.writes.count < limits.maxInFlight else {
            return .unavailable(retryAfterSeconds: DeviceRelayProtocol.busyRetryAfterSeconds, error: "DeviceBusy")
        }
        let id = takeRequestID()
        self.writes[id] = now + limits.writeTimeoutMs
        let request = WriteRequest(id: id, did: did!, writes: writes, swapCommit: swapCommit, ttlMs: limits.writeTimeoutMs)
        return .sent(id: id, [send(.writeRequest(request))])
    }

    /// Ask the device for a blob (`blob-forwarding`) or a snapshot (`repo-snapshot`).
    public mutating func fetchBlob(_ cid: CID) throws(SessionError) -> (id: Int, actions: [Action]) {
        guard state == .established, let did else { throw .notEstablished }
        let id = takeRequestID()
        return (id, [send(.blobFetch(BlobFetch(id: id, did: did, cid: cid)))])
    }

    public mutating func requestSnapshot(_ reason: SnapshotRequest.Reason) throws(SessionError) -> (id: Int, actions: [Action]) {
        guard state == .established, let did else { throw .notEstablished }
        let id = takeRequestID()
        return (id, [send(.snapshotRequest(SnapshotRequest(id: id, did: did, reason: reason)))])
    }

    /// Any other relay→device control message (a blob upload's id is taken with `takeRequestID`).
    public mutating func send(_ message: DeviceRelayMessage, now: Int) throws(SessionError) -> [Action] {
        guard state == .established else { throw .notEstablished }
        return [send(message)]
    }

    public mutating func takeRequestID() -> Int {
        defer { nextRequestID += 1 }
        return nextRequestID
    }

    /// Timers: hello timeout, forwarded-write timeouts, silence (section 10 and 11).
    public mutating func tick(now: Int) -> [Action] {
        switch state {
        case .awaitingHello:
            if now - openedAt >= DeviceRelayProtocol.helloTimeoutMs {
                return close(.timeout, reason: "no hello within \(DeviceRelayProtocol.helloTimeoutMs) ms")
            }
            return []
        case .established:
            var actions: [Action] = []
            for (id, deadline) in writes.sorted(by: { $0.key < $1.key }) where now >= deadline {
                writes[id] = nil
                actions.append(.writeFailed(id: id, retryAfterSeconds: DeviceRelayProtocol.busyRetryAfterSeconds,
                                            error: "DeviceTimeout"))
            }
            if now - lastReceived >= limits.offlineAfterMs {
                actions += close(.timeout, reason: "device silent for \(limits.offlineAfterMs) ms")
            }
            return actions
        case .authenticating, .closed:
            return []
        }
    }

    public var nextDeadline: Int? {
        switch state {
        case .awaitingHello: return openedAt + DeviceRelayProtocol.helloTimeoutMs
        case .established: return ([lastReceived + limits.offlineAfterMs] + Array(writes.values)).min()
        default: return nil
        }
    }
}
