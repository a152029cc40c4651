/// The relay refused a pushed commit; its head is unchanged (spec sections 6.2 and 9.3).
public struct CommitReject: FieldCodable {
    public static let type = "commitReject"

    public enum Code: String, Sendable, CaseIterable {
        case invalidCommit = "invalid-commit"
        case overLimit = "over-limit"
        case revConflict = "rev-conflict"
        case staleRev = "stale-rev"
        case sinceMismatch = "since-mismatch"
        case prevDataMismatch = "prev-data-mismatch"
        case missingBlocks = "missing-blocks"
        case invalidMST = "invalid-mst"
        case `internal` = "internal"
    }

    public var id: Int
    public var code: String
    public var message: String

    public var knownCode: Code { Code(rawValue: code) ?? .internal }

    public init(id: Int, code: Code, message: String) {
        self.id = id
        self.code = code.rawValue
        self.message = message
    }

    init(fields f: MessageFields) throws(FrameError) {
        id = try f.count("id")
        code = try f.string("code")
        message = try f.string("message")
    }

    func write(to m: inout MapBuilder) {
        m["id"] = .count(id)
        m["code"] = .string(code)
        m["message"] = .string(message)
    }
}
