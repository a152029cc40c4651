import Protocol

extension RepoXRPC {
    /// The write's `validationStatus`: with `validate: true` the record must match its lexicon
    /// ("valid"; no known lexicon is an error); otherwise nothing is checked ("unknown").
    static func validationStatus(_ validate: DataValue?, collection: String, rkey: String, record: DataValue) throws -> String {
        guard validate?.boolValue == true else { return "unknown" }
        guard try LexiconRecordSchema.validate(collection: collection, rkey: rkey, record: record) else {
            throw XRPCError.invalidRequest("Lexicon not found: \(collection)")
        }
        return "valid"
    }
}
