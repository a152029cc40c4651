import Foundation
import Testing
@testable import Protocol

@Suite struct SyntaxTypeTests {
    @Test func handlesNormalizeToLowercase() throws {
        #expect(try Handle("XX.LCS.MIT.EDU").string == "xx.lcs.mit.edu")
        #expect(try Handle("Alice.Example.com") == Handle("alice.example.COM"))
        if case .handle(let h) = try ATIdentifier("John.Test") { #expect(h.string == "john.test") } else { Issue.record("not a handle") }
    }

    @Test func errorsSayWhatIsWrong() {
        func reason(_ body: () throws -> Void) -> SyntaxError.Reason? {
            do { try body(); return nil } catch { return (error as? SyntaxError)?.reason }
        }
        #expect(reason { _ = try Handle("jo_hn.test") } == .invalidCharacter("_", offset: 2))
        #expect(reason { _ = try Handle("john") } == .malformed("needs at least two dot-separated labels"))
        #expect(reason { _ = try Handle("") } == .empty)
        #expect(reason { _ = try DID("did:METHOD:val") } == .invalidCharacter("M", offset: 4))
        #expect(reason { _ = try RecordKey(String(repeating: "o", count: 513)) } == .tooLong(length: 513, max: 512))
        #expect(reason { _ = try TID(string: "zzzzzzzzzzzzz") } ==
                .malformed("first character must be one of 234567abcdefghij (value exceeds 64 bits)"))
        #expect(reason { _ = try Datetime("1985-13-12T23:20:50.123Z") } == .invalidValue("month 13"))
        #expect(reason { _ = try Datetime("1985-02-29T00:00:00Z") } == .invalidValue("day 29 of a 28-day month"))
        #expect(reason { _ = try LanguageTag("en-rozaj-ROZAJ") } == .invalidValue("variant subtag \"ROZAJ\" is repeated"))
        #expect(reason { _ = try CIDString("QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR") } ==
                .malformed("CIDv0 is not supported; use CIDv1"))
        let error = SyntaxError(.handle, "jo_hn.test", .invalidCharacter("_", offset: 2))
        #expect(error.description == "invalid handle \"jo_hn.test\": character \"_\" (U+5F) not allowed at offset 2")
    }

    @Test func nonASCIIIsRejectedWithItsCharacter() {
        do {
            _ = try Handle("john💩.test")
            Issue.record("accepted")
        } catch {
            #expect(error.reason == .invalidCharacter("💩", offset: 4))
        }
    }

    @Test func atURIParts() throws {
        let uri = try ATURI("at://did:plc:asdf123/app.bsky.feed.post/3jzfcijpj2z2a")
        #expect(uri.authority == .did(try DID("did:plc:asdf123")))
        #expect(uri.collection?.string == "app.bsky.feed.post")
        #expect(uri.recordKey?.string == "3jzfcijpj2z2a")
        #expect(uri.fragment == nil)
        #expect(uri.string == "at://did:plc:asdf123/app.bsky.feed.post/3jzfcijpj2z2a")
        let built = ATURI(authority: .did(try DID("did:plc:asdf123")), collection: try NSID("app.bsky.feed.post"),
                          recordKey: try RecordKey("3jzfcijpj2z2a"))
        #expect(built == uri)
        let withFragment = try ATURI("at://did:plc:asdf123/app.bsky.feed.post#/text")
        #expect(withFragment.fragment == "/text")
        #expect(withFragment.recordKey == nil)
    }

    @Test func didAndNSIDParts() throws {
        let did = try DID("did:web:localhost%3A1234")
        #expect(did.method == "web")
        #expect(did.identifier == "localhost%3A1234")
        let nsid = try NSID("App.Bsky.feed.getPost")
        #expect(nsid.authority == "feed.bsky.app")
        #expect(nsid.name == "getPost")
    }

    @Test func datetimeInstantAndFormatting() throws {
        #expect(try Datetime("1970-01-01T00:00:00Z").unixSeconds == 0)
        #expect(try Datetime("1985-04-12T23:20:50.123Z").unixSeconds == 482_196_050)
        #expect(try Datetime("1985-04-12T23:20:50.123-07:00").unixSeconds == 482_196_050 + 7 * 3600)
        #expect(try Datetime("1985-04-12T23:20:50.123Z").fractionDigits == "123")
        #expect(try Datetime("2000-02-29T00:00:00Z").unixSeconds == 951_782_400)
        // Proleptic Gregorian at the far end (the values Python's datetime and JavaScript give).
        #expect(try Datetime("0000-01-01T00:00:00Z").unixSeconds == -62_167_219_200)
        #expect(try Datetime("0001-01-01T00:00:00Z").unixSeconds == -62_135_596_800)
        #expect(try Datetime("9999-12-31T23:59:59Z").unixSeconds == 253_402_300_799)
        #expect(try Datetime(unixMilliseconds: 482_196_050_123).string == "1985-04-12T23:20:50.123Z")
        #expect(try Datetime(unixMilliseconds: -1).string == "1969-12-31T23:59:59.999Z")
        #expect(throws: SyntaxError.self) { try Datetime(unixMilliseconds: -62_167_219_200_001) }
        #expect(try Datetime("1985-04-12T23:20:50Z") < Datetime("1985-04-12T23:20:50.001Z"))
        // Calendar arithmetic agrees with Foundation wherever both use the Gregorian calendar
        // (Foundation switches to Julian before the 1582 cutover).
        for year in stride(from: 1583, through: 9999, by: 37) {
            let text = String(year).leftPadded(to: 4) + "-03-01T12:34:56Z"
            let ours = try Datetime(text).unixSeconds
            let formatter = ISO8601DateFormatter()
            let theirs = try #require(formatter.date(from: text)).timeIntervalSince1970
            #expect(ours == Int64(theirs), "\(text)")
        }
    }

    @Test func languageTagParts() throws {
        let tag = try LanguageTag("en-GB-boont-r-extended-sequence-x-private")
        #expect(tag.language == "en")
        #expect(tag.region == "GB")
        #expect(tag.variants == ["boont"])
        #expect(tag.extensions == [["r", "extended", "sequence"]])
        #expect(tag.privateUse == ["private"])
        let grandfathered = try LanguageTag("i-default")
        #expect(grandfathered.isGrandfathered && grandfathered.language == nil)
        #expect(try LanguageTag("zh-Hant").script == "Hant")
        #expect(try LanguageTag("es-419").region == "419")
        #expect(!LanguageTag.isWellFormed("de-CH-"))
        #expect(!LanguageTag.isWellFormed("x"))
        #expect(!LanguageTag.isWellFormed("i-bad-grandfathered"))
    }

    @Test func codableRoundTrip() throws {
        let value = try ATURI("at://alice.example.com/app.bsky.feed.post/abc")
        let data = try JSONEncoder().encode([value])
        #expect(String(decoding: data, as: UTF8.self) == "[\"at:\\/\\/alice.example.com\\/app.bsky.feed.post\\/abc\"]")
        #expect(try JSONDecoder().decode([ATURI].self, from: data) == [value])
        #expect(throws: (any Error).self) { try JSONDecoder().decode([Handle].self, from: Data("[\"nope\"]".utf8)) }
    }
}
