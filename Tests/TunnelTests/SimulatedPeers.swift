@testable import Tunnel

/// Drives the application side of the simulation: an echo server on node 1, and on node 0 a
/// client that sends payloads on streams and collects what comes back.
final class SimulatedPeers {
    let net: VirtualNetwork
    var serverHandles: [ConnectionHandle] = []
    var serverClosed: [ConnectionHandle: TunnelError] = [:]
    var clientEstablished: Set<ConnectionHandle> = []
    var clientClosed: [ConnectionHandle: TunnelError] = [:]
    private var echoBuffers: [Int64: [UInt8]] = [:]
    private var echoed: Set<Int64> = []
    var received: [Int64: [UInt8]] = [:]
    var finished: Set<Int64> = []
    /// When false the echo server stops reading (to test backpressure).
    var serverReads = true
    private var pendingSends: [(ConnectionHandle, Int64, [UInt8])] = []

    init(_ net: VirtualNetwork) { self.net = net }

    func handleEvents() throws {
        for e in net.takeEvents(1) {
            switch e {
            case .established(let h): serverHandles.append(h)
            case .closed(let h, let err): serverClosed[h] = err
            case .readable(let h, let s): if serverReads { try drainEcho(h, s) }
            default: break
            }
        }
        for e in net.takeEvents(0) {
            switch e {
            case .established(let h): clientEstablished.insert(h)
            case .closed(let h, let err): clientClosed[h] = err
            case .readable(let h, let s): try drainClient(h, s)
            default: break
            }
        }
        try pushPendingSends()
    }

    func resumeServerReads() throws {
        serverReads = true
        for h in serverHandles {
            for s in net.nodes[1].connections[h]?.streams.keys.sorted() ?? [] { try drainEcho(h, s) }
        }
    }

    private func drainEcho(_ h: ConnectionHandle, _ s: Int64) throws {
        let core = net.nodes[1]
        while true {
            switch try core.read(h, stream: s) {
            case .data(let d): echoBuffers[s, default: []] += d
            case .end:
                if echoed.insert(s).inserted {
                    try core.write(h, stream: s, echoBuffers.removeValue(forKey: s) ?? [], fin: true)
                }
                return
            case .reset, .wouldBlock: return
            }
        }
    }

    private func drainClient(_ h: ConnectionHandle, _ s: Int64) throws {
        while true {
            switch try net.nodes[0].read(h, stream: s) {
            case .data(let d): received[s, default: []] += d
            case .end: finished.insert(s); return
            case .reset, .wouldBlock: return
            }
        }
    }

    /// Queues a payload; written in 64 KiB pieces as the send buffer drains (like the async API).
    func send(_ h: ConnectionHandle, _ payload: [UInt8]) throws -> Int64 {
        guard let s = try net.nodes[0].openStream(h) else { throw TunnelError.invalidArgument("stream limit") }
        pendingSends.append((h, s, payload))
        try pushPendingSends()
        return s
    }

    private func pushPendingSends() throws {
        let core = net.nodes[0]
        for i in pendingSends.indices {
            let (h, s, rest) = pendingSends[i]
            guard !rest.isEmpty || true else { continue }
            var remaining = rest
            while try core.unacknowledged(h, stream: s) < 256 << 10, !remaining.isEmpty {
                let piece = Array(remaining.prefix(64 << 10))
                remaining.removeFirst(piece.count)
                try core.write(h, stream: s, piece, fin: remaining.isEmpty)
            }
            pendingSends[i].2 = remaining
        }
        pendingSends.removeAll { $0.2.isEmpty }
    }
}

func payload(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}
