import Protocol
import Tunnel

/// `firehose-proxy` on one desktop's connection (spec 3.3, 7.5): one firehose stream, opened by the
/// relay with the first event, carrying `firehoseEvent` frames.
extension DeviceLink {
    /// False when the event could not be sent (no grant, session over, stream failed): the caller holds it.
    func sendFirehose(_ event: FirehoseEvent) async -> Bool {
        guard granted[Feature.firehoseProxy.rawValue] != nil, session.state == .established else { return false }
        do {
            let stream: Tunnel.Stream
            if let open = firehoseStream { stream = open } else {
                stream = try await connection.openUnidirectionalStream()
                firehoseStream = stream
            }
            try await stream.write(Frame.encode(.firehoseEvent(event)))
            return true
        } catch {
            firehoseStream = nil
            return false
        }
    }
}
