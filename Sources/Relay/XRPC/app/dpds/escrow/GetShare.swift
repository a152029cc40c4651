extension XRPCMethods {
    /// Hands the escrowed share to the account, once, after its release window has passed.
    /// A procedure (POST) so the share never sits in a URL or a cache.
    static let escrowGetShare = XRPCMethod("app.dpds.escrow.getShare", .procedure) { request, env in
        struct Output: Encodable, Sendable { let share: String; let shareId: String }
        let did = try await EscrowGate.authenticate(request, env, action: .getShare)
        guard let pending = try await env.escrow.pendingRelease(did: did) else {
            try await EscrowGate.record(request, env, did: did, action: .getShare, outcome: "refused", detail: "no release requested")
            throw XRPCError(.forbidden, "NoPendingRelease", "request a release first (app.dpds.escrow.requestRelease)")
        }
        let now = AuthVerifier.now()
        guard now >= pending.availableAt else {
            let available = EscrowGate.isoDate(pending.availableAt)
            try await EscrowGate.record(request, env, did: did, action: .getShare, outcome: "refused", detail: "waiting period until \(available)")
            throw XRPCError(.forbidden, "ReleasePending", "the share is released at \(available)")
        }
        guard let info = try await env.escrow.info(did: did), let share = try await env.escrow.share(did: did) else {
            throw XRPCError.invalidRequest("no share is held in escrow for this account", name: "NoShare")
        }
        try await env.escrow.finishRelease(id: pending.id, state: "released")
        try await EscrowGate.record(request, env, did: did, action: .getShare, outcome: "released", detail: "share \(info.shareID)")
        return .json(Output(share: String(decoding: share.bytes, as: UTF8.self), shareId: info.shareID))
    }
}
