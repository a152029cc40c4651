import Foundation
import Protocol

/// `firehose-proxy` (spec 7.5): one upstream subscription for the whole relay; every event whose
/// bytes name an enrolled account's DID (a reply, like, repost, follow or mention by someone else)
/// goes to that account's desktop as `firehoseEvent`. While the desktop is offline the events are
/// held (the last `heldLimit`, for at most `retentionSeconds`) and sent first on its next session,
/// so it sees no gap across a sleep. An actor: routing and flushing never interleave per account.
actor FirehoseProxy {
    let source: any NetworkFirehoseSource
    let heldLimit: Int
    let retentionSeconds: Int
    let clock: @Sendable () -> Int
    /// Accounts with the grant, and the session events go to now (nil: hold them).
    private var accounts: [String: DeviceLink?] = [:]
    private var held: [String: [(event: FirehoseEvent, at: Int)]] = [:]
    private var cursor: Int64?
    private var task: Task<Void, Never>?
    private(set) var routed = 0

    init(source: any NetworkFirehoseSource, heldLimit: Int = 10_000, retentionSeconds: Int,
         clock: @escaping @Sendable () -> Int) {
        self.source = source
        self.heldLimit = heldLimit
        self.retentionSeconds = retentionSeconds
        self.clock = clock
    }

    /// Subscribes upstream, resuming from the last seq seen after a drop (backoff 1 s doubling to 60 s).
    func start() {
        guard task == nil else { return }
        task = Task { [weak self] in
            var delay = 1.0
            while !Task.isCancelled, let self {
                do {
                    for try await frame in self.source.subscribe(after: await self.cursor) {
                        await self.route(frame)
                        delay = 1.0
                    }
                } catch {}
                try? await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 60)
            }
        }
    }

    func stop() {
        task?.cancel()
        task = nil
    }

    /// The account's desktop has a session with the grant: held events go first, then live ones.
    func online(did: String, link: DeviceLink) async {
        accounts[did] = .some(nil)
        while var queue = held[did], !queue.isEmpty {
            let next = queue.removeFirst()
            held[did] = queue
            guard await link.sendFirehose(next.event) else {
                held[did, default: []].insert(next, at: 0)
                return
            }
        }
        held[did] = nil
        accounts[did] = .some(link)
    }

    /// Known accounts that have the grant but no session (after a relay restart, say).
    func track(did: String) {
        if accounts[did] == nil { accounts[did] = .some(nil) }
    }

    func offline(did: String, link: DeviceLink) {
        if case .some(let current?) = accounts[did], current === link { accounts[did] = .some(nil) }
    }

    func forget(did: String) {
        accounts[did] = nil
        held[did] = nil
    }

    func route(_ frame: NetworkFirehoseFrame) async {
        cursor = frame.seq
        let author = Self.author(of: frame.bytes)
        for (did, link) in accounts where did != author && Self.mentions(frame.bytes, did) {
            let event = FirehoseEvent(seq: Int(frame.seq), event: frame.bytes)
            routed += 1
            if let link, await link.availability() == .online, await link.sendFirehose(event) { continue }
            if case .some(let current?) = accounts[did], current === link { accounts[did] = .some(nil) }
            hold(event, for: did)
        }
    }

    private func hold(_ event: FirehoseEvent, for did: String) {
        let now = clock()
        var queue = held[did, default: []]
        queue.append((event, now))
        queue.removeFirst(max(0, queue.count - heldLimit))
        if let cut = queue.firstIndex(where: { now - $0.at <= retentionSeconds }) { queue.removeFirst(cut) } else { queue = [] }
        held[did] = queue
    }

    func heldCount(did: String) -> Int { held[did]?.count ?? 0 }

    /// The frame body's `repo` (the account that made the event), if it has one.
    static func author(of frame: [UInt8]) -> String? {
        guard case .map(let body)? = try? FirehoseFrame.body(of: frame) else { return nil }
        return body["repo"]?.stringValue ?? body["did"]?.stringValue
    }

    /// Whether the DID appears anywhere in the frame (as a string value of a record, a URI's authority, ...).
    static func mentions(_ frame: [UInt8], _ did: String) -> Bool {
        let needle = Array(did.utf8)
        guard !needle.isEmpty, frame.count >= needle.count else { return false }
        var i = 0
        while i <= frame.count - needle.count {
            if frame[i] == needle[0], frame[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
