/// One entry of a PLC op's `services` map: `{type, endpoint}`.
public struct PLCService: Sendable, Hashable {
    public var type: String
    public var endpoint: String

    public init(type: String, endpoint: String) {
        self.type = type
        self.endpoint = endpoint
    }

    public static func atprotoPDS(_ endpoint: String) -> PLCService {
        PLCService(type: "AtprotoPersonalDataServer", endpoint: PLCOperation.ensureHTTPPrefix(endpoint))
    }

    var dataValue: DataValue { .map(["type": .string(type), "endpoint": .string(endpoint)]) }

    init(_ value: DataValue) throws(PLCError) {
        var fields = try PLCFields(value, "service")
        type = try fields.string("type")
        endpoint = try fields.string("endpoint")
        try fields.finish()
    }
}
