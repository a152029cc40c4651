import Protocol

/// A blob ref: `{$type: "blob", ref: <cid-link>, mimeType, size}`, within `maxSize` and matching
/// one of `accept` (`image/*`, `*/*` or exact). Legacy `{cid, mimeType}` refs pass on shape only.
enum LexiconBlobCheck {
    static func check(_ value: DataValue, accept: [String]?, maxSize: Int?, at path: String) throws(LexiconViolation) {
        guard let map = value.mapValue else { throw LexiconViolation(path: path, problem: "should be a blob ref") }
        if map["$type"] == nil, map["cid"]?.stringValue != nil, map["mimeType"]?.stringValue != nil { return }
        guard map["$type"]?.stringValue == "blob", map["ref"]?.linkValue != nil,
              let mimeType = map["mimeType"]?.stringValue, let size = map["size"]?.integerValue else {
            throw LexiconViolation(path: path, problem: "should be a blob ref")
        }
        if let maxSize, size > maxSize {
            throw LexiconViolation(path: path, problem: "cannot be over \(maxSize) bytes")
        }
        if let accept, !accept.contains(where: { matches(mimeType, $0) }) {
            throw LexiconViolation(path: path, problem: "mimeType \(mimeType) is not one of \(accept.joined(separator: ", "))")
        }
    }

    static func matches(_ mimeType: String, _ pattern: String) -> Bool {
        if pattern == "*/*" { return true }
        if pattern.hasSuffix("/*") { return mimeType.hasPrefix(pattern.dropLast()) }
        return mimeType == pattern
    }
}
