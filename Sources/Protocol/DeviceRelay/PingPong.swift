/// A peer's health as announced in `ping`/`pong` (spec section 11). Unknown values read as `ok`.
public enum PeerStatus: String, Sendable, CaseIterable {
    case ok
    /// Device: accepts no new forwarded writes for now.
    case busy
    /// About to go away (sleep, restart).
    case draining
}

/// Health probe; either side may send it and the other answers `pong` at once.
public struct Ping: FieldCodable {
    public static let type = "ping"
    public var nonce: Int
    /// Sender's clock, echoed back so the sender computes round-trip time without synchronised clocks.
    public var time: Int
    public var status: String

    public init(nonce: Int, time: Int, status: PeerStatus) {
        self.nonce = nonce
        self.time = time
        self.status = status.rawValue
    }

    public var knownStatus: PeerStatus { PeerStatus(rawValue: status) ?? .ok }

    init(fields f: MessageFields) throws(FrameError) {
        nonce = try f.count("nonce")
        time = try f.count("time")
        status = try f.string("status")
    }

    func write(to m: inout MapBuilder) {
        m["nonce"] = .count(nonce)
        m["time"] = .count(time)
        m["status"] = .string(status)
    }
}

public struct Pong: FieldCodable {
    public static let type = "pong"
    public var nonce: Int
    public var time: Int
    /// The ping's `time`.
    public var echo: Int
    public var status: String

    public init(nonce: Int, time: Int, echo: Int, status: PeerStatus) {
        self.nonce = nonce
        self.time = time
        self.echo = echo
        self.status = status.rawValue
    }

    public var knownStatus: PeerStatus { PeerStatus(rawValue: status) ?? .ok }

    init(fields f: MessageFields) throws(FrameError) {
        nonce = try f.count("nonce")
        time = try f.count("time")
        echo = try f.count("echo")
        status = try f.string("status")
    }

    func write(to m: inout MapBuilder) {
        m["nonce"] = .count(nonce)
        m["time"] = .count(time)
        m["echo"] = .count(echo)
        m["status"] = .string(status)
    }
}
