import Foundation
import Keys
import Protocol

/// The recovery ceremony: two shares give the root rotation key back (in memory only); it signs a
/// PLC operation (prev = CID of the latest op; the key is in that op's rotationKeys) installing a
/// new signing key and, if asked, a new PDS endpoint; a new root key takes the old one's place and
/// is split into fresh shares; the old escrow share is revoked.
///
/// Moving to another relay (`newRelay`) without the old relay's help, as the reference PDS's
/// migration does it: (1) an op pointing the DID at the new relay with a transient signing key the
/// wallet holds, (2) a service-auth token signed with it so the new relay accepts `createAccount`
/// with the existing DID, (3) the repo imported from the CAR the device holds, (4) an op installing
/// the new relay's recommended signing key and rotation key, (5) activation.
public struct WalletRecover: Sendable {
    public var sources: ShareCollection
    public var plc: URL
    public var newRelay: URL?
    /// A did:key to install as the atproto signing key when staying on the same relay.
    public var signingKey: String?
    /// Rotation keys after the new root key; nil keeps the previous ones (minus the old root).
    public var otherRotationKeys: [String]?
    public var repoCAR: Data?
    public var password: SecretBytes?
    public var shareThree: WalletCreate.ShareThreeOutput

    public init(sources: ShareCollection, plc: URL, newRelay: URL? = nil, signingKey: String? = nil,
                otherRotationKeys: [String]? = nil, repoCAR: Data? = nil, password: SecretBytes? = nil,
                shareThree: WalletCreate.ShareThreeOutput = .paper(path: nil)) {
        self.sources = sources
        self.plc = plc
        self.newRelay = newRelay
        self.signingKey = signingKey
        self.otherRotationKeys = otherRotationKeys
        self.repoCAR = repoCAR
        self.password = password
        self.shareThree = shareThree
    }

    public struct Result: Sendable {
        public let newRotationKey: String
        public let operations: Int
        public let oldEscrowRevoked: Bool
        public let paperWords: SecretBytes?
    }

    public func run(_ session: inout WalletSession) async throws(WalletError) -> Result {
        let oldRoot = try WalletShares.join(try await sources.collect(session, password: password), expected: session.state.rotationKey)
        let directory = WalletPLC(base: plc)
        let did = session.state.did
        let newRoot = K256SigningKey()
        let oldRelay = try session.url(session.state.relay)
        var accountPassword = password
        if accountPassword == nil { accountPassword = try session.vault.get(WalletVault.passwordName) }
        guard let accountPassword else { throw .usage("no account password stored in the wallet; pass --password-file") }
        let passwordText = String(decoding: accountPassword.bytes, as: UTF8.self)

        var (last, lastCID) = try await directory.last(did: did)
        var rotation = [newRoot.publicKey.didKey] + (otherRotationKeys ?? last.rotationKeys.filter { $0 != oldRoot.publicKey.didKey })
        var operations = 0
        let escrowClient: WalletXRPC
        if let newRelay {
            // (1) Point the DID at a transient key the wallet holds, so it can prove control to the new relay.
            let transient = K256SigningKey()
            let oldSigningKey = last.atprotoSigningKey
            var next = last.updated(prev: lastCID, signingKey: transient.publicKey.didKey, pds: newRelay.absoluteString,
                                    rotationKeys: rotation)
            lastCID = try await directory.submit(did: did, next, signedBy: oldRoot)
            last = next
            operations += 1
            // (2) createAccount with the existing DID, authorized by a service-auth token from that key.
            let described = try await WalletXRPC(base: newRelay).query("com.atproto.server.describeServer")
            guard let serviceDID = described["did"] as? String else { throw .badResponse("describeServer without did") }
            let token = try WalletServiceAuth.token(iss: did, aud: serviceDID, lxm: "com.atproto.server.createAccount", key: transient)
            let input: [String: Any] = ["did": did, "handle": session.state.handle, "password": passwordText]
            let created = try await WalletXRPC(base: newRelay, accessToken: token).procedure("com.atproto.server.createAccount", input)
            guard let access = created["accessJwt"] as? String else { throw .badResponse("createAccount without accessJwt") }
            let client = WalletXRPC(base: newRelay, accessToken: access)
            // (3) The CAR was signed by the old relay's key: the DID names that key again while the
            // new relay checks and re-commits the repo.
            if let repoCAR {
                if let oldSigningKey {
                    next = last.updated(prev: lastCID, signingKey: oldSigningKey, rotationKeys: rotation)
                    lastCID = try await directory.submit(did: did, next, signedBy: newRoot)
                    last = next
                    operations += 1
                }
                _ = try await client.raw("com.atproto.repo.importRepo", post: repoCAR, isProcedure: true,
                                         contentType: "application/vnd.ipld.car")
            }
            // (4) The new relay's own signing and rotation keys, under the new root key.
            let recommended = try await client.query("com.atproto.identity.getRecommendedDidCredentials")
            let relayKeys = recommended["rotationKeys"] as? [String] ?? []
            guard let methods = recommended["verificationMethods"] as? [String: Any], let relayKey = methods["atproto"] as? String else {
                throw .badResponse("getRecommendedDidCredentials without an atproto key")
            }
            rotation = [newRoot.publicKey.didKey] + (otherRotationKeys ?? relayKeys)
            next = last.updated(prev: lastCID, signingKey: relayKey, pds: newRelay.absoluteString, rotationKeys: rotation)
            lastCID = try await directory.submit(did: did, next, signedBy: newRoot)
            operations += 1
            // (5) Live.
            _ = try await client.procedure("com.atproto.server.activateAccount")
            escrowClient = client
        } else {
            // Staying: by default the DID is reset to what the relay recommends (its current signing
            // key and rotation key), under the new root key.
            let client = try await WalletXRPC(base: oldRelay).login(identifier: did, password: passwordText).0
            var key = signingKey
            if key == nil || otherRotationKeys == nil {
                let recommended = try await client.query("com.atproto.identity.getRecommendedDidCredentials")
                let methods = recommended["verificationMethods"] as? [String: Any]
                key = key ?? methods?["atproto"] as? String
                rotation = [newRoot.publicKey.didKey] + (otherRotationKeys ?? recommended["rotationKeys"] as? [String] ?? [])
            }
            let next = last.updated(prev: lastCID, signingKey: key, rotationKeys: rotation)
            lastCID = try await directory.submit(did: did, next, signedBy: oldRoot)
            operations += 1
            escrowClient = client
        }

        // Revoke the old escrow share where it was; a relay that refuses is the case we planned for.
        var revoked = false
        if newRelay != nil {
            if let old = try? await WalletXRPC(base: oldRelay).login(identifier: did, password: passwordText).0,
               (try? await old.procedure("app.dpds.escrow.deleteShare")) != nil {
                revoked = true
            }
        }
        let output = try await WalletResplit.install(newRoot, session: &session, escrow: escrowClient, shareThree: shareThree)
        if newRelay == nil { revoked = true }  // putShare replaced the old share in place
        session.state.plc = plc.absoluteString
        try session.save()
        return Result(newRotationKey: newRoot.publicKey.didKey, operations: operations, oldEscrowRevoked: revoked,
                      paperWords: output.paperWords)
    }
}
