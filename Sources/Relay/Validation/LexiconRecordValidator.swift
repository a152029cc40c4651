import Protocol

/// One `app.bsky.*` record type as its lexicon defines it (the generated table holds them all):
/// what `validate: true` checks. Nested objects (embeds, facets, refs) are checked for being objects
/// only; the top level gets required properties, types, string lengths and formats.
struct LexiconRecordSchema: Sendable {
    enum Kind: Sendable { case string, integer, boolean, array, object, blob, bytes, link, any }

    struct Property: Sendable {
        let kind: Kind
        let maxLength: Int?
        let maxGraphemes: Int?
        let minLength: Int?
        let format: String?
    }

    let key: String
    let required: [String]
    let properties: [String: Property]

    /// Throws InvalidRequest with the reference PDS's wording when the record does not fit.
    /// Returns false when no lexicon is known for `collection` (validation status "unknown").
    static func validate(collection: String, rkey: String, record: DataValue) throws -> Bool {
        guard let schema = all[collection] else { return false }
        let prefix = "Invalid \(collection) record: "
        guard let map = record.mapValue else { throw XRPCError.invalidRequest(prefix + "Record must be an object") }
        if let type = map["$type"]?.stringValue, type != collection {
            throw XRPCError.invalidRequest(prefix + "Record/$type must be \(collection)")
        }
        switch schema.key {
        case "literal:self" where rkey != "self":
            throw XRPCError.invalidRequest(prefix + "Record key must be \"self\"")
        case "tid" where !TID.isValid(rkey):
            throw XRPCError.invalidRequest(prefix + "Record key must be a TID")
        default: break
        }
        for name in schema.required where map[name] == nil {
            throw XRPCError.invalidRequest(prefix + "Record must have the property \"\(name)\"")
        }
        for (name, property) in schema.properties {
            guard let value = map[name] else { continue }
            if let problem = property.problem(with: value) {
                throw XRPCError.invalidRequest(prefix + "Record/\(name) \(problem)")
            }
        }
        return true
    }
}

extension LexiconRecordSchema.Property {
    func problem(with value: DataValue) -> String? {
        switch (kind, value) {
        case (.string, .string(let s)):
            if let maxLength, s.utf8.count > maxLength { return "must not be longer than \(maxLength) characters" }
            if let minLength, s.utf8.count < minLength { return "must not be shorter than \(minLength) characters" }
            if let maxGraphemes, s.count > maxGraphemes { return "must not be longer than \(maxGraphemes) graphemes" }
            switch format {
            case "datetime": return Datetime.isValid(s) ? nil : "must be an valid atproto datetime (both RFC-3339 and ISO-8601)"
            case "uri": return URIString.isValid(s) ? nil : "must be a uri"
            case "did": return DID.isValid(s) ? nil : "must be a valid did"
            case "handle": return Handle.isValid(s) ? nil : "must be a valid handle"
            case "at-uri": return ATURI.isValid(s) ? nil : "must be a valid at-uri"
            case "language": return LanguageTag.isValid(s) ? nil : "must be a well-formed BCP 47 language tag"
            default: return nil
            }
        case (.string, _): return "must be a string"
        case (.integer, .integer), (.boolean, .bool), (.bytes, .bytes), (.link, .link), (.any, _): return nil
        case (.integer, _): return "must be an integer"
        case (.boolean, _): return "must be a boolean"
        case (.array, .array(let items)):
            if let maxLength, items.count > maxLength { return "must not have more than \(maxLength) elements" }
            return nil
        case (.array, _): return "must be an array"
        case (.object, .map): return nil
        case (.object, _): return "must be an object"
        case (.blob, .map(let m)) where m["$type"]?.stringValue == "blob" && m["ref"]?.linkValue != nil: return nil
        case (.blob, _): return "should be a blob ref"
        case (.bytes, _): return "must be bytes"
        case (.link, _): return "must be a CID link"
        }
    }
}
