import Foundation
import Testing
import TestSupport
@testable import Protocol

/// Our PLC ops against cbrrr's DAG-CBOR and the atproto SDK's signature check: same bytes, same
/// CID, same DID, signature accepted.
@Suite struct PLCPeerTests {
    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func cbrrrAndSDKAgreeOnOurOps() async throws {
        let user = PLCTestKeys.k256(1), server = PLCTestKeys.p256(2)
        let genesis = try PLCTestKeys.genesis(signer: server, rotation: [user, server])
        let update = try PLCUnsignedOp.operation(genesis.op.state!.updated(prev: genesis.cid, handle: "b.test")).signed(by: user)
        let tomb = try PLCUnsignedOp.tombstone(PLCTombstone(prev: update.cid)).signed(by: server)
        let ops = [genesis, update, tomb]
        let signers: [any SigningKey] = [user, server]
        let keys = DataValue.array(signers.map { DataValue.string($0.publicKey.didKey) })
        var lines: [String] = []
        for op in ops {
            let value: DataValue = .map(["op": op.dataValue, "keys": keys])
            lines.append(DataModelJSON.encodeString(value))
        }
        let input = lines.joined(separator: "\n")
        let out = String(decoding: try await Peers.run("plc_cbrrr.py", input: Data(input.utf8)), as: UTF8.self)
        let answers = out.split(separator: "\n")
        try #require(answers.count == ops.count)
        for (op, line) in zip(ops, answers) {
            let r = try DataModelJSON.decode(String(line))
            #expect(r["cbor"]?.stringValue == op.dagCBOR.map { String(format: "%02x", $0) }.joined())
            #expect(r["cid"]?.stringValue == op.cid.string)
            #expect(r["sig_ok"] == DataValue.bool(true))
        }
        #expect(try DataModelJSON.decode(String(answers[0]))["did"]?.stringValue == genesis.did)
        print("PLC peer: \(ops.count) ops cross-checked with cbrrr + atproto_crypto")
    }
}
