import Foundation
import Logging
import Synchronization

/// Tells network relays (BGS) to crawl us: `com.atproto.sync.requestCrawl {hostname}` to every
/// `PDS_CRAWLERS` host at start and on the first write after a quiet spell (as the reference PDS:
/// a relay that lost our firehose picks it up again). Failures retry with exponential backoff in
/// the background; writers never wait on it.
public final class CrawlNotifier: Sendable {
    let crawlers: [String]
    let hostname: String
    let quietSpell: TimeInterval
    let retryBase: TimeInterval
    let maxAttempts: Int
    let logger: Logger
    private let http = OutboundHTTP(timeout: 30)
    private let lastNotified = Mutex<Date?>(nil)
    private let inFlight = Mutex([UUID: Task<Void, Never>]())

    public init(crawlers: [String], hostname: String, quietSpell: TimeInterval, retryBase: TimeInterval,
                maxAttempts: Int = 12, logger: Logger) {
        self.crawlers = crawlers
        self.hostname = hostname
        self.quietSpell = quietSpell
        self.retryBase = retryBase
        self.maxAttempts = maxAttempts
        self.logger = logger
    }

    /// At start: every crawler, whatever the clock says.
    public func notifyAll() {
        lastNotified.withLock { $0 = Date() }
        send()
    }

    /// After a commit: only when nothing was sent for a quiet spell. Cheap on the hot path (one lock).
    public func noteWrite(now: Date = Date()) {
        let due = lastNotified.withLock { last -> Bool in
            if let last, now.timeIntervalSince(last) < quietSpell { return false }
            last = now
            return true
        }
        if due { send() }
    }

    public func cancelAll() {
        for task in inFlight.withLock({ Array($0.values) }) { task.cancel() }
    }

    private func send() {
        for crawler in crawlers {
            let id = UUID()
            let task = Task { [self] in
                await self.deliver(to: crawler)
                _ = self.inFlight.withLock { $0.removeValue(forKey: id) }
            }
            inFlight.withLock { $0[id] = task }
        }
    }

    private func deliver(to crawler: String) async {
        guard let url = URL(string: crawler.trimmingSuffix("/") + "/xrpc/com.atproto.sync.requestCrawl") else {
            logger.warning("bad crawler URL", metadata: ["crawler": "\(crawler)"])
            return
        }
        let body = Array(#"{"hostname":"\#(hostname)"}"#.utf8)
        var delay = retryBase
        for attempt in 1...maxAttempts {
            if Task.isCancelled { return }
            do {
                let answer = try await http.send("POST", url, headers: ["content-type": "application/json"], body: body)
                if (200..<300).contains(answer.status) {
                    logger.info("requested crawl", metadata: ["crawler": "\(crawler)", "attempt": "\(attempt)"])
                    return
                }
                logger.warning("requestCrawl refused", metadata: ["crawler": "\(crawler)", "status": "\(answer.status)"])
            } catch {
                logger.warning("requestCrawl failed", metadata: ["crawler": "\(crawler)", "error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(delay * 2, 3600)
        }
    }
}
