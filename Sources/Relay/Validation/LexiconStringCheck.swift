import Protocol

/// String rules of a lexicon: lengths in UTF-8 bytes, graphemes as Swift counts Characters
/// (extended grapheme clusters, as the spec asks), enum/const, and the spec's string formats.
enum LexiconStringCheck {
    static func problem(_ string: String, _ rules: LexType.StringRules) -> String? {
        if let const = rules.const, string != const { return "must be \(const)" }
        if let allowed = rules.allowed, !allowed.contains(string) { return "must be one of (\(allowed.joined(separator: "|")))" }
        let bytes = string.utf8.count
        if let maxLength = rules.maxLength, bytes > maxLength { return "must not be longer than \(maxLength) characters" }
        if let minLength = rules.minLength, bytes < minLength { return "must not be shorter than \(minLength) characters" }
        if rules.maxGraphemes != nil || rules.minGraphemes != nil {
            let graphemes = string.count
            if let maxGraphemes = rules.maxGraphemes, graphemes > maxGraphemes { return "must not be longer than \(maxGraphemes) graphemes" }
            if let minGraphemes = rules.minGraphemes, graphemes < minGraphemes { return "must not be shorter than \(minGraphemes) graphemes" }
        }
        guard let format = rules.format else { return nil }
        return formatProblem(string, format)
    }

    static func formatProblem(_ s: String, _ format: String) -> String? {
        switch format {
        case "datetime": return Datetime.isValid(s) ? nil : "must be an valid atproto datetime (both RFC-3339 and ISO-8601)"
        case "uri": return URIString.isValid(s) ? nil : "must be a uri"
        case "at-uri": return ATURI.isValid(s) ? nil : "must be a valid at-uri"
        case "did": return DID.isValid(s) ? nil : "must be a valid did"
        case "handle": return Handle.isValid(s) ? nil : "must be a valid handle"
        case "at-identifier": return DID.isValid(s) || Handle.isValid(s) ? nil : "must be a valid did or a handle"
        case "nsid": return NSID.isValid(s) ? nil : "must be a valid nsid"
        case "cid": return CIDString.isValid(s) ? nil : "must be a cid string"
        case "language": return LanguageTag.isValid(s) ? nil : "must be a well-formed BCP 47 language tag"
        case "tid": return TID.isValid(s) ? nil : "must be a valid TID"
        case "record-key": return RecordKey.isValid(s) ? nil : "must be a valid Record Key"
        default: return nil
        }
    }
}
