import Protocol

/// Lexicon JSON (as a DataValue) to `LexType`s, rejecting documents the spec forbids: a `lexicon`
/// other than 1, a bad `id`, primary types (record, query, ...) outside `main`, top-level `ref`,
/// `union` or `unknown` defs, a record whose `record` is not an object.
enum LexTypeParser {
    static let primaryTypes: Set<String> = ["record", "query", "procedure", "subscription", "permission-set"]

    /// Every def of one document, keyed `nsid#name`.
    static func parseDocument(_ document: DataValue) throws(LexiconSchemaError) -> [String: LexType] {
        guard let map = document.mapValue else { throw LexiconSchemaError(message: "lexicon document must be an object") }
        guard map["lexicon"]?.integerValue == 1 else { throw LexiconSchemaError(message: "lexicon must be 1") }
        guard let id = map["id"]?.stringValue, NSID.isValid(id) else { throw LexiconSchemaError(message: "id must be an NSID") }
        guard let defs = map["defs"]?.mapValue else { throw LexiconSchemaError(message: "\(id): defs must be an object") }
        var out: [String: LexType] = [:]
        for (name, def) in defs {
            let type = def["type"]?.stringValue ?? ""
            if primaryTypes.contains(type), name != "main" {
                throw LexiconSchemaError(message: "\(id)#\(name): \(type) may only be the main definition")
            }
            if ["ref", "union", "unknown"].contains(type) {
                throw LexiconSchemaError(message: "\(id)#\(name): a \(type) cannot be a top-level definition")
            }
            out["\(id)#\(name)"] = try parse(def, in: id, at: "\(id)#\(name)")
        }
        return out
    }

    static func qualify(_ ref: String, in id: String) -> String {
        if ref.hasPrefix("#") { return id + ref }
        return ref.contains("#") ? ref : ref + "#main"
    }

    static func parse(_ def: DataValue, in id: String, at path: String) throws(LexiconSchemaError) -> LexType {
        guard let map = def.mapValue, let type = map["type"]?.stringValue else {
            throw LexiconSchemaError(message: "\(path): definition needs a type")
        }
        func int(_ key: String) -> Int? { map[key]?.integerValue.map { Int($0) } }
        func strings(_ key: String) -> [String]? { map[key]?.arrayValue?.compactMap(\.stringValue) }
        switch type {
        case "boolean": return .boolean(const: map["const"]?.boolValue)
        case "integer":
            return .integer(.init(minimum: map["minimum"]?.integerValue, maximum: map["maximum"]?.integerValue,
                                  allowed: map["enum"]?.arrayValue?.compactMap(\.integerValue), const: map["const"]?.integerValue))
        case "string":
            return .string(.init(format: map["format"]?.stringValue, minLength: int("minLength"), maxLength: int("maxLength"),
                                 minGraphemes: int("minGraphemes"), maxGraphemes: int("maxGraphemes"),
                                 allowed: strings("enum"), const: map["const"]?.stringValue))
        case "bytes": return .bytes(minLength: int("minLength"), maxLength: int("maxLength"))
        case "cid-link": return .cidLink
        case "blob": return .blob(accept: strings("accept"), maxSize: int("maxSize"))
        case "unknown": return .unknown
        case "token": return .token
        case "array":
            guard let items = map["items"] else { throw LexiconSchemaError(message: "\(path): array needs items") }
            return .array(items: try parse(items, in: id, at: path + "/items"), minLength: int("minLength"), maxLength: int("maxLength"))
        case "object": return .object(try parseObject(map, in: id, at: path))
        case "ref":
            guard let ref = map["ref"]?.stringValue else { throw LexiconSchemaError(message: "\(path): ref needs a target") }
            return .ref(qualify(ref, in: id))
        case "union":
            let refs = (strings("refs") ?? []).map { qualify($0, in: id) }
            return .union(refs: refs, closed: map["closed"]?.boolValue ?? false)
        case "record":
            guard let record = map["record"]?.mapValue, record["type"]?.stringValue == "object" else {
                throw LexiconSchemaError(message: "\(path): record must be an object definition")
            }
            return .record(key: map["key"]?.stringValue ?? "any", object: try parseObject(record, in: id, at: path))
        case "query", "procedure", "subscription", "permission-set", "permission": return .method
        default: throw LexiconSchemaError(message: "\(path): unknown type \(type)")
        }
    }

    static func parseObject(_ map: [String: DataValue], in id: String, at path: String) throws(LexiconSchemaError) -> LexType.ObjectRules {
        var properties: [(name: String, type: LexType)] = []
        for (name, property) in (map["properties"]?.mapValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            properties.append((name, try parse(property, in: id, at: "\(path)/\(name)")))
        }
        return .init(required: map["required"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                     nullable: Set(map["nullable"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                     properties: properties)
    }
}
