import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Protocol
@testable import Relay
import Device

/// A firehose subscriber in the process (the `FirehoseSession` the websocket endpoint runs), whose
/// frames tests await one by one, decoded to `(type, body)`.
struct FirehoseTap: Sendable {
    let frames: AsyncStream<(type: String, body: [String: DataValue])>
    let task: Task<Void, any Error>

    static func start(_ relay: EnrollRelay, cursor: Int64?) -> FirehoseTap {
        let (frames, continuation) = AsyncStream.makeStream(of: (type: String, body: [String: DataValue]).self)
        let session = FirehoseSession(sequencer: relay.environment.sequencer, hub: relay.environment.hub)
        let task = Task {
            defer { continuation.finish() }
            try await session.run(cursor: cursor) { frame in
                let header = try DAGCBOR.decodeFirst(frame)
                guard case .map(let h) = header.value, case .map(let body) = try DAGCBOR.decode(frame[header.length...]) else { return }
                let type = h["t"]?.stringValue ?? (h["op"]?.integerValue == -1 ? "error" : "?")
                continuation.yield((type, body))
            }
        }
        return FirehoseTap(frames: frames, task: task)
    }

    /// The next `count` frames (bounded by the caller's `deadline`).
    func next(_ count: Int) async -> [(type: String, body: [String: DataValue])] {
        var out: [(type: String, body: [String: DataValue])] = []
        for await frame in frames {
            out.append(frame)
            if out.count == count { break }
        }
        return out
    }

    func stop() { task.cancel() }
}

extension EnrollRelay {
    /// A paired, running desktop for a new account named `name`.
    func enrolledDesktop(_ name: String, lines: Lines = Lines()) async throws -> (EnrollRelay.Account, Desktop) {
        let account = try await createAccount(name)
        let desktop = try makeDesktop(lines)
        let ticket = try await ticket(for: account)
        try await deadline(300) { try await desktop.pair(ticket) }
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        return (account, desktop)
    }
}

extension [String: DataValue] {
    var seq: Int64? { self["seq"]?.integerValue }
}

extension EnrollRelay {
    /// `com.atproto.repo.uploadBlob` with a raw body.
    func upload(_ account: Account, _ bytes: [UInt8], mimeType: String) async throws -> Reply {
        var request = URLRequest(url: URL(string: "\(base)/xrpc/com.atproto.repo.uploadBlob")!)
        request.timeoutInterval = 300
        request.httpMethod = "POST"
        request.setValue("Bearer \(account.token)", forHTTPHeaderField: "Authorization")
        request.setValue(mimeType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(bytes)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Reply(status: http.statusCode, body: data, retryAfter: http.value(forHTTPHeaderField: "Retry-After"))
    }

    func getBlob(_ account: Account, _ cid: String) async throws -> Reply {
        try await call("com.atproto.sync.getBlob", query: "did=\(account.did)&cid=\(cid)")
    }

    /// A post with one image embed naming `cid`.
    func postImage(_ account: Account, cid: String, size: Int, mimeType: String = "image/png") async throws -> Reply {
        try await call("com.atproto.repo.createRecord", token: account.token, body: [
            "repo": account.did, "collection": "app.bsky.feed.post",
            "record": ["$type": "app.bsky.feed.post", "text": "a picture", "createdAt": "2026-11-25T12:00:00.000Z",
                       "embed": ["$type": "app.bsky.embed.images", "images": [
                           ["alt": "", "image": ["$type": "blob", "ref": ["$link": cid], "mimeType": mimeType, "size": size]],
                       ]]],
        ])
    }
}

/// An `app.bsky.feed.post` made on the desktop with one image embed naming `cid`.
func desktopImagePost(cid: CID, size: Int, mimeType: String) -> ProxiedWrite {
    var post = Desktop.post(text: "from the desktop, with a picture")
    let image: DataValue = .map(["$type": .string("blob"), "ref": .link(cid), "mimeType": .string(mimeType),
                                 "size": .integer(Int64(size))])
    post.value?["embed"] = .map(["$type": .string("app.bsky.embed.images"),
                                 "images": .array([.map(["alt": .string(""), "image": image])])])
    return post
}

/// Deterministic bytes standing in for an image.
func pictureBytes(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed } }
