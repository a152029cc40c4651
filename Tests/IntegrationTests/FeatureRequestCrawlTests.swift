import Foundation
import Protocol
import Testing
import TestSupport
@testable import Device
@testable import Relay

/// `request-crawl` (spec 8.1; issue 7): the relay asks its crawlers to crawl it after pairing and
/// when the desktop's tunnel comes back after an offline spell (its queued commits pushed on the
/// same session); without the grant the desktop says what is missing (spec 8.3).
@Suite(.serialized) struct FeatureRequestCrawlTests {
    @Test func crawlRequestedAfterPairingAndOnWake() async throws {
        // The first answer fails: the request is retried with the notifier's backoff.
        let crawler = try await CrawlerDouble.start(failFirst: 1)
        let relay = try await EnrollRelay.start(policy: .preset(.pro)) {
            $0.crawlers = [crawler.url]
            $0.crawlRetryBase = 0.05
        }
        let hostname = relay.environment.config.hostname
        #expect(try await deadline(120) { await crawler.nextRequest() } == hostname)   // relay start
        let (_, desktop) = try await relay.enrolledDesktop("alice")
        #expect(try await deadline(120) { await crawler.nextRequest() } == hostname)   // after pairing
        #expect(try await deadline(120) { await crawler.nextRequest() } == hostname)   // the daemon's first session

        await desktop.stop()
        let queued = try await desktop.write([Desktop.post(text: "written while the tunnel was down")])
        #expect(queued == .queued(position: 1))
        let before = try await relay.seqs().last ?? 0
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        #expect(try await deadline(120) { await crawler.nextRequest() } == hostname)   // on wake
        let after = try await relay.environment.sequencer.events(after: before, limit: 10)
        #expect(after.map(\.type) == ["#commit"])
        #expect(crawler.attempts >= 5)
        await desktop.stop()
        await relay.stop()
        crawler.stop()
    }

    @Test func withoutTheGrantTheDesktopSaysSo() async throws {
        let crawler = try await CrawlerDouble.start()
        let policy = try RelayPolicy(configuration: RelayPolicyConfiguration(tier: "byo", features: ["repo-snapshot"]))
        let relay = try await EnrollRelay.start(policy: policy) { $0.crawlers = [crawler.url] }
        #expect(try await deadline(120) { await crawler.nextRequest() } != nil)   // relay start only
        let lines = Lines()
        let (_, desktop) = try await relay.enrolledDesktop("bob", lines: lines)
        let message = Degradation.whenMissing(.requestCrawl).userMessage
        #expect(lines.all.contains { $0.contains(message) })
        let degradations = await desktop.lastDegradations
        #expect(degradations.contains { $0.feature == Feature.requestCrawl })
        await desktop.stop()
        await relay.stop()
        #expect(crawler.attempts == 1)
        crawler.stop()
    }
}
