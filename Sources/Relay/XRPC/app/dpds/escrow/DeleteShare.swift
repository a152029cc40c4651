extension XRPCMethods {
    /// Revokes the escrowed share (after a recovery re-split, or when leaving this relay).
    static let escrowDeleteShare = XRPCMethod("app.dpds.escrow.deleteShare", .procedure) { request, env in
        let did = try await EscrowGate.authenticate(request, env, action: .deleteShare)
        let deleted = try await env.escrow.delete(did: did)
        try await EscrowGate.record(request, env, did: did, action: .deleteShare, outcome: deleted ? "deleted" : "nothing to delete")
        return .empty
    }
}
