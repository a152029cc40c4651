import Foundation
import Hummingbird
import Synchronization

/// Stands in for a network relay (BGS, e.g. bsky.network) that a PDS asks to crawl it with
/// `com.atproto.sync.requestCrawl`. It records each request's hostname; the first `failFirst`
/// answer 503, as an overloaded relay might, so a PDS's retry can be watched. `requests` yields
/// each accepted hostname, for tests to wait on instead of sleeping.
public final class CrawlerDouble: Sendable {
    public let requests: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let state: Mutex<(failuresLeft: Int, attempts: Int)>
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Mutex(0)

    public var port: Int { boundPort.withLock { $0 } }
    public var url: String { "http://127.0.0.1:\(port)" }
    /// Every POST seen, refused ones included.
    public var attempts: Int { state.withLock { $0.attempts } }

    private init(failFirst: Int) {
        (requests, continuation) = AsyncStream.makeStream(of: String.self)
        state = Mutex((failFirst, 0))
    }

    public static func start(failFirst: Int = 0) async throws -> CrawlerDouble {
        let double = CrawlerDouble(failFirst: failFirst)
        let router = Router()
        router.post("/xrpc/com.atproto.sync.requestCrawl") { request, _ -> Response in
            var buffer = try await request.body.collect(upTo: 1 << 16)
            let body = buffer.readBytes(length: buffer.readableBytes) ?? []
            let refuse = double.state.withLock { s -> Bool in
                s.attempts += 1
                guard s.failuresLeft > 0 else { return false }
                s.failuresLeft -= 1
                return true
            }
            if refuse { return Response(status: .serviceUnavailable) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
                  let hostname = object["hostname"] as? String else { return Response(status: .badRequest) }
            double.continuation.yield(hostname)
            return Response(status: .ok)
        }
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { readyContinuation.yield($0.localAddress?.port ?? 0) })
        double.task.withLock { $0 = Task { defer { readyContinuation.finish() }; try await app.runService() } }
        for await port in ready {
            double.boundPort.withLock { $0 = port }
            break
        }
        return double
    }

    /// The next accepted request's hostname (one waiter at a time).
    public func nextRequest() async -> String? {
        for await hostname in requests { return hostname }
        return nil
    }

    public func stop() {
        task.withLock { $0?.cancel() }
        continuation.finish()
    }
}
