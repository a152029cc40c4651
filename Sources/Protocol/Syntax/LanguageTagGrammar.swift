/// The RFC 5646 §2.1 langtag grammar, subtag by subtag, with atproto's lowercase primary language.
enum LanguageTagGrammar {
    struct Parsed {
        var language: String?
        var extendedLanguages: [String] = []
        var script: String?
        var region: String?
        var variants: [String] = []
        var extensions: [[String]] = []
        var privateUse: [String] = []
        var isGrandfathered = false
    }

    /// RFC 5646 grandfathered tags, matched case-insensitively.
    static let grandfathered: Set<String> = [
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
        "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
        "art-lojban", "cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min", "zh-min-nan", "zh-xiang",
    ]

    static func parse(_ string: String) throws(SyntaxError) -> Parsed {
        func fail(_ rule: String) -> SyntaxError { SyntaxError(.languageTag, string, .malformed(rule)) }
        if string.isEmpty { throw SyntaxError(.languageTag, string, .empty) }
        let bytes = Array(string.utf8)
        if let bad = ASCII.firstInvalid(bytes, in: string, kind: .languageTag, allowed: { ASCII.isAlnum($0) || $0 == 0x2d }) {
            throw bad
        }
        let subtags = string.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if subtags.contains(where: \.isEmpty) { throw fail("empty subtag (leading, trailing or double hyphen)") }
        if subtags.contains(where: { $0.utf8.count > 8 }) { throw fail("subtag longer than 8 characters") }

        var result = Parsed()
        let first = subtags[0]
        if grandfathered.contains(string.lowercased()) && first == first.lowercased() {
            result.isGrandfathered = true
            // Regular grandfathered tags (zh-hakka, ...) also fit the grammar; irregular ones do not.
            if let regular = try? parseLangtag(subtags, fail) { result = regular; result.isGrandfathered = true }
            return result
        }
        if first.lowercased() == "x" {
            result.privateUse = try parsePrivateUse(subtags, from: 1, fail)
            return result
        }
        return try parseLangtag(subtags, fail)
    }

    private static func parseLangtag(_ subtags: [String], _ fail: (String) -> SyntaxError) throws(SyntaxError) -> Parsed {
        var r = Parsed()
        let language = subtags[0]
        let n = language.utf8.count
        guard language.utf8.allSatisfy(ASCII.isLower) else {
            throw fail(language.utf8.allSatisfy(ASCII.isAlpha) ? "primary language subtag must be lowercase" : "primary language subtag must be letters")
        }
        guard n == 2 || n == 3 || n >= 5 else { throw fail("primary language subtag must be 2-3 or 5-8 letters") }
        r.language = language
        var i = 1
        func shape(_ s: String) -> (count: Int, alpha: Bool, digit: Bool) {
            (s.utf8.count, s.utf8.allSatisfy(ASCII.isAlpha), s.utf8.allSatisfy(ASCII.isDigit))
        }
        if n <= 3 {
            while i < subtags.count, r.extendedLanguages.count < 3, shape(subtags[i]) == (3, true, false) {
                r.extendedLanguages.append(subtags[i]); i += 1
            }
        }
        if i < subtags.count, shape(subtags[i]) == (4, true, false) { r.script = subtags[i]; i += 1 }
        if i < subtags.count {
            let s = shape(subtags[i])
            if (s.count == 2 && s.alpha) || (s.count == 3 && s.digit) { r.region = subtags[i]; i += 1 }
        }
        while i < subtags.count, isVariant(subtags[i]) { r.variants.append(subtags[i]); i += 1 }
        while i < subtags.count, subtags[i].utf8.count == 1, subtags[i].lowercased() != "x" {
            var ext = [subtags[i]]
            i += 1
            while i < subtags.count, (2...8).contains(subtags[i].utf8.count) { ext.append(subtags[i]); i += 1 }
            guard ext.count > 1 else { throw fail("extension \"\(ext[0])\" has no subtags") }
            r.extensions.append(ext)
        }
        if i < subtags.count, subtags[i].lowercased() == "x" {
            r.privateUse = try parsePrivateUse(subtags, from: i + 1, fail)
            i = subtags.count
        }
        guard i == subtags.count else { throw fail("subtag \"\(subtags[i])\" is out of place") }
        return r
    }

    private static func isVariant(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return (5...8).contains(b.count) || (b.count == 4 && ASCII.isDigit(b[0]))
    }

    private static func parsePrivateUse(_ subtags: [String], from start: Int, _ fail: (String) -> SyntaxError) throws(SyntaxError) -> [String] {
        guard start < subtags.count else { throw fail("private use \"x\" has no subtags") }
        return Array(subtags[start...])
    }
}
