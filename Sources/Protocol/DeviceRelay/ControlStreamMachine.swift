/// What both ends' control-stream state machines (`DeviceSession`, `RelaySession`) share: the
/// bytes they are fed are framed, each message is handled in order, and a malformed frame or a
/// stream cut off mid-frame closes the session with the code section 9 gives it.
protocol ControlStreamMachine {
    associatedtype Action
    var reader: FrameReader { get set }
    var isClosed: Bool { get }
    mutating func handle(_ message: DeviceRelayMessage, now: Int) -> [Action]
    mutating func close(_ code: CloseCode, reason: String) -> [Action]
}

extension ControlStreamMachine {
    /// Handles every complete frame now buffered, until the session closes.
    mutating func drainFrames(now: Int) -> [Action] {
        var actions: [Action] = []
        while !isClosed {
            let message: DeviceRelayMessage?
            do {
                message = try reader.next()
            } catch {
                actions += close(error.closeCode, reason: "\(error)")
                break
            }
            guard let message else { break }
            actions += handle(message, now: now)
        }
        return actions
    }

    /// The control stream ended: a partial frame is malformed input, otherwise the session is over.
    mutating func controlStreamEnded() -> [Action] {
        guard !isClosed else { return [] }
        do {
            try reader.finish()
            return close(.noError, reason: "control stream ended")
        } catch {
            return close(error.closeCode, reason: "\(error)")
        }
    }
}
