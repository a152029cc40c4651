/// A caller asked a session for something its state or the negotiated limits do not allow.
/// These are local programming or flow-control errors; nothing is sent.
public enum SessionError: Error, Hashable, Sendable {
    case notEstablished
    case tooManyInFlight(limit: Int)
    case overLimit(field: String, value: Int, limit: Int)
    case unknownRequest(id: Int)
    case wrongAccount(String)
}
