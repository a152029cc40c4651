import Protocol

/// `validate: true` for records: the collection's lexicon from the official catalog, checked all
/// the way down (refs, unions, arrays, strings, blobs). Errors use the reference PDS's wording.
enum LexiconRecordSchema {
    /// The record lexicons known, by NSID.
    static var all: [String: LexType] {
        var out: [String: LexType] = [:]
        for nsid in LexiconCatalog.official.recordTypes { out[nsid] = LexiconCatalog.official.defs[nsid + "#main"] }
        return out
    }

    /// Throws InvalidRequest naming the path when the record does not fit. Returns false when no
    /// lexicon is known for `collection` (validation status "unknown").
    static func validate(collection: String, rkey: String, record: DataValue,
                         catalog: LexiconCatalog = .official) throws -> Bool {
        switch catalog.check(collection: collection, rkey: rkey, record: record) {
        case .none: return false
        case .some(nil): return true
        case .some(let violation?): throw XRPCError.invalidRequest("Invalid \(collection) record: \(violation)")
        }
    }
}
