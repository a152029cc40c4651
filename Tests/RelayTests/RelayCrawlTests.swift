import Foundation
import Protocol
import Testing
import TestSupport
@testable import Relay

/// requestCrawl to every configured crawler at start (retried through failures) and again on the
/// first write after a quiet spell, but not on writes within one.
@Suite(.serialized) struct RelayCrawlTests {
    @Test func requestsCrawlAtStartWithBackoffAndAfterQuietSpell() async throws {
        let steady = try await CrawlerDouble.start()
        let flaky = try await CrawlerDouble.start(failFirst: 2)
        defer { steady.stop(); flaky.stop() }
        let relay = try await RelayHarness.start {
            $0.crawlers = [steady.url, flaky.url]
            $0.hostname = "pds.test"
            $0.publicURL = "http://127.0.0.1:0"
            $0.serviceHandleDomains = [".test"]
            $0.crawlRetryBase = 0.05
            $0.crawlQuietSpell = 3600
        }
        defer { Task { await relay.stop() } }
        #expect(try await withDeadline(seconds: 60) { await steady.nextRequest() } == "pds.test")
        #expect(try await withDeadline(seconds: 60) { await flaky.nextRequest() } == "pds.test")
        #expect(flaky.attempts == 3)   // two refusals, then the retry that got through

        // Writes inside the quiet spell send nothing; the notifier's clock decides, so drive it directly.
        let notifier = relay.environment.crawlers
        notifier.noteWrite(now: Date())
        #expect(steady.attempts == 1)
        notifier.noteWrite(now: Date().addingTimeInterval(3601))
        #expect(try await withDeadline(seconds: 60) { await steady.nextRequest() } == "pds.test")
        #expect(steady.attempts == 2)
        await relay.stop()
    }
}
