import Crypto
import Foundation
import Protocol

/// Gives a new account its DID. The real one builds and signs a did:plc genesis operation and
/// submits it to `PDS_DID_PLC_URL`; it needs the K-256 keys and DAG-CBOR that are landing now.
public protocol DIDRegistrar: Sendable {
    func register(handle: String, serviceEndpoint: String) async throws -> String
}

/// Interim registrar: a did:plc-shaped identifier (24 base32 chars of a sha256, as real ones are)
/// that is NOT published to any PLC directory. Only for local use until genesis ops are built.
public struct UnpublishedPLCRegistrar: DIDRegistrar {
    public init() {}

    public func register(handle: String, serviceEndpoint: String) async throws -> String {
        let digest = Array(SHA256.hash(data: randomBytes(32) + Array(handle.utf8)))
        return "did:plc:" + String(Base32.encode(digest).prefix(24))
    }
}
