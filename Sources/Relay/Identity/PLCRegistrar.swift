import Foundation
import Protocol

/// did:plc for accounts created here: a genesis signed with the relay's PLC rotation key naming
/// the account's signing key (`verificationMethods.atproto`), `at://handle`, and this server as
/// `atproto_pds`; rotation keys are the user's recovery key (first, as the reference PDS puts
/// it) then ours. Every op we sign or accept is kept in account.sqlite; with a directory
/// (`PDS_DID_PLC_URL` set) it is published first and a refusal fails the caller.
public struct PLCRegistrar: DIDRegistrar {
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unknownDID(String)
        case tombstoned(String)
        case notAuthorised(String)

        public var description: String {
            switch self {
            case .unknownDID(let did): return "no PLC operation log for \(did) on this server"
            case .tombstoned(let did): return "\(did) is tombstoned"
            case .notAuthorised(let did): return "this server's rotation key may no longer update \(did)"
            }
        }
    }

    let rotationKey: K256SigningKey
    let accounts: AccountStore
    let directory: PLCDirectoryClient?

    public init(rotationKey: K256SigningKey, accounts: AccountStore, directory: PLCDirectoryClient?) {
        self.rotationKey = rotationKey
        self.accounts = accounts
        self.directory = directory
    }

    public var rotationKeyDID: String { rotationKey.publicKey.didKey }

    public func register(handle: String, signingKey: any PublicKey, recoveryKey: String?,
                         serviceEndpoint: String) async throws -> String {
        let op = PLCOperation.atproto(signingKey: signingKey.didKey, handle: handle, pds: serviceEndpoint,
                                      rotationKeys: (recoveryKey.map { [$0] } ?? []) + [rotationKeyDID], prev: nil)
        let signed = try PLCUnsignedOp.operation(op).signed(by: rotationKey)
        let did = signed.did
        try await directory?.submit(did: did, signed)
        try await accounts.appendPLCOp(did: did, signed)
        return did
    }

    public func update(did: String, change: @Sendable (PLCOperation) -> PLCOperation) async throws -> PLCSignedOperation {
        let ops = try await accounts.plcOps(did: did)
        guard let last = ops.last else { throw Failure.unknownDID(did) }
        guard let state = last.op.state else { throw Failure.tombstoned(did) }
        guard state.rotationKeys.contains(rotationKeyDID) else { throw Failure.notAuthorised(did) }
        var next = change(state)
        next.prev = last.cid
        let signed = try PLCUnsignedOp.operation(next).signed(by: rotationKey)
        try await directory?.submit(did: did, signed)
        try await accounts.appendPLCOp(did: did, signed)
        return signed
    }

    public func submit(did: String, _ op: PLCSignedOperation) async throws {
        let ops = try await accounts.plcOps(did: did)
        if let last = ops.last {
            guard let state = last.op.state else { throw Failure.tombstoned(did) }
            _ = try PLCLog.verifyNext(op, after: state, prevCID: last.cid, index: ops.count)
        } else if directory == nil {
            throw Failure.unknownDID(did)
        }
        try await directory?.submit(did: did, op)
        if !ops.isEmpty { try await accounts.appendPLCOp(did: did, op) }
    }
}
