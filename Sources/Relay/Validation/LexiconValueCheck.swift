import Protocol

/// Checks one value against one lexicon type, recursing through objects, arrays, refs and unions.
/// The first violation throws, naming its path. `knownValues` is advisory and never enforced.
struct LexiconValueCheck {
    let catalog: LexiconCatalog
    /// Guards against a ref cycle in a (malformed) catalog.
    private static let maxDepth = 64

    init(catalog: LexiconCatalog) { self.catalog = catalog }

    func check(_ value: DataValue, against type: LexType, at path: String, depth: Int = 0) throws(LexiconViolation) {
        guard depth < Self.maxDepth else { throw LexiconViolation(path: path, problem: "is nested too deeply") }
        switch type {
        case .boolean(let const):
            guard let bool = value.boolValue else { throw LexiconViolation(path: path, problem: "must be a boolean") }
            if let const, bool != const { throw LexiconViolation(path: path, problem: "must be \(const)") }
        case .integer(let rules):
            try checkInteger(value, rules, at: path)
        case .string(let rules):
            guard let string = value.stringValue else { throw LexiconViolation(path: path, problem: "must be a string") }
            if let problem = LexiconStringCheck.problem(string, rules) { throw LexiconViolation(path: path, problem: problem) }
        case .bytes(let minLength, let maxLength):
            guard let bytes = value.bytesValue else { throw LexiconViolation(path: path, problem: "must be a byte array") }
            if let minLength, bytes.count < minLength { throw LexiconViolation(path: path, problem: "must not be smaller than \(minLength) bytes") }
            if let maxLength, bytes.count > maxLength { throw LexiconViolation(path: path, problem: "must not be larger than \(maxLength) bytes") }
        case .cidLink:
            guard value.linkValue != nil else { throw LexiconViolation(path: path, problem: "must be a CID") }
        case .blob(let accept, let maxSize):
            try LexiconBlobCheck.check(value, accept: accept, maxSize: maxSize, at: path)
        case .unknown:
            guard let map = value.mapValue else { throw LexiconViolation(path: path, problem: "must be an object") }
            if map["$type"]?.stringValue == "blob" { throw LexiconViolation(path: path, problem: "must not be a blob") }
        case .array(let items, let minLength, let maxLength):
            guard let array = value.arrayValue else { throw LexiconViolation(path: path, problem: "must be an array") }
            if let minLength, array.count < minLength { throw LexiconViolation(path: path, problem: "must not have fewer than \(minLength) elements") }
            if let maxLength, array.count > maxLength { throw LexiconViolation(path: path, problem: "must not have more than \(maxLength) elements") }
            for (index, item) in array.enumerated() {
                try check(item, against: items, at: "\(path)/\(index)", depth: depth + 1)
            }
        case .object(let rules), .record(_, let rules):
            try checkObject(value, rules, at: path, depth: depth)
        case .ref(let ref):
            guard let target = catalog.defs[ref] else { throw LexiconViolation(path: path, problem: "refers to unknown lexicon \(ref)") }
            if case .token = target {
                guard value.stringValue == ref || value.stringValue == ref.replacingOccurrences(of: "#main", with: "") else {
                    throw LexiconViolation(path: path, problem: "must be the token \(ref)")
                }
                return
            }
            try check(value, against: target, at: path, depth: depth + 1)
        case .union(let refs, let closed):
            guard let map = value.mapValue else { throw LexiconViolation(path: path, problem: "must be an object which includes the \"$type\" property") }
            guard let declared = map["$type"]?.stringValue else {
                throw LexiconViolation(path: path, problem: "must be an object which includes the \"$type\" property")
            }
            let qualified = declared.contains("#") ? declared : declared + "#main"
            guard refs.contains(qualified) else {
                if closed { throw LexiconViolation(path: path, problem: "$type must be one of \(refs.joined(separator: ", "))") }
                return // open unions admit types this server does not know
            }
            try check(value, against: .ref(qualified), at: path, depth: depth + 1)
        case .token, .method:
            throw LexiconViolation(path: path, problem: "is not a data type")
        }
    }

    private func checkObject(_ value: DataValue, _ rules: LexType.ObjectRules, at path: String, depth: Int) throws(LexiconViolation) {
        guard let map = value.mapValue else { throw LexiconViolation(path: path, problem: "must be an object") }
        for name in rules.required where map[name] == nil {
            throw LexiconViolation(path: path, problem: "must have the property \"\(name)\"")
        }
        for (name, type) in rules.properties {
            guard let field = map[name] else { continue }
            if case .null = field {
                if rules.nullable.contains(name) { continue }
                throw LexiconViolation(path: "\(path)/\(name)", problem: "must not be null")
            }
            try check(field, against: type, at: "\(path)/\(name)", depth: depth + 1)
        }
    }

    private func checkInteger(_ value: DataValue, _ rules: LexType.IntegerRules, at path: String) throws(LexiconViolation) {
        guard let int = value.integerValue else { throw LexiconViolation(path: path, problem: "must be an integer") }
        if let const = rules.const, int != const { throw LexiconViolation(path: path, problem: "must be \(const)") }
        if let allowed = rules.allowed, !allowed.contains(int) {
            throw LexiconViolation(path: path, problem: "must be one of (\(allowed.map(String.init).joined(separator: "|")))")
        }
        if let minimum = rules.minimum, int < minimum { throw LexiconViolation(path: path, problem: "can not be less than \(minimum)") }
        if let maximum = rules.maximum, int > maximum { throw LexiconViolation(path: path, problem: "can not be greater than \(maximum)") }
    }
}
