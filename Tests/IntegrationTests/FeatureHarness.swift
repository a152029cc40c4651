import Foundation
import Protocol
@testable import Relay
import Device

/// A firehose subscriber in the process (the `FirehoseSession` the websocket endpoint runs), whose
/// frames tests await one by one, decoded to `(type, body)`.
struct FirehoseTap: Sendable {
    let frames: AsyncStream<(type: String, body: [String: DataValue])>
    let task: Task<Void, any Error>

    static func start(_ relay: EnrollRelay, cursor: Int64?) -> FirehoseTap {
        let (frames, continuation) = AsyncStream.makeStream(of: (type: String, body: [String: DataValue]).self)
        let session = FirehoseSession(sequencer: relay.environment.sequencer, hub: relay.environment.hub)
        let task = Task {
            defer { continuation.finish() }
            try await session.run(cursor: cursor) { frame in
                let header = try DAGCBOR.decodeFirst(frame)
                guard case .map(let h) = header.value, case .map(let body) = try DAGCBOR.decode(frame[header.length...]) else { return }
                let type = h["t"]?.stringValue ?? (h["op"]?.integerValue == -1 ? "error" : "?")
                continuation.yield((type, body))
            }
        }
        return FirehoseTap(frames: frames, task: task)
    }

    /// The next `count` frames (bounded by the caller's `deadline`).
    func next(_ count: Int) async -> [(type: String, body: [String: DataValue])] {
        var out: [(type: String, body: [String: DataValue])] = []
        for await frame in frames {
            out.append(frame)
            if out.count == count { break }
        }
        return out
    }

    func stop() { task.cancel() }
}

extension EnrollRelay {
    /// A paired, running desktop for a new account named `name`.
    func enrolledDesktop(_ name: String, lines: Lines = Lines()) async throws -> (EnrollRelay.Account, Desktop) {
        let account = try await createAccount(name)
        let desktop = try makeDesktop(lines)
        let ticket = try await ticket(for: account)
        try await deadline(300) { try await desktop.pair(ticket) }
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        return (account, desktop)
    }
}

extension [String: DataValue] {
    var seq: Int64? { self["seq"]?.integerValue }
}
