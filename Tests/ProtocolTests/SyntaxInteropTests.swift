import Foundation
import Testing
import TestSupport
@testable import Protocol

/// Every file under syntax/ in the interop corpus: valid lists all pass, invalid lists all fail.
@Suite struct SyntaxInteropTests {
    /// (file stem, validator). Language and datetime parse files are covered in their own tests.
    static let validators: [(String, @Sendable (String) -> Bool)] = [
        ("handle", Handle.isValid),
        ("did", DID.isValid),
        ("nsid", NSID.isValid),
        ("recordkey", RecordKey.isValid),
        ("aturi", ATURI.isValid),
        ("atidentifier", ATIdentifier.isValid),
        ("datetime", Datetime.isValid),
        ("language", LanguageTag.isValid),
        ("uri", URIString.isValid),
        ("cid", CIDString.isValid),
        ("tid", TID.isValid),
    ]

    static let stems = validators.map(\.0)

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason), arguments: stems)
    func syntaxFiles(stem: String) throws {
        let isValid = try #require(Self.validators.first { $0.0 == stem }?.1)
        let valid = try InteropCorpus.lines("syntax/\(stem)_syntax_valid.txt")
        let invalid = try InteropCorpus.lines("syntax/\(stem)_syntax_invalid.txt")
        #expect(!valid.isEmpty && !invalid.isEmpty)
        for line in valid { #expect(isValid(line), "should be valid \(stem): \(line.debugDescription)") }
        for line in invalid { #expect(!isValid(line), "should be invalid \(stem): \(line.debugDescription)") }
        print("syntax/\(stem)_syntax_valid.txt: \(valid.count) vectors checked")
        print("syntax/\(stem)_syntax_invalid.txt: \(invalid.count) vectors checked")
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func datetimeParseInvalid() throws {
        let lines = try InteropCorpus.lines("syntax/datetime_parse_invalid.txt")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(throws: SyntaxError.self, "\(line)") { try Datetime(line) }
        }
        print("syntax/datetime_parse_invalid.txt: \(lines.count) vectors checked")
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func languageParseInvalid() throws {
        let lines = try InteropCorpus.lines("syntax/language_parse_invalid.txt")
        #expect(!lines.isEmpty)
        for line in lines {
            // Well-formed grammar, but not a valid tag (repeated variant or singleton).
            #expect(LanguageTag.isWellFormed(line), "\(line)")
            #expect(throws: SyntaxError.self, "\(line)") { try LanguageTag(line) }
        }
        print("syntax/language_parse_invalid.txt: \(lines.count) vectors checked")
    }

    @Test(.enabled(if: InteropCorpus.shouldRun, InteropCorpus.skipReason))
    func everySyntaxFileIsConsumed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: InteropCorpus.directory.appendingPathComponent("syntax").path)
        var known = Set(Self.stems.flatMap { ["\($0)_syntax_valid.txt", "\($0)_syntax_invalid.txt"] })
        known.formUnion(["datetime_parse_invalid.txt", "language_parse_invalid.txt"])
        let unknown = files.filter { $0.hasSuffix(".txt") && !known.contains($0) }
        #expect(unknown.isEmpty, "syntax files without a test: \(unknown)")
    }
}
