/// An action of either session state machine that may be bytes for the control stream. Both peers
/// write the leading sends of a step at once (no task hop between building a frame and queueing
/// it, which also keeps frames in the order they were built) and handle the rest, which may
/// suspend, afterwards.
public protocol SessionAction {
    /// The bytes to write on the control stream, when this action is a send.
    var controlBytes: [UInt8]? { get }
}

extension Array where Element: SessionAction {
    /// The leading sends' bytes, and every action from the first one that is not a send.
    public func splitLeadingSends() -> (sends: [[UInt8]], rest: ArraySlice<Element>) {
        var sends: [[UInt8]] = []
        var index = startIndex
        while index < endIndex, let bytes = self[index].controlBytes {
            sends.append(bytes)
            index += 1
        }
        return (sends, self[index...])
    }
}

extension DeviceSession.Action: SessionAction {
    public var controlBytes: [UInt8]? { if case .send(let bytes) = self { return bytes }; return nil }
}

extension RelaySession.Action: SessionAction {
    public var controlBytes: [UInt8]? { if case .send(let bytes) = self { return bytes }; return nil }
}
