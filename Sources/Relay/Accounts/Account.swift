import Foundation

/// One hosted account as account.sqlite keeps it.
public struct Account: Sendable, Equatable {
    public var did: String
    public var handle: String
    public var email: String?
    public var passwordScrypt: String
    public var createdAt: String
    public var deactivatedAt: String?

    public var isActive: Bool { deactivatedAt == nil }
    /// The `status` field sessions and #account events carry when not active.
    public var status: String? { isActive ? nil : "deactivated" }
}
