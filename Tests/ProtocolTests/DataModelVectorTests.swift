import Foundation
import Testing
import TestSupport
@testable import Protocol

/// The official data-model vectors: every entry of the three files is checked.
@Suite struct DataModelVectorTests {
    static func vectors(_ name: String) throws -> [[String: [UInt8]]] {
        try RawJSONVectors.objects(Array(try InteropCorpus.data("data-model/\(name)")))
    }

    static func string(_ raw: [UInt8]?) throws -> String {
        let bytes = try #require(raw)
        let value = try DataModelJSON.decode(bytes)
        return try #require(value.stringValue)
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func fixturesEncodeAndHashExactly() throws {
        let vectors = try Self.vectors("data-model-fixtures.json")
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let value = try DataModelJSON.decode(try #require(vector["json"]))
            let expectedCBOR = try Base64.decode(try Self.string(vector["cbor_base64"]))
            let expectedCID = try Self.string(vector["cid"])

            // JSON -> CBOR bytes exactly -> CID exactly.
            let cbor = DAGCBOR.encode(value)
            #expect(cbor == expectedCBOR)
            #expect(DAGCBOR.cid(of: value).string == expectedCID)
            #expect(CID.compute(.dagCBOR, expectedCBOR).string == expectedCID)

            // CBOR -> the same value -> JSON that reads back to it; and it passes the model rules.
            let decoded = try DAGCBOR.decode(expectedCBOR)
            #expect(decoded == value)
            #expect(try DataModelJSON.decode(DataModelJSON.encode(decoded)) == value)
            try DataModelValidation.validate(decoded)
        }
        print("data-model/data-model-fixtures.json: \(vectors.count) vectors checked")
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func validDocumentsAreAccepted() throws {
        let vectors = try Self.vectors("data-model-valid.json")
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let note = (try? Self.string(vector["note"])) ?? "?"
            let value = try DataModelJSON.decode(try #require(vector["json"]))
            try DataModelValidation.validate(value)
            #expect(try DAGCBOR.decode(DAGCBOR.encode(value)) == value, "\(note)")
        }
        print("data-model/data-model-valid.json: \(vectors.count) vectors checked")
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func invalidDocumentsAreRejected() throws {
        let vectors = try Self.vectors("data-model-invalid.json")
        #expect(!vectors.isEmpty)
        for vector in vectors {
            let note = (try? Self.string(vector["note"])) ?? "?"
            let json = try #require(vector["json"])
            var rejected = false
            do {
                try DataModelValidation.validate(try DataModelJSON.decode(json))
            } catch is DataModelJSONError {
                rejected = true
            } catch is DataModelViolation {
                rejected = true
            }
            #expect(rejected, "accepted invalid vector: \(note)")
        }
        print("data-model/data-model-invalid.json: \(vectors.count) vectors checked")
    }
}
