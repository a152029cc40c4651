/// The device's timers: handshake, ping and commit-ack timeouts (spec section 10).
extension DeviceSession {
    /// Timers: handshake, ping, commit-ack timeouts (section 10).
    public mutating func tick(now: Int) -> [Action] {
        switch state {
        case .awaitingWelcome:
            if now - helloSentAt >= configuration.welcomeTimeoutMs {
                return close(.timeout, reason: "no welcome within \(configuration.welcomeTimeoutMs) ms")
            }
            return []
        case .established:
            if let oldest = pushes.values.map(\.sentAt).min(), now - oldest >= limits.commitAckTimeoutMs {
                return close(.timeout, reason: "no commitAck within \(limits.commitAckTimeoutMs) ms")
            }
            guard var health else { return [] }
            let due = health.due(now: now, status: status)
            self.health = health
            switch due {
            case .nothing: return []
            case .timedOut: return close(.timeout, reason: "no pong within \(limits.pingTimeoutMs) ms")
            case .ping(let ping): return [sendAction(.ping(ping), now: now)]
            }
        case .idle, .closed:
            return []
        }
    }

    /// When `tick` next needs calling, if ever.
    public var nextDeadline: Int? {
        switch state {
        case .awaitingWelcome: return helloSentAt + configuration.welcomeTimeoutMs
        case .established:
            let ack = pushes.values.map(\.sentAt).min().map { $0 + limits.commitAckTimeoutMs }
            return [ack, health?.nextDeadline()].compactMap { $0 }.min()
        default: return nil
        }
    }
}
