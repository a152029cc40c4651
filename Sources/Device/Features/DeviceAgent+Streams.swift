import Protocol
import Tunnel

/// The relay's unidirectional streams (spec 3.3): the first frame says what each is. A firehose
/// stream (`firehose-proxy`) is a run of `firehoseEvent` frames for the inbox; blob and snapshot
/// streams go to `receiveBodyStream` with what was read so far.
extension DeviceAgent {
    func receiveStream(_ stream: Tunnel.Stream) async {
        var reader = FrameReader(limit: session.limits.maxFrameBytes)
        var seen: [UInt8] = []
        do {
            while let chunk = try await stream.read() {
                seen += chunk
                reader.append(chunk)
                guard let first = try reader.next() else { continue }
                guard case .firehoseEvent(let event) = first else {
                    await receiveBodyStream(stream, prefix: seen)
                    return
                }
                inbox?.deliver(event)
                try await receiveFirehose(stream, reader: &reader)
                return
            }
        } catch {
            // A connection that ends also ends its streams: only a failure mid-session is news.
            if closedReason == nil { logger.warning("relay stream failed", metadata: ["error": "\(error)"]) }
        }
    }

    private func receiveFirehose(_ stream: Tunnel.Stream, reader: inout FrameReader) async throws {
        while true {
            while let message = try reader.next() {
                guard case .firehoseEvent(let event) = message else { throw FrameError.truncated(buffered: 0) }
                inbox?.deliver(event)
            }
            guard let chunk = try await stream.read() else { return }
            reader.append(chunk)
        }
    }

    func setInbox(_ inbox: NetworkInbox) { self.inbox = inbox }
}
