extension XRPCMethods {
    /// Cancels the pending release, e.g. from another device that did not ask for it.
    static let escrowCancelRelease = XRPCMethod("app.dpds.escrow.cancelRelease", .procedure) { request, env in
        let did = try await EscrowGate.authenticate(request, env, action: .cancelRelease)
        guard let pending = try await env.escrow.pendingRelease(did: did) else {
            try await EscrowGate.record(request, env, did: did, action: .cancelRelease, outcome: "refused", detail: "no pending release")
            throw XRPCError.invalidRequest("no release is pending", name: "NoPendingRelease")
        }
        try await env.escrow.finishRelease(id: pending.id, state: "cancelled")
        try await EscrowGate.record(request, env, did: did, action: .cancelRelease, outcome: "cancelled")
        return .empty
    }
}
