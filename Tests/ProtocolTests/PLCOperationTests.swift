import Foundation
import Testing
@testable import Protocol

@Suite struct PLCOperationTests {
    @Test func signedOpRoundTripsThroughJSONAndCBOR() throws {
        let rotation = PLCTestKeys.k256(1)
        let genesis = try PLCTestKeys.genesis(signer: rotation, rotation: [PLCTestKeys.p256(2), rotation])
        let fromJSON = try PLCSignedOperation(json: genesis.json)
        #expect(fromJSON == genesis)
        let fromCBOR = try PLCSignedOperation(dataValue: DAGCBOR.decode(genesis.dagCBOR))
        #expect(fromCBOR == genesis)
        #expect(fromJSON.cid == genesis.cid)
        #expect(genesis.did.hasPrefix("did:plc:") && genesis.did.count == 32)
        #expect(try genesis.signatureBytes().count == 64)
        #expect(!genesis.sig.contains("=") && !genesis.sig.contains("+") && !genesis.sig.contains("/"))
    }

    @Test func jsonHasTheSpecFieldsAndNullPrev() throws {
        let key = PLCTestKeys.k256(1)
        let genesis = try PLCTestKeys.genesis(signer: key, rotation: [key])
        let value = try DataModelJSON.decode(genesis.json)
        #expect(value["type"] == .string("plc_operation"))
        #expect(value["prev"] == .null)
        #expect(value["alsoKnownAs"] == .array([.string("at://alice.test")]))
        #expect(value["services"]?["atproto_pds"]?["type"] == .string("AtprotoPersonalDataServer"))
        #expect(value["verificationMethods"]?["atproto"] == .string(PLCTestKeys.k256(9).publicKey.didKey))
    }

    @Test func tombstoneAndLegacyCreateRoundTrip() throws {
        let key = PLCTestKeys.k256(3)
        let genesis = try PLCTestKeys.genesis(signer: key, rotation: [key])
        let tomb = try PLCUnsignedOp.tombstone(PLCTombstone(prev: genesis.cid)).signed(by: key)
        #expect(try PLCSignedOperation(json: tomb.json) == tomb)
        #expect(tomb.op.state == nil)
        let legacy = try PLCUnsignedOp.legacyCreate(PLCLegacyCreate(
            signingKey: key.publicKey.didKey, recoveryKey: PLCTestKeys.k256(4).publicKey.didKey,
            handle: "bob.test", service: "pds.example.com")).signed(by: key)
        let back = try PLCSignedOperation(json: legacy.json)
        #expect(back == legacy)
        let normalized = try #require(back.op.state)
        #expect(normalized.rotationKeys == [PLCTestKeys.k256(4).publicKey.didKey, key.publicKey.didKey])
        #expect(normalized.pdsEndpoint == "https://pds.example.com")
        #expect(normalized.handle == "bob.test")
    }

    @Test func malformedOpsAreRefusedWithTypedErrors() {
        let cases: [String] = [
            #"{"type":"plc_operation","sig":"x"}"#,
            #"{"type":"nope","prev":null,"sig":"x"}"#,
            #"{"type":"plc_tombstone","prev":null,"sig":"x"}"#,
            #"{"type":"plc_tombstone","prev":"bafy","sig":"x"}"#,
            #"{"type":"plc_tombstone","prev":"bafyreihqa4o4gsyai22ydms6j4cua6yr6tuc7trq2temvnycadk2daniru","sig":"x","extra":1}"#,
            #"{"type":"plc_operation","rotationKeys":[1],"verificationMethods":{},"alsoKnownAs":[],"services":{},"prev":null,"sig":"x"}"#,
            #"[1,2]"#, #"{"#,
        ]
        for json in cases {
            #expect(throws: PLCError.self, "\(json)") { try PLCSignedOperation(json: json) }
        }
    }

    @Test func updateKeepsStateAndSwapsTheHandle() throws {
        let key = PLCTestKeys.k256(1)
        let genesis = try PLCTestKeys.genesis(signer: key, rotation: [key])
        let state = try #require(genesis.op.state)
        let next = state.updated(prev: genesis.cid, handle: "carol.test")
        #expect(next.prev == genesis.cid)
        #expect(next.alsoKnownAs == ["at://carol.test"])
        #expect(next.rotationKeys == state.rotationKeys)
        #expect(next.services == state.services)
    }

    @Test func didDocumentFromLatestOp() throws {
        let key = PLCTestKeys.k256(1)
        let genesis = try PLCTestKeys.genesis(signer: key, rotation: [key])
        let doc = DIDDocument(did: genesis.did, state: try #require(genesis.op.state))
        #expect(doc.id == genesis.did)
        #expect(doc.handle == "alice.test")
        #expect(doc.pdsEndpoint == "https://pds.example.com")
        #expect(doc.atprotoKey?.didKey == PLCTestKeys.k256(9).publicKey.didKey)
        #expect(doc.verificationMethods.first?.id == genesis.did + "#atproto")
        #expect(doc.services.first?.id == "#atproto_pds")
        #expect(doc.context == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1",
                                "https://w3id.org/security/suites/secp256k1-2019/v1"])
        let parsed = try DIDDocument(json: Array(doc.json.utf8))
        #expect(parsed == doc)
    }
}
