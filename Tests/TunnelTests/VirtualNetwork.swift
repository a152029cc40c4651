@testable import Tunnel

/// Two sans-IO endpoint cores joined by a simulated lossy link on a virtual clock. Every random
/// choice comes from a seeded generator, so a run is reproducible.
final class VirtualNetwork {
    struct Impairment {
        var loss = 0.0
        var duplicate = 0.0
        var reorder = 0.0
        var delay: UInt64 = 5_000_000       // one-way, ns
        var jitter: UInt64 = 0
    }

    struct InFlight { let at: UInt64; let seq: Int; let to: Int; let datagram: Datagram }

    var now: UInt64 = 1_000_000_000
    var rng: SeededGenerator
    var impairment: Impairment
    let nodes: [EndpointCore]
    var inFlight: [InFlight] = []
    var seq = 0
    var events: [[CoreEvent]] = [[], []]
    /// When set, datagrams from that node vanish (a peer that stopped answering).
    var silenced: Set<Int> = []
    var delivered = 0, dropped = 0, duplicated = 0

    init(_ a: EndpointCore, _ b: EndpointCore, seed: UInt64, impairment: Impairment = Impairment()) {
        nodes = [a, b]
        rng = SeededGenerator(seed: seed)
        self.impairment = impairment
    }

    func index(of address: SocketAddress) -> Int? {
        nodes.firstIndex { $0.localAddress == address }
    }

    /// Sends whatever both nodes have queued through the impaired link.
    func pump() {
        for (i, node) in nodes.enumerated() {
            for d in node.flush(now: now) {
                guard !silenced.contains(i), let to = index(of: d.remote) else { dropped += 1; continue }
                if Double.random(in: 0..<1, using: &rng) < impairment.loss { dropped += 1; continue }
                let copies = Double.random(in: 0..<1, using: &rng) < impairment.duplicate ? 2 : 1
                if copies == 2 { duplicated += 1 }
                for _ in 0..<copies {
                    var at = now + impairment.delay
                    if impairment.jitter > 0 { at += UInt64.random(in: 0...impairment.jitter, using: &rng) }
                    if Double.random(in: 0..<1, using: &rng) < impairment.reorder { at += impairment.delay * 2 }
                    seq += 1
                    inFlight.append(InFlight(at: at, seq: seq, to: to, datagram: d))
                }
            }
            events[i].append(contentsOf: node.takeEvents())
        }
    }

    /// Advances virtual time to the next delivery or timer and handles it. False when idle.
    @discardableResult
    func step() -> Bool {
        pump()
        let nextPacket = inFlight.min { ($0.at, $0.seq) < ($1.at, $1.seq) }
        let nextTimer = nodes.compactMap(\.nextDeadline).min()
        guard let t = [nextPacket?.at, nextTimer].compactMap({ $0 }).min() else { return false }
        now = max(now, t)
        if let p = nextPacket, p.at <= now {
            inFlight.removeAll { $0.seq == p.seq }
            nodes[p.to].receive(p.datagram.bytes, from: p.datagram.local, now: now)
            delivered += 1
        }
        for node in nodes { node.handleTimers(now: now) }
        pump()
        return true
    }

    /// Runs until `done` holds, failing after `maxSteps` (a bound, never a sleep).
    func run(maxSteps: Int = 2_000_000, until done: () throws -> Bool) throws {
        var steps = 0
        while try !done() {
            steps += 1
            if steps > maxSteps { throw SimulationError.didNotFinish }
            if !step() { throw SimulationError.idle }
        }
    }

    func takeEvents(_ i: Int) -> [CoreEvent] {
        defer { events[i].removeAll() }
        return events[i]
    }

    enum SimulationError: Error { case didNotFinish, idle }
}

/// SplitMix64: small, seeded, good enough to choose which packets to drop.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
