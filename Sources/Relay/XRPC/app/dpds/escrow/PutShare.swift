import Keys

extension XRPCMethods {
    /// Stores (or replaces) the account's escrowed SLIP-0039 share. The relay checks it is a
    /// well-formed share and keeps it sealed; one share alone says nothing about the key.
    static let escrowPutShare = XRPCMethod("app.dpds.escrow.putShare", .procedure) { request, env in
        struct Input: Decodable { let share: String }
        struct Output: Encodable, Sendable { let shareId: String; let createdAt: String }
        let did = try await EscrowGate.authenticate(request, env, action: .putShare)
        let input: Input = try request.decodeInput()
        let parsed: SLIP39Share
        do {
            parsed = try SLIP39Share.parse(input.share)
        } catch {
            try await EscrowGate.record(request, env, did: did, action: .putShare, outcome: "refused", detail: "not a valid share")
            throw XRPCError.invalidRequest("share is not a valid SLIP-0039 share: \(error)", name: "InvalidShare")
        }
        let shareID = "\(parsed.identifier)-\(parsed.memberIndex + 1)"
        let now = Timestamp.now()
        let replaced = try await env.escrow.info(did: did) != nil
        try await env.escrow.put(did: did, shareID: shareID, share: SecretBytes(Array(input.share.utf8)), at: now)
        try await EscrowGate.record(request, env, did: did, action: .putShare, outcome: "stored",
                                    detail: replaced ? "replaced the previous share; share \(shareID)" : "share \(shareID)")
        return .json(Output(shareId: shareID, createdAt: now))
    }
}
