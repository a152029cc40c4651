import Foundation
import Testing
@testable import Protocol

@Suite struct PLCLogTests {
    let user = PLCTestKeys.k256(1)
    let server = PLCTestKeys.p256(2)

    func chain() throws -> [PLCSignedOperation] {
        let genesis = try PLCTestKeys.genesis(signer: server, rotation: [user, server])
        let update = try PLCUnsignedOp.operation(try #require(genesis.op.state).updated(prev: genesis.cid, handle: "new.test"))
            .signed(by: server)
        return [genesis, update]
    }

    @Test func acceptsAGoodChain() throws {
        let ops = try chain()
        let state = try PLCLog.verify(did: ops[0].did, ops: ops)
        #expect(state?.handle == "new.test")
    }

    @Test func genesisMustHashToTheDID() throws {
        let ops = try chain()
        #expect(throws: PLCError.genesisHashMismatch(expected: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", actual: ops[0].did)) {
            try PLCLog.verify(did: "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", ops: ops)
        }
        #expect(throws: PLCError.emptyLog) { try PLCLog.verify(did: ops[0].did, ops: []) }
    }

    @Test func refusesAForgedSignature() throws {
        var ops = try chain()
        let goodSig = ops[1].sig
        let forged = try PLCUnsignedOp.operation(try #require(ops[1].op.state).updated(prev: ops[0].cid, handle: "evil.test"))
            .signed(by: PLCTestKeys.k256(66))
        ops[1] = forged
        #expect(throws: PLCError.invalidSignature(index: 1)) { try PLCLog.verify(did: ops[0].did, ops: ops) }
        // A valid signature moved onto different content.
        let tampered = PLCSignedOperation(op: forged.op, sig: goodSig)
        #expect(throws: PLCError.invalidSignature(index: 1)) { try PLCLog.verify(did: ops[0].did, ops: [ops[0], tampered]) }
    }

    @Test func refusesAWrongPrev() throws {
        let ops = try chain()
        let third = try PLCUnsignedOp.operation(try #require(ops[1].op.state).updated(prev: ops[0].cid)).signed(by: user)
        #expect(throws: PLCError.misordered(index: 2)) { try PLCLog.verify(did: ops[0].did, ops: ops + [third]) }
    }

    @Test func onlyThePreviousOpsRotationKeysMaySign() throws {
        let ops = try chain()
        // The op hands rotation to a new key only; that key may sign the NEXT op, not this one.
        let newKey = PLCTestKeys.k256(7)
        let handOver = try PLCUnsignedOp.operation(try #require(ops[1].op.state)
            .updated(prev: ops[1].cid, rotationKeys: [newKey.publicKey.didKey])).signed(by: newKey)
        #expect(throws: PLCError.invalidSignature(index: 2)) { try PLCLog.verify(did: ops[0].did, ops: ops + [handOver]) }
        let proper = try PLCUnsignedOp.operation(handOver.op.state!).signed(by: user)
        let after = try PLCUnsignedOp.operation(handOver.op.state!.updated(prev: proper.cid, handle: "x.test")).signed(by: newKey)
        #expect(try PLCLog.verify(did: ops[0].did, ops: ops + [proper, after])?.handle == "x.test")
        let oldKeyAfter = try PLCUnsignedOp.operation(handOver.op.state!.updated(prev: proper.cid)).signed(by: server)
        #expect(throws: PLCError.invalidSignature(index: 3)) { try PLCLog.verify(did: ops[0].did, ops: ops + [proper, oldKeyAfter]) }
    }

    @Test func genesisMustBeSignedByItsOwnRotationKey() throws {
        let genesis = try PLCTestKeys.genesis(signer: PLCTestKeys.k256(5), rotation: [user])
        #expect(throws: PLCError.invalidSignature(index: 0)) { try PLCLog.verify(did: genesis.did, ops: [genesis]) }
    }

    @Test func nothingFollowsATombstone() throws {
        let ops = try chain()
        let tomb = try PLCUnsignedOp.tombstone(PLCTombstone(prev: ops[1].cid)).signed(by: user)
        #expect(try PLCLog.verify(did: ops[0].did, ops: ops + [tomb]) == nil)
        let after = try PLCUnsignedOp.operation(ops[1].op.state!.updated(prev: tomb.cid)).signed(by: user)
        #expect(throws: PLCError.afterTombstone(index: 3)) { try PLCLog.verify(did: ops[0].did, ops: ops + [tomb, after]) }
    }

    @Test func signatureSpellingIsStrict() throws {
        let ops = try chain()
        let sig = ops[0].sig
        for bad in [sig + "==", sig.prefix(40) + "\n" + sig.dropFirst(40), String(sig.dropLast()) + (sig.hasSuffix("B") ? "C" : "B"), "AAAA"] {
            let op = PLCSignedOperation(op: ops[0].op, sig: String(bad))
            #expect(throws: PLCError.self) { try PLCLog.verify(did: ops[0].did, ops: [op]) }
        }
    }
}
