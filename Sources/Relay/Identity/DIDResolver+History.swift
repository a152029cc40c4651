import Protocol

extension DIDResolver {
    /// Every repo signing key the DID has had: the current document's, plus, for did:plc, the
    /// `atproto` key of each op in its verified chain. A repo CAR brought along when leaving a
    /// host that no longer cooperates is signed by such an earlier key.
    public func signingKeyHistory(_ did: String) async throws -> [any PublicKey] {
        var keys: [any PublicKey] = []
        if let current = try await resolve(did).atprotoKey { keys.append(current) }
        guard did.hasPrefix("did:plc:") else { return keys }
        let ops: [PLCSignedOperation]
        if let directory { ops = try await directory.log(did: did) } else { ops = try await accounts.plcOps(did: did) }
        try PLCLog.verify(did: did, ops: ops)
        for op in ops.reversed() {
            guard let didKey = op.op.state?.atprotoSigningKey, let key = try? DIDKey.parse(didKey),
                  !keys.contains(where: { $0.didKey == key.didKey }) else { continue }
            keys.append(key)
        }
        return keys
    }
}
