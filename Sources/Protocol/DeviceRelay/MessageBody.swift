/// One message type of the protocol: its type tag `t` and its conversion to and from a data-model map.
public protocol MessageBody: Hashable, Sendable {
    static var type: String { get }
    init(from value: DataValue) throws(FrameError)
    /// The message map, including `t`.
    func toDataValue() -> DataValue
}

protocol FieldCodable: MessageBody {
    init(fields: MessageFields) throws(FrameError)
    func write(to map: inout MapBuilder)
}

extension FieldCodable {
    public init(from value: DataValue) throws(FrameError) {
        try self.init(fields: MessageFields(value, message: Self.type))
    }

    public func toDataValue() -> DataValue {
        var map = MapBuilder()
        write(to: &map)
        map["t"] = .string(Self.type)
        return map.value
    }
}
