/// Rules the atproto data model places on record-like values beyond what the codecs enforce.
public enum DataModelViolation: Error, Equatable, Sendable, CustomStringConvertible {
    /// Records and other top-level data-model documents are maps.
    case topLevelNotMap
    /// `$type` must be a non-empty string wherever it appears.
    case invalidType(path: String)
    /// A map with `$type: "blob"` lacking `ref` (link), `mimeType` (string) or `size` (integer).
    case invalidBlob(path: String, field: String)

    public var description: String {
        switch self {
        case .topLevelNotMap: return "data model: top level is not a map"
        case .invalidType(let path): return "data model: $type at \(path) is not a non-empty string"
        case .invalidBlob(let path, let field): return "data model: blob at \(path) has missing or invalid \(field)"
        }
    }
}

public enum DataModelValidation {
    /// Checks a decoded document (record, or other top-level object): a map whose `$type`s are
    /// non-empty strings and whose blob refs are well formed.
    public static func validate(_ value: DataValue) throws(DataModelViolation) {
        guard case .map = value else { throw .topLevelNotMap }
        try check(value, path: "")
    }

    static func check(_ value: DataValue, path: String) throws(DataModelViolation) {
        switch value {
        case .array(let items):
            for (i, item) in items.enumerated() { try check(item, path: "\(path)[\(i)]") }
        case .map(let map):
            if let type = map["$type"] {
                guard case .string(let t) = type, !t.isEmpty else { throw .invalidType(path: path.isEmpty ? "$" : path) }
                if t == "blob" { try checkBlob(map, path: path.isEmpty ? "$" : path) }
            }
            for (key, item) in map { try check(item, path: path.isEmpty ? key : "\(path).\(key)") }
        default:
            break
        }
    }

    static func checkBlob(_ map: [String: DataValue], path: String) throws(DataModelViolation) {
        guard case .link = map["ref"] else { throw .invalidBlob(path: path, field: "ref") }
        guard case .string = map["mimeType"] else { throw .invalidBlob(path: path, field: "mimeType") }
        guard case .integer(let size) = map["size"], size >= 0 else { throw .invalidBlob(path: path, field: "size") }
    }
}
