/// One line of an account's escrow audit log: who did what, when, from where, and how it ended.
public struct EscrowLogEntry: Sendable, Codable, Equatable {
    public let seq: Int64
    public let at: String
    public let action: String
    /// The DID the request authenticated as, or `unauthenticated`, or `claimed:<did>` for a token
    /// that named the account but failed verification.
    public let actor: String
    /// The client's address as far as the relay can tell (forwarding headers), and its user agent.
    public let origin: String
    public let outcome: String
    public let detail: String?
}

/// What happened, as written in the log's `action` column.
public enum EscrowAction: String, Sendable {
    case putShare, getShare, requestRelease, cancelRelease, deleteShare, getLog
    /// "Tell the account's other devices a release was requested": recorded here as pending; the
    /// push over the device tunnel is not built yet.
    case deviceNotice
}
