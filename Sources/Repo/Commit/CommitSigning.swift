import Protocol

extension UnsignedCommit {
    /// Signs with a K-256 or P-256 key (sha256 inside, compact low-S signature).
    public func signed(with key: any SigningKey) throws -> SignedCommit {
        try signed { try key.sign($0) }
    }
}

extension SignedCommit {
    /// Checks the signature against the account's public key (from its DID document or a did:key).
    public func verify(with key: any PublicKey) -> Bool {
        verify { key.verify(signature: $0, for: $1) }
    }
}

extension RepoVerifier {
    /// Verifies a CAR against a `did:key:` string.
    public static func verify(car: [UInt8], didKey: String) throws -> RepoSummary {
        let key = try DIDKey.parse(didKey)
        return try verify(car: car, signature: { key.verify(signature: $0, for: $1) })
    }
}
