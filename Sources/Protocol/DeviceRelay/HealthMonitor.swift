/// Ping bookkeeping shared by both sessions (spec section 11): ping after `pingIntervalMs` without
/// sending anything, time out a ping not answered within `pingTimeoutMs`. Times are the caller's
/// monotonic milliseconds.
struct HealthMonitor: Sendable {
    var intervalMs: Int
    var timeoutMs: Int
    private(set) var lastSent: Int
    private(set) var lastReceived: Int
    private(set) var outstanding: (nonce: Int, sentAt: Int)?
    private var nextNonce = 1

    init(limits: Limits, now: Int) {
        intervalMs = limits.pingIntervalMs
        timeoutMs = limits.pingTimeoutMs
        lastSent = now
        lastReceived = now
    }

    mutating func sent(now: Int) { lastSent = now }
    mutating func received(now: Int) { lastReceived = now }

    enum Due { case nothing, ping(Ping), timedOut }

    /// What is due at `now`; a returned ping is recorded as outstanding.
    mutating func due(now: Int, status: PeerStatus) -> Due {
        if let out = outstanding {
            return now - out.sentAt >= timeoutMs ? .timedOut : .nothing
        }
        guard now - lastSent >= intervalMs else { return .nothing }
        return .ping(makePing(now: now, status: status))
    }

    /// A ping sent now regardless of idleness (e.g. to announce a status change).
    mutating func makePing(now: Int, status: PeerStatus) -> Ping {
        let ping = Ping(nonce: nextNonce, time: now, status: status)
        nextNonce += 1
        outstanding = (ping.nonce, now)
        return ping
    }

    /// Round-trip time if `pong` answers the outstanding ping; late or unknown pongs are ignored.
    mutating func pong(_ pong: Pong, now: Int) -> Int? {
        guard let out = outstanding, out.nonce == pong.nonce else { return nil }
        outstanding = nil
        return now - pong.echo
    }

    /// The next time `due` could return something.
    func nextDeadline() -> Int {
        if let out = outstanding { return out.sentAt + timeoutMs }
        return lastSent + intervalMs
    }
}
