import Protocol

/// A set of parsed lexicon definitions (keyed `nsid#def`) that record data is checked against.
/// `official` is built once from the table lexgen.py generated from the official lexicons.
struct LexiconCatalog: Sendable {
    private(set) var defs: [String: LexType] = [:]

    init() {}

    init(documents: [DataValue]) throws(LexiconSchemaError) {
        for document in documents { try add(document) }
    }

    mutating func add(_ document: DataValue) throws(LexiconSchemaError) {
        defs.merge(try LexTypeParser.parseDocument(document)) { _, new in new }
    }

    static let official: LexiconCatalog = {
        do {
            let documents = try DataModelJSON.decode(OfficialLexicons.json)
            return try LexiconCatalog(documents: documents.arrayValue ?? [])
        } catch {
            // The table is generated and committed; a broken one is a build defect, not bad input.
            fatalError("generated lexicon table does not parse: \(error)")
        }
    }()

    /// NSIDs of the record types this catalog knows.
    var recordTypes: [String] {
        defs.compactMap { key, type in
            if case .record = type, key.hasSuffix("#main") { return String(key.dropLast(5)) }
            return nil
        }
    }

    /// nil when no record lexicon is known for `collection`; else the violation, if any.
    func check(collection: String, rkey: String, record: DataValue) -> LexiconViolation?? {
        guard case .record(let key, let object)? = defs[collection + "#main"] else { return .none }
        guard let map = record.mapValue else { return .some(LexiconViolation(path: "Record", problem: "must be an object")) }
        if let type = map["$type"], type.stringValue != collection {
            return .some(LexiconViolation(path: "Record/$type", problem: "must be \(collection)"))
        }
        if let problem = Self.keyProblem(key: key, rkey: rkey) {
            return .some(LexiconViolation(path: "Record key", problem: problem))
        }
        do {
            try LexiconValueCheck(catalog: self).check(record, against: .object(object), at: "Record")
            return .some(nil)
        } catch {
            return .some(error)
        }
    }

    static func keyProblem(key: String, rkey: String) -> String? {
        switch key {
        case "tid": return TID.isValid(rkey) ? nil : "must be a TID"
        case "nsid": return NSID.isValid(rkey) ? nil : "must be an NSID"
        case let literal where literal.hasPrefix("literal:"):
            let expected = String(literal.dropFirst("literal:".count))
            return rkey == expected ? nil : "must be \"\(expected)\""
        default: return RecordKey.isValid(rkey) ? nil : "must be a valid record key"
        }
    }
}

/// Where a record breaks its lexicon: `path` like `Record/embed/images/0/alt`.
struct LexiconViolation: Error, CustomStringConvertible {
    let path: String
    let problem: String
    var description: String { "\(path) \(problem)" }
}
