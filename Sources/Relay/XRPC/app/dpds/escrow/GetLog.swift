extension XRPCMethods {
    /// The account's escrow audit log, oldest first. Reading it is not itself logged.
    static let escrowGetLog = XRPCMethod("app.dpds.escrow.getLog", .query) { request, env in
        struct Output: Encodable, Sendable {
            let entries: [EscrowLogEntry]
            let share: Share?
            let pendingRelease: Pending?
        }
        struct Share: Encodable, Sendable { let shareId: String; let createdAt: String }
        struct Pending: Encodable, Sendable { let requestedAt: String; let availableAt: String }
        let did = try await EscrowGate.authenticate(request, env, action: .getLog)
        let limit = try request.intParam("limit", default: 1000, range: 1...10000)
        let info = try await env.escrow.info(did: did)
        let pending = try await env.escrow.pendingRelease(did: did)
        return .json(Output(entries: try await env.escrow.log(did: did, limit: limit),
                            share: info.map { Share(shareId: $0.shareID, createdAt: $0.createdAt) },
                            pendingRelease: pending.map { Pending(requestedAt: EscrowGate.isoDate($0.requestedAt),
                                                                  availableAt: EscrowGate.isoDate($0.availableAt)) }))
    }
}
