import Foundation
import Protocol
import Synchronization

/// Stands in for a network relay's firehose (`com.atproto.sync.subscribeRepos` of bsky.network),
/// which a dpds relay with `firehose-proxy` subscribes to. It makes `#commit` frames of other
/// accounts (likes, replies naming a DID, unrelated posts) under increasing seqs, keeps them, and
/// hands them to subscribers: replayed after a cursor, then live, as a network relay does.
public final class NetworkFirehoseDouble: Sendable {
    public typealias Frame = (seq: Int64, bytes: [UInt8])
    private let state = Mutex<(log: [Frame], subscribers: [UUID: AsyncStream<Frame>.Continuation])>(([], [:]))

    public init() {}

    /// A like by `author` of a post of `subject` (the subject's DID in the record's `subject.uri`).
    @discardableResult
    public func like(by author: String, of subject: String) -> Int64 {
        publish(author: author, collection: "app.bsky.feed.like", record: [
            "$type": .string("app.bsky.feed.like"),
            "subject": .map(["uri": .string("at://\(subject)/app.bsky.feed.post/3kabc"),
                             "cid": .string("bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm")]),
            "createdAt": .string("2026-11-25T12:00:00.000Z"),
        ])
    }

    /// A post by `author` that mentions `subject` in a facet.
    @discardableResult
    public func mention(by author: String, of subject: String) -> Int64 {
        publish(author: author, collection: "app.bsky.feed.post", record: [
            "$type": .string("app.bsky.feed.post"), "text": .string("hello @friend"),
            "facets": .array([.map(["features": .array([.map(["$type": .string("app.bsky.richtext.facet#mention"),
                                                               "did": .string(subject)])])])]),
            "createdAt": .string("2026-11-25T12:00:00.000Z"),
        ])
    }

    /// A post by `author` that names nobody.
    @discardableResult
    public func unrelatedPost(by author: String) -> Int64 {
        publish(author: author, collection: "app.bsky.feed.post", record: [
            "$type": .string("app.bsky.feed.post"), "text": .string("nothing to see"),
            "createdAt": .string("2026-11-25T12:00:00.000Z"),
        ])
    }

    private func publish(author: String, collection: String, record: [String: DataValue]) -> Int64 {
        let block = DAGCBOR.encode(.map(record))
        let cid = CID.compute(.dagCBOR, block)
        return state.withLock { s in
            let seq = Int64(s.log.count + 1)
            let body: DataValue = .map([
                "seq": .integer(seq), "repo": .string(author), "rev": .string("3kabc\(seq)"), "rebase": .bool(false),
                "tooBig": .bool(false), "time": .string("2026-11-25T12:00:00.000Z"), "blobs": .array([]),
                "ops": .array([.map(["action": .string("create"), "path": .string("\(collection)/3kabc\(seq)"), "cid": .link(cid)])]),
                "blocks": .bytes(block),
            ])
            let frame = DAGCBOR.encode(.map(["op": .integer(1), "t": .string("#commit")])) + DAGCBOR.encode(body)
            s.log.append((seq, frame))
            for continuation in s.subscribers.values { continuation.yield((seq, frame)) }
            return seq
        }
    }

    /// Frames after `cursor` (all kept ones without), then live ones, until `stop()`.
    public func subscribe(after cursor: Int64?) -> AsyncStream<Frame> {
        let (stream, continuation) = AsyncStream.makeStream(of: Frame.self)
        let id = UUID()
        state.withLock { s in
            for frame in s.log where frame.seq > (cursor ?? 0) { continuation.yield(frame) }
            s.subscribers[id] = continuation
        }
        continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    public func stop() {
        let all = state.withLock { s -> [AsyncStream<Frame>.Continuation] in
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for continuation in all { continuation.finish() }
    }
}
