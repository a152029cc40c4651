import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import Protocol

/// A real network relay's firehose for `firehose-proxy` (spec 7.5): a WebSocket client on
/// `<upstream>/xrpc/com.atproto.sync.subscribeRepos?cursor=N` (`PDS_FIREHOSE_UPSTREAM`). Frames pass
/// through verbatim; only the body's `seq` is read, to resume after a drop. `#info` and error frames
/// carry no seq and are not forwarded (an error frame ends the subscription, as the lexicon says).
public struct WebSocketFirehoseSource: NetworkFirehoseSource {
    public let url: String
    let logger: Logger
    /// A network relay's frames can hold whole CAR slices; 5 MiB is the firehose's own ceiling.
    static let maxFrameBytes = 5 << 20

    /// `upstream`: a host (`bsky.network`), a `ws(s)://`/`http(s)://` base, or the full method URL.
    public init(upstream: String, logger: Logger) {
        self.url = Self.methodURL(upstream)
        self.logger = logger
    }

    static func methodURL(_ upstream: String) -> String {
        var base = upstream.trimmingCharacters(in: .whitespaces)
        if base.hasPrefix("https://") { base = "wss://" + base.dropFirst("https://".count) }
        if base.hasPrefix("http://") { base = "ws://" + base.dropFirst("http://".count) }
        if !base.hasPrefix("ws://") && !base.hasPrefix("wss://") { base = "wss://" + base }
        while base.hasSuffix("/") { base.removeLast() }
        let method = "/xrpc/com.atproto.sync.subscribeRepos"
        return base.hasSuffix(method) ? base : base + method
    }

    public func subscribe(after cursor: Int64?) -> AsyncThrowingStream<NetworkFirehoseFrame, any Error> {
        let target = cursor.map { "\(url)?cursor=\($0)" } ?? url
        let logger = logger
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let client = WebSocketClient(url: target, configuration: .init(maxFrameSize: Self.maxFrameBytes),
                                                 logger: logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: Self.maxFrameBytes) {
                            guard case .binary(let buffer) = message else { continue }
                            let bytes = Array(buffer.readableBytesView)
                            switch try Self.frame(bytes) {
                            case .event(let frame): continuation.yield(frame)
                            case .skip: continue
                            case .error(let name): throw WebSocketFirehoseError.upstream(name)
                            }
                        }
                    }
                    try await client.run()
                    continuation.finish()
                } catch {
                    logger.info("network firehose ended", metadata: ["url": "\(target)", "error": "\(error)"])
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    enum Parsed: Equatable {
        case event(NetworkFirehoseFrame)
        case skip
        case error(String)
    }

    /// Header `{op, t}` then body; op 1 with a `seq` is an event, op -1 an error frame.
    static func frame(_ bytes: [UInt8]) throws -> Parsed {
        let header = try DAGCBOR.decodeFirst(bytes)
        guard case .map(let fields) = header.value else { throw WebSocketFirehoseError.malformed }
        let body = try DAGCBOR.decode(bytes[header.length...])
        if fields["op"]?.integerValue == -1 {
            if case .map(let error) = body { return .error(error["error"]?.stringValue ?? "unknown") }
            return .error("unknown")
        }
        guard case .map(let object) = body, let seq = object["seq"]?.integerValue else { return .skip }
        return .event(NetworkFirehoseFrame(seq: seq, bytes: bytes))
    }
}

public enum WebSocketFirehoseError: Error, CustomStringConvertible {
    case malformed
    case upstream(String)

    public var description: String {
        switch self {
        case .malformed: return "the network firehose sent a frame that is not header + body DAG-CBOR"
        case .upstream(let name): return "the network firehose ended the subscription: \(name)"
        }
    }
}
