import Protocol

/// One lexicon definition, parsed (atproto Lexicon spec). Refs are stored fully qualified as
/// `nsid#def`, so validation never needs the document they came from.
indirect enum LexType: Sendable {
    case boolean(const: Bool?)
    case integer(IntegerRules)
    case string(StringRules)
    case bytes(minLength: Int?, maxLength: Int?)
    case cidLink
    case blob(accept: [String]?, maxSize: Int?)
    case unknown
    case array(items: LexType, minLength: Int?, maxLength: Int?)
    case object(ObjectRules)
    case ref(String)
    case union(refs: [String], closed: Bool)
    case token
    case record(key: String, object: ObjectRules)
    /// query, procedure, subscription, permission-set: not record data, never validated here.
    case method

    struct IntegerRules: Sendable {
        var minimum: Int64?
        var maximum: Int64?
        var allowed: [Int64]?
        var const: Int64?
    }

    struct StringRules: Sendable {
        var format: String?
        var minLength: Int?
        var maxLength: Int?
        var minGraphemes: Int?
        var maxGraphemes: Int?
        var allowed: [String]?
        var const: String?
    }

    struct ObjectRules: Sendable {
        var required: [String]
        var nullable: Set<String>
        /// Sorted by name so the first violation reported is the same every run.
        var properties: [(name: String, type: LexType)]
    }
}

/// A lexicon document or definition that breaks the Lexicon spec.
struct LexiconSchemaError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
