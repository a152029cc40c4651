import Foundation
import Protocol
import Testing
import TestSupport
@testable import Relay

/// `validate: true` all the way down: the interop corpus's lexicon vectors against our lexicon
/// parser and value checker, real-world post shapes against the official table, and each kind of
/// violation answering 400 InvalidRequest with a message naming the path.
@Suite struct RelayLexiconNestedTests {
    static let cid = "bafyreiclp443lavogvhj3d2ob2cxbfuscni2k5jk7bebjzg7khl3esabwq"
    static let rawCID = "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"
    static let did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
    static let uri = "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l3qo2vutsw2b"
    static let rkey = "3l3qo2vutsw2b"

    func json(_ text: String) throws -> DataValue { try DataModelJSON.decode(text) }

    func catalogFromCorpus() throws -> LexiconCatalog {
        var catalog = LexiconCatalog()
        for name in ["record", "query", "procedure", "subscription", "permission-set"] {
            try catalog.add(try DataModelJSON.decode(Array(try InteropCorpus.data("lexicon/catalog/\(name).json"))))
        }
        return catalog
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func interopRecordDataVectors() throws {
        let catalog = try catalogFromCorpus()
        for (file, valid) in [("lexicon/record-data-valid.json", true), ("lexicon/record-data-invalid.json", false)] {
            let vectors = try #require(try DataModelJSON.decode(Array(try InteropCorpus.data(file))).arrayValue)
            for vector in vectors {
                let name = vector["name"]?.stringValue ?? "?"
                let data = try #require(vector["data"])
                let collection = try #require(data["$type"]?.stringValue)
                let outcome = catalog.check(collection: collection, rkey: vector["rkey"]?.stringValue ?? "demo", record: data)
                guard case .some(let violation) = outcome else { Issue.record("\(name): no lexicon"); continue }
                if valid {
                    #expect(violation == nil, "\(name): \(violation.map(String.init(describing:)) ?? "")")
                } else {
                    #expect(violation != nil, "\(name) passed")
                }
            }
            print("\(file): \(vectors.count) vectors checked")
        }
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func interopLexiconVectors() throws {
        for (file, valid) in [("lexicon/lexicon-valid.json", true), ("lexicon/lexicon-invalid.json", false)] {
            let vectors = try #require(try DataModelJSON.decode(Array(try InteropCorpus.data(file))).arrayValue)
            for vector in vectors {
                let name = vector["name"]?.stringValue ?? "?"
                let parsed = Result { () throws(LexiconSchemaError) in try LexTypeParser.parseDocument(vector["lexicon"] ?? .null) }
                if valid {
                    #expect((try? parsed.get()) != nil, "\(name) rejected")
                } else {
                    #expect((try? parsed.get()) == nil, "\(name) accepted")
                }
            }
            print("\(file): \(vectors.count) vectors checked")
        }
    }

    static let blob = #"{"$type":"blob","ref":{"$link":"\#(rawCID)"},"mimeType":"image/jpeg","size":12345}"#
    static let strongRef = #"{"uri":"\#(uri)","cid":"\#(cid)"}"#

    /// Shapes the Bluesky app writes: facets, every embed kind, replies, langs, tags, labels.
    static let realPosts: [String] = [
        #"{"$type":"app.bsky.feed.post","text":"hi @alice.bsky.social see https://example.com #tag","createdAt":"2024-08-01T12:00:00.000Z","langs":["en","pt-BR"],"facets":[{"index":{"byteStart":3,"byteEnd":21},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"\#(did)"}]},{"index":{"byteStart":26,"byteEnd":45},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.com"}]},{"index":{"byteStart":46,"byteEnd":50},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"tag"}]}],"tags":["extra"]}"#,
        #"{"text":"two pictures","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.images","images":[{"alt":"a cat","image":\#(blob),"aspectRatio":{"width":800,"height":600}},{"alt":"","image":\#(blob)}]}}"#,
        #"{"text":"quote","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.record","record":\#(strongRef)}}"#,
        #"{"text":"quote with media","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.recordWithMedia","record":{"$type":"app.bsky.embed.record","record":\#(strongRef)},"media":{"$type":"app.bsky.embed.images","images":[{"alt":"x","image":\#(blob)}]}}}"#,
        #"{"text":"link card","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.external","external":{"uri":"https://example.com/a","title":"A","description":"about a","thumb":\#(blob)}}}"#,
        #"{"text":"a reply","createdAt":"2024-08-01T12:00:00Z","reply":{"root":\#(strongRef),"parent":\#(strongRef)},"labels":{"$type":"com.atproto.label.defs#selfLabels","values":[{"val":"nudity"}]}}"#,
        #"{"text":"unknown embed kinds pass open unions","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"com.example.embed","anything":1}}"#,
    ]

    @Test func realWorldPostsPass() throws {
        for post in Self.realPosts {
            #expect(try LexiconRecordSchema.validate(collection: "app.bsky.feed.post", rkey: Self.rkey, record: try json(post)), "\(post)")
        }
        let like = try json(#"{"subject":\#(Self.strongRef),"createdAt":"2024-08-01T12:00:00Z"}"#)
        #expect(try LexiconRecordSchema.validate(collection: "app.bsky.feed.like", rkey: Self.rkey, record: like))
        let profile = try json(#"{"displayName":"Alice","avatar":\#(Self.blob),"pinnedPost":\#(Self.strongRef)}"#)
        #expect(try LexiconRecordSchema.validate(collection: "app.bsky.actor.profile", rkey: "self", record: profile))
    }

    /// (record JSON, path the message must name)
    static let violations: [(String, String)] = [
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.images","images":[{"alt":5,"image":\#(blob)}]}}"#, "Record/embed/images/0/alt"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.images","images":[{"image":\#(blob)}]}}"#, "Record/embed/images/0"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.images","images":[{"alt":"","image":{"$type":"blob","ref":{"$link":"\#(rawCID)"},"mimeType":"text/plain","size":1}}]}}"#, "Record/embed/images/0/image"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.images","images":[{"alt":"","image":{"$type":"blob","ref":{"$link":"\#(rawCID)"},"mimeType":"image/png","size":99000000}}]}}"#, "Record/embed/images/0/image"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.images","images":[]}}"#.replacingOccurrences(of: "[]", with: "[" + Array(repeating: #"{"alt":"","image":\#(blob)}"#, count: 5).joined(separator: ",") + "]"), "Record/embed/images"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.record","record":{"uri":"not a uri","cid":"\#(cid)"}}}"#, "Record/embed/record/uri"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.record","record":{"uri":"\#(uri)","cid":"nope"}}}"#, "Record/embed/record/cid"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"images":[]}}"#, "Record/embed"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","reply":{"root":\#(strongRef)}}"#, "Record/reply"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","langs":["not a language!"]}"#, "Record/langs/0"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","langs":["en","fr","de","es"]}"#, "Record/langs"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","facets":[{"index":{"byteStart":-1,"byteEnd":2},"features":[]}]}"#, "Record/facets/0/index/byteStart"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","facets":[{"index":{"byteStart":0,"byteEnd":2},"features":[{"$type":"app.bsky.richtext.facet#mention","did":"alice"}]}]}"#, "Record/facets/0/features/0/did"),
        (#"{"text":"x","createdAt":"yesterday"}"#, "Record/createdAt"),
        (#"{"text":"\#(String(repeating: "é", count: 301))","createdAt":"2024-08-01T12:00:00Z"}"#, "Record/text"),
        (#"{"text":null,"createdAt":"2024-08-01T12:00:00Z"}"#, "Record/text"),
        (#"{"text":"x","createdAt":"2024-08-01T12:00:00Z","embed":{"$type":"app.bsky.embed.external","external":{"uri":"https://e.com","title":"t","description":"d","thumb":\#(blob.replacingOccurrences(of: "image/jpeg", with: "video/mp4"))}}}"#, "Record/embed/external/thumb"),
    ]

    @Test func eachViolationNamesItsPath() throws {
        for (record, path) in Self.violations {
            do {
                _ = try LexiconRecordSchema.validate(collection: "app.bsky.feed.post", rkey: Self.rkey, record: try json(record))
                Issue.record("accepted: \(record)")
            } catch let error as XRPCError {
                let message = String(describing: error)
                #expect(message.contains("Invalid app.bsky.feed.post record: \(path) "), "\(path) not in: \(message)")
            }
        }
        print("lexicon violations: \(Self.violations.count) nested paths checked")
    }

    @Test func violationsAnswer400OverHTTP() async throws {
        let relay = try await RelayHarness.start()
        let (alice, _) = try await relay.client.createAccount("lexi.test")
        for (record, path) in Self.violations.prefix(4) {
            let answer = try await alice.procedure("com.atproto.repo.createRecord", .map([
                "repo": .string("lexi.test"), "collection": .string("app.bsky.feed.post"), "validate": .bool(true),
                "record": try json(record),
            ]))
            #expect(answer.status == 400)
            #expect(answer.error == "InvalidRequest")
            #expect(answer.json["message"]?.stringValue?.contains(path) == true, "\(answer.json)")
        }
        let good = try await alice.procedure("com.atproto.repo.createRecord", .map([
            "repo": .string("lexi.test"), "collection": .string("app.bsky.feed.post"), "validate": .bool(true),
            "record": try json(Self.realPosts[0]), // no blobs: those must have been uploaded first
        ]))
        #expect(good.status == 200, "\(good.json)")
        #expect(good.json["validationStatus"]?.stringValue == "valid")
        await relay.stop()
    }
}
