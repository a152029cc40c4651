import Foundation
import Protocol
import Testing
import TestSupport
@testable import Relay

/// `validate: true` against the generated table of app.bsky record lexicons
/// (scripts/lexgen/lexgen.py over the official lexicons).
@Suite struct RelayLexiconValidationTests {
    let rkey = "3l2c3hxyz2k2a"

    @Test func postsAndLikesAreCheckedAgainstTheirLexicons() throws {
        let post = RelayWriteRulesTests.post("hello")
        #expect(try LexiconRecordSchema.validate(collection: "app.bsky.feed.post", rkey: rkey, record: post))
        var noText = post.mapValue!
        noText["text"] = nil
        #expect(throws: XRPCError.invalidRequest("Invalid app.bsky.feed.post record: Record must have the property \"text\"")) {
            try LexiconRecordSchema.validate(collection: "app.bsky.feed.post", rkey: rkey, record: .map(noText))
        }
        var long = post.mapValue!
        long["text"] = .string(String(repeating: "a", count: 301))
        #expect(throws: XRPCError.self) { try LexiconRecordSchema.validate(collection: "app.bsky.feed.post", rkey: rkey, record: .map(long)) }
        var badDate = post.mapValue!
        badDate["createdAt"] = .string("yesterday")
        #expect(throws: XRPCError.self) { try LexiconRecordSchema.validate(collection: "app.bsky.feed.post", rkey: rkey, record: .map(badDate)) }
        #expect(throws: XRPCError.self) { try LexiconRecordSchema.validate(collection: "app.bsky.feed.post", rkey: "not a tid", record: post) }
        let profile: DataValue = .map(["$type": .string("app.bsky.actor.profile"), "displayName": .string("Alice")])
        #expect(try LexiconRecordSchema.validate(collection: "app.bsky.actor.profile", rkey: "self", record: profile))
        #expect(throws: XRPCError.self) { try LexiconRecordSchema.validate(collection: "app.bsky.actor.profile", rkey: rkey, record: profile) }
        #expect(try !LexiconRecordSchema.validate(collection: "com.example.thing", rkey: rkey, record: post))
        #expect(try RepoXRPC.validationStatus(nil, collection: "app.bsky.feed.post", rkey: "x", record: .map(noText)) == "unknown")
        #expect(throws: XRPCError.self) { try RepoXRPC.validationStatus(.bool(true), collection: "com.example.thing", rkey: rkey, record: post) }
    }

    /// Every record lexicon in the official set is in the generated table (regenerate when they change).
    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func tableCoversEveryOfficialRecordLexicon() throws {
        let root = InteropCorpus.lexiconDirectory.appendingPathComponent("app/bsky")
        var records: [String] = []
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "json", let data = FileManager.default.contents(atPath: url.path),
                  let doc = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let defs = doc["defs"] as? [String: Any], let main = defs["main"] as? [String: Any],
                  main["type"] as? String == "record", let id = doc["id"] as? String else { continue }
            records.append(id)
        }
        print("lexicons: \(records.count) app.bsky record lexicons checked against the generated table")
        #expect(!records.isEmpty)
        #expect(Set(records) == Set(LexiconRecordSchema.all.keys))
    }
}
