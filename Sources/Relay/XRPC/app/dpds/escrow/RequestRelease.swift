extension XRPCMethods {
    /// Starts the waiting period (`PDS_ESCROW_RELEASE_DELAY`) after which `getShare` hands the share
    /// to the account. A release already pending is returned as is, not restarted.
    static let escrowRequestRelease = XRPCMethod("app.dpds.escrow.requestRelease", .procedure) { request, env in
        struct Output: Encodable, Sendable { let requestedAt: String; let availableAt: String }
        let did = try await EscrowGate.authenticate(request, env, action: .requestRelease)
        guard try await env.escrow.info(did: did) != nil else {
            try await EscrowGate.record(request, env, did: did, action: .requestRelease, outcome: "refused", detail: "no share in escrow")
            throw XRPCError.invalidRequest("no share is held in escrow for this account", name: "NoShare")
        }
        if let pending = try await env.escrow.pendingRelease(did: did) {
            return .json(Output(requestedAt: EscrowGate.isoDate(pending.requestedAt), availableAt: EscrowGate.isoDate(pending.availableAt)))
        }
        let release = try await env.escrow.startRelease(did: did, now: AuthVerifier.now(), delay: env.config.escrowReleaseDelay)
        let available = EscrowGate.isoDate(release.availableAt)
        try await EscrowGate.record(request, env, did: did, action: .requestRelease, outcome: "pending", detail: "available at \(available)")
        try await EscrowGate.record(request, env, did: did, action: .deviceNotice, outcome: "pending",
                                    detail: "tell the account's devices: escrow release requested, available at \(available)")
        return .json(Output(requestedAt: EscrowGate.isoDate(release.requestedAt), availableAt: available))
    }
}
