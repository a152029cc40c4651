import Foundation
import Keys

/// Authentication and audit for every escrow call: an accepted call and a refused one both land
/// in the account's log. A refused token is attributed to the account it *claims* (its unverified
/// `sub`) so the holder sees attempts against their share; the claim is marked as such.
enum EscrowGate {
    static func origin(_ request: XRPCRequest) -> String {
        let forwarded = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").first
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let address = forwarded ?? request.headers[.init("X-Real-IP")!] ?? "direct"
        let agent = request.headers[.userAgent] ?? "-"
        return "\(address) (\(agent.prefix(80)))"
    }

    static func authenticate(_ request: XRPCRequest, _ env: RelayEnvironment, action: EscrowAction) async throws -> String {
        do {
            return try env.auth.access(request).did
        } catch {
            if let claimed = claimedSubject(request), try await env.accounts.account(did: claimed) != nil {
                try await env.escrow.append(did: claimed, action: action, actor: "claimed:\(claimed)", origin: origin(request),
                                            outcome: "refused", detail: "authentication failed: \(error.name)",
                                            at: Timestamp.now())
            }
            throw error
        }
    }

    static func record(_ request: XRPCRequest, _ env: RelayEnvironment, did: String, action: EscrowAction,
                       outcome: String, detail: String? = nil) async throws {
        try await env.escrow.append(did: did, action: action, actor: did, origin: origin(request), outcome: outcome,
                                    detail: detail, at: Timestamp.now())
    }

    /// The `sub` of a bearer JWT, read without verifying it: used only to file the refusal.
    private static func claimedSubject(_ request: XRPCRequest) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let parts = header.dropFirst(7).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
              let sub = object["sub"] as? String, sub.hasPrefix("did:"), sub.utf8.count <= 2048 else { return nil }
        return sub
    }

    static func isoDate(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
