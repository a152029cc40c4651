/// Typed reading of a message map: absent and `null` are the same, a wrong type is a `FrameError`.
struct MessageFields {
    let message: String
    let map: [String: DataValue]

    init(_ value: DataValue, message: String) throws(FrameError) {
        guard case .map(let map) = value else { throw .notAMap }
        self.message = message
        self.map = map
    }

    private func present(_ key: String) -> DataValue? {
        switch map[key] {
        case nil, .null?: nil
        case let value?: value
        }
    }

    private func wrong(_ key: String, _ expected: String) -> FrameError {
        .wrongType(message: message, field: key, expected: expected)
    }

    private func required<T>(_ key: String, _ read: (String) throws(FrameError) -> T?) throws(FrameError) -> T {
        guard let value = try read(key) else { throw .missingField(message: message, field: key) }
        return value
    }

    func optionalString(_ key: String) throws(FrameError) -> String? {
        guard let v = present(key) else { return nil }
        guard case .string(let s) = v else { throw wrong(key, "string") }
        return s
    }

    func string(_ key: String) throws(FrameError) -> String { try required(key, optionalString) }

    /// Ids, seqs, sizes and times are non-negative (section 3.1).
    func optionalCount(_ key: String) throws(FrameError) -> Int? {
        guard let v = present(key) else { return nil }
        guard case .integer(let i) = v else { throw wrong(key, "integer") }
        guard i >= 0 else { throw .invalidValue(message: message, field: key, reason: "negative") }
        return Int(i)
    }

    func count(_ key: String) throws(FrameError) -> Int { try required(key, optionalCount) }

    func optionalBool(_ key: String) throws(FrameError) -> Bool? {
        guard let v = present(key) else { return nil }
        guard case .bool(let b) = v else { throw wrong(key, "bool") }
        return b
    }

    func bool(_ key: String) throws(FrameError) -> Bool { try required(key, optionalBool) }

    func optionalBytes(_ key: String) throws(FrameError) -> [UInt8]? {
        guard let v = present(key) else { return nil }
        guard case .bytes(let b) = v else { throw wrong(key, "bytes") }
        return b
    }

    func bytes(_ key: String) throws(FrameError) -> [UInt8] { try required(key, optionalBytes) }

    func optionalLink(_ key: String) throws(FrameError) -> CID? {
        guard let v = present(key) else { return nil }
        guard case .link(let c) = v else { throw wrong(key, "cid link") }
        return c
    }

    func link(_ key: String) throws(FrameError) -> CID { try required(key, optionalLink) }

    func optionalMap(_ key: String) throws(FrameError) -> [String: DataValue]? {
        guard let v = present(key) else { return nil }
        guard case .map(let m) = v else { throw wrong(key, "map") }
        return m
    }

    func map(_ key: String) throws(FrameError) -> [String: DataValue] { try required(key, optionalMap) }

    func optionalArray(_ key: String) throws(FrameError) -> [DataValue]? {
        guard let v = present(key) else { return nil }
        guard case .array(let a) = v else { throw wrong(key, "array") }
        return a
    }

    func array(_ key: String) throws(FrameError) -> [DataValue] { try required(key, optionalArray) }

    func optionalCountArray(_ key: String) throws(FrameError) -> [Int]? {
        guard let items = try optionalArray(key) else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .integer(let i) = item, i >= 0 else { throw wrong(key, "array of non-negative integers") }
            out.append(Int(i))
        }
        return out
    }

    func countArray(_ key: String) throws(FrameError) -> [Int] { try required(key, optionalCountArray) }

    /// Elements of an array of maps, each read as its own nested message part.
    func nested(_ key: String, optional: Bool = false) throws(FrameError) -> [MessageFields] {
        let items = optional ? (try optionalArray(key) ?? []) : try array(key)
        var out: [MessageFields] = []
        for item in items {
            guard case .map = item else { throw wrong(key, "array of maps") }
            out.append(try MessageFields(item, message: "\(message).\(key)"))
        }
        return out
    }

    func oneOf(_ key: String, _ allowed: Set<String>) throws(FrameError) -> String {
        let s = try string(key)
        guard allowed.contains(s) else {
            throw .invalidValue(message: message, field: key, reason: "not one of \(allowed.sorted())")
        }
        return s
    }
}

/// Builds a message map; assigning `nil` leaves the key out, which is how optional fields are sent.
struct MapBuilder {
    var map: [String: DataValue] = [:]

    subscript(key: String) -> DataValue? {
        get { map[key] }
        set { map[key] = newValue }
    }

    var value: DataValue { .map(map) }
}

extension DataValue {
    static func count(_ i: Int) -> DataValue { .integer(Int64(i)) }
    static func optional(_ s: String?) -> DataValue? { s.map { .string($0) } }
    static func optional(_ i: Int?) -> DataValue? { i.map { .integer(Int64($0)) } }
    static func optional(_ c: CID?) -> DataValue? { c.map { .link($0) } }
    static func optional(_ b: [UInt8]?) -> DataValue? { b.map { .bytes($0) } }
}
