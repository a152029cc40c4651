import Protocol

/// Creates and updates the did:plc identities of accounts hosted here.
public protocol DIDRegistrar: Sendable {
    /// Signs and (when configured) publishes the genesis op; returns the new DID.
    func register(handle: String, signingKey: any PublicKey, recoveryKey: String?, serviceEndpoint: String) async throws -> String
    /// Signs and publishes a successor of the DID's latest op made by `change`.
    func update(did: String, change: @Sendable (PLCOperation) -> PLCOperation) async throws -> PLCSignedOperation
    /// Verifies an op someone else signed against the DID's log, publishes it and records it.
    func submit(did: String, _ op: PLCSignedOperation) async throws
    /// The relay's rotation key, as a did:key.
    var rotationKeyDID: String { get }
}
