import Protocol

/// `request-crawl` (spec 8.1; issue 7): after pairing, and whenever an enrolled account's desktop
/// comes back after being offline (its queued commits follow at once on the same session), the
/// relay asks its crawlers (`PDS_CRAWLERS`) to crawl it again, with `CrawlNotifier`'s backoff. A
/// network relay crawls from its own cursor, so commits pushed just after the request are not missed.
/// Without the grant the relay stays silent and the device shows the degradation of spec 8.3.
extension Enrollment {
    func announceOnline(did: String, granted: FeatureSet) {
        guard granted[Feature.requestCrawl.rawValue] != nil, let crawlers, !crawlers.crawlers.isEmpty else { return }
        logger.info("desktop online: requesting crawl", metadata: ["did": "\(did)"])
        crawlers.notifyAll()
    }
}
