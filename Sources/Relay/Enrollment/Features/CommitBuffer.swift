import Foundation
import Protocol

/// The commit buffer (`commit-buffer`, spec 8.1): the relay's firehose log keeps every event for
/// the tier's retention (7/30/90 days, or the BYO operator's `retentionDays`), so a consumer
/// resuming with a cursor inside the window is replayed from it, and one outside is told
/// `OutdatedCursor` (by `FirehoseSession`, from the log's oldest seq) and then continues live.
/// The relay has one firehose, so the window is the relay's tier, not each device's grant.
struct CommitBuffer: Sendable {
    let sequencer: Sequencer
    let retentionDays: Int
    let pageSize = 500

    /// Drops events sequenced before `now - retentionDays` (seconds since 1970; the caller's clock,
    /// so tests move time instead of sleeping). The newest event always stays: the log's oldest seq
    /// is what tells a stale cursor it is outdated. Returns the first seq kept, nil if nothing to do.
    @discardableResult
    func prune(now: Int) async throws -> Int64? {
        guard retentionDays > 0, let oldest = try await sequencer.bounds().oldest else { return nil }
        let cutoff = now - retentionDays * 86_400
        var after = oldest - 1
        var newest: Int64?
        while true {
            let page = try await sequencer.events(after: after, limit: pageSize)
            for event in page {
                newest = event.seq
                // An event without a readable time is kept, and so is everything after it.
                guard let time = Self.time(of: event.frame), time < cutoff else {
                    return try await pruneBefore(event.seq, oldest: oldest)
                }
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.seq
        }
        guard let newest else { return nil }
        return try await pruneBefore(newest, oldest: oldest)
    }

    private func pruneBefore(_ seq: Int64, oldest: Int64) async throws -> Int64? {
        guard seq > oldest else { return nil }
        try await sequencer.prune(before: seq)
        return seq
    }

    /// The `time` of a firehose frame's body (header and body are two DAG-CBOR objects), in seconds.
    static func time(of frame: [UInt8]) -> Int? {
        guard case .map(let body)? = try? FirehoseFrame.body(of: frame),
              let text = body["time"]?.stringValue else { return nil }
        return parse(text).map { Int($0.timeIntervalSince1970) }
    }

    static func parse(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}
