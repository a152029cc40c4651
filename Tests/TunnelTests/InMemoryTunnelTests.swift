import Testing
@testable import Tunnel

/// Two sans-IO endpoints in memory on a virtual clock, with seeded loss, reordering, duplication
/// and delay. No sockets, no sleeps: each run is reproducible from its seed.
@Suite struct InMemoryTunnelTests {
    static let alpn = "dpds/test/1"

    static func pair(seed: UInt64, _ impairment: VirtualNetwork.Impairment = .init(), config: TunnelConfig = TunnelConfig(),
                     listen: [String] = [alpn]) throws -> (VirtualNetwork, SimulatedPeers) {
        let a = try EndpointCore(secretKey: SecretKey(), config: config, localAddress: SocketAddress("10.0.0.1:5000"))
        let b = try EndpointCore(secretKey: SecretKey(), config: config, localAddress: SocketAddress("10.0.0.2:6000"))
        b.listenALPNs = listen
        let net = VirtualNetwork(a, b, seed: seed, impairment: impairment)
        return (net, SimulatedPeers(net))
    }

    static func echo(_ net: VirtualNetwork, _ peers: SimulatedPeers, streams: Int, bytes: Int) throws {
        let a = net.nodes[0], b = net.nodes[1]
        let h = try a.dial(b.endpointId, remote: b.localAddress, alpn: alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientEstablished.contains(h) || !peers.clientClosed.isEmpty }
        #expect(peers.clientClosed.isEmpty)
        #expect(a.remoteId(h) == b.endpointId)
        #expect(a.alpn(h) == alpn)
        var sent: [Int64: [UInt8]] = [:]
        for i in 0..<streams {
            let p = payload(bytes, seed: UInt64(i))
            sent[try peers.send(h, p)] = p
        }
        try net.run { try peers.handleEvents(); return peers.finished.count == streams || !peers.clientClosed.isEmpty }
        #expect(peers.clientClosed.isEmpty)
        for (s, p) in sent { #expect(peers.received[s] == p, "stream \(s) echo differs") }
        #expect(peers.serverHandles.count == 1)
        if let sh = peers.serverHandles.first { #expect(b.remoteId(sh) == a.endpointId) }
    }

    @Test func cleanLinkEcho() throws {
        let (net, peers) = try Self.pair(seed: 1)
        try Self.echo(net, peers, streams: 4, bytes: 200_000)
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func lossyLinkEcho(seed: UInt64) throws {
        let impairment = VirtualNetwork.Impairment(loss: 0.1, duplicate: 0.05, reorder: 0.1, delay: 10_000_000, jitter: 5_000_000)
        let (net, peers) = try Self.pair(seed: seed, impairment)
        try Self.echo(net, peers, streams: 8, bytes: 100_000)
        print("seed \(seed): delivered \(net.delivered), dropped \(net.dropped), duplicated \(net.duplicated)")
        #expect(net.dropped > 0)
    }

    @Test func wrongEndpointIdFailsOnBothSides() throws {
        let (net, peers) = try Self.pair(seed: 2)
        let impostor = SecretKey().endpointId
        let h = try net.nodes[0].dial(impostor, remote: net.nodes[1].localAddress, alpn: Self.alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientClosed[h] != nil && !peers.serverClosed.isEmpty }
        #expect(peers.clientClosed[h]?.isAuthenticationFailure == true, "\(String(describing: peers.clientClosed[h]))")
        #expect(peers.serverClosed.values.first?.isAuthenticationFailure == true, "\(peers.serverClosed)")
        #expect(peers.clientEstablished.isEmpty && peers.serverHandles.isEmpty)
    }

    @Test func unknownALPNFailsOnBothSides() throws {
        let (net, peers) = try Self.pair(seed: 3, listen: ["other/1"])
        let h = try net.nodes[0].dial(net.nodes[1].endpointId, remote: net.nodes[1].localAddress, alpn: Self.alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientClosed[h] != nil && !peers.serverClosed.isEmpty }
        #expect(peers.clientClosed[h] == .alpnMismatch)
        #expect(peers.serverClosed.values.first == .alpnMismatch)
    }

    @Test func malformedPacketsAreDroppedNotFatal() throws {
        let (net, peers) = try Self.pair(seed: 4)
        let a = net.nodes[0], b = net.nodes[1]
        var rng = SeededGenerator(seed: 99)
        for n in [0, 1, 5, 20, 1200, 1500] {
            b.receive((0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }, from: a.localAddress, now: net.now)
        }
        #expect(b.connections.isEmpty)
        let h = try a.dial(b.endpointId, remote: b.localAddress, alpn: Self.alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientEstablished.contains(h) }
        // Garbage that carries a live connection id: fails to decrypt, is discarded.
        for _ in 0..<50 {
            var junk = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
            junk[0] = 0x40 | (junk[0] & 0x3f)
            b.receive(junk, from: a.localAddress, now: net.now)
            a.receive(junk, from: b.localAddress, now: net.now)
        }
        let p = payload(50_000, seed: 7)
        let s = try peers.send(h, p)
        try net.run { try peers.handleEvents(); return peers.finished.contains(s) || !peers.clientClosed.isEmpty }
        #expect(peers.received[s] == p)
        #expect(b.droppedDatagrams >= 6)
    }

    @Test func silentPeerGivesIdleTimeout() throws {
        var config = TunnelConfig()
        config.idleTimeout = .seconds(3)
        config.keepAlive = .seconds(1)
        let (net, peers) = try Self.pair(seed: 5, config: config)
        let h = try net.nodes[0].dial(net.nodes[1].endpointId, remote: net.nodes[1].localAddress, alpn: Self.alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientEstablished.contains(h) }
        let start = net.now
        net.silenced = [1]
        try net.run { try peers.handleEvents(); return peers.clientClosed[h] != nil }
        #expect(peers.clientClosed[h] == .idleTimeout)
        #expect(net.now - start >= 3_000_000_000)
    }

    @Test func keepAliveHoldsAnIdleConnection() throws {
        var config = TunnelConfig()
        config.idleTimeout = .seconds(3)
        config.keepAlive = .seconds(1)
        let (net, peers) = try Self.pair(seed: 6, config: config)
        let h = try net.nodes[0].dial(net.nodes[1].endpointId, remote: net.nodes[1].localAddress, alpn: Self.alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientEstablished.contains(h) }
        let until = net.now + 20_000_000_000
        try net.run { try peers.handleEvents(); return net.now >= until || !peers.clientClosed.isEmpty }
        #expect(peers.clientClosed.isEmpty && peers.serverClosed.isEmpty)
    }

    @Test func dialerMigratesToANewAddress() throws {
        let (net, peers) = try Self.pair(seed: 8)
        let a = net.nodes[0], b = net.nodes[1]
        let h = try a.dial(b.endpointId, remote: b.localAddress, alpn: Self.alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientEstablished.contains(h) }
        let first = payload(300_000, seed: 1)
        let s1 = try peers.send(h, first)
        for _ in 0..<40 { net.step(); try peers.handleEvents() }
        #expect(peers.received[s1, default: []].count < first.count, "moved mid-transfer")
        a.rebind(to: try SocketAddress("10.0.9.9:7777"), now: net.now)
        try net.run { try peers.handleEvents(); return peers.finished.contains(s1) || !peers.clientClosed.isEmpty }
        #expect(peers.received[s1] == first)
        let sh = try #require(peers.serverHandles.first)
        #expect(b.connections[sh]?.remoteAddress == (try SocketAddress("10.0.9.9:7777")))
        print("migration: delivered \(net.delivered), dropped \(net.dropped)")
    }

    @Test func unreadDataStopsTheSenderUntilRead() throws {
        var config = TunnelConfig()
        config.streamWindow = 64 << 10
        config.maxStreamWindow = 64 << 10
        let (net, peers) = try Self.pair(seed: 9, config: config)
        peers.serverReads = false
        let a = net.nodes[0], b = net.nodes[1]
        let h = try a.dial(b.endpointId, remote: b.localAddress, alpn: Self.alpn, now: net.now)
        try net.run { try peers.handleEvents(); return peers.clientEstablished.contains(h) }
        let p = payload(1 << 20, seed: 2)
        let s = try peers.send(h, p)
        // With nobody reading, the link goes quiet with most of the payload still unsent.
        try net.run(maxSteps: 100_000) { try peers.handleEvents(); return net.inFlight.isEmpty && net.now > 5_000_000_000 }
        let stuck = try a.unacknowledged(h, stream: s)
        #expect(stuck > 0)
        try peers.resumeServerReads()
        try net.run { try peers.handleEvents(); return peers.finished.contains(s) || !peers.clientClosed.isEmpty }
        #expect(peers.received[s] == p)
    }
}
