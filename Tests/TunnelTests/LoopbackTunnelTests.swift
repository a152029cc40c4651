import Foundation
import Testing
@testable import Tunnel

/// Our endpoint against our endpoint over real UDP sockets on loopback.
@Suite struct LoopbackTunnelTests {
    static let alpn = "dpds/loopback-test/1"

    static func pair(config: TunnelConfig = TunnelConfig()) throws -> (Endpoint, Endpoint) {
        let server = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"), config: config)
        server.listen(alpns: [alpn])
        let client = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"), config: config)
        return (server, client)
    }

    @Test func echoAndRemoteIds() async throws {
        let (server, client) = try Self.pair()
        defer { client.close(); server.close() }
        let serving = Task { try await TestEcho.serve(server, connections: 1) }
        let connection = try await client.dial(endpointId: server.endpointId, addresses: [server.localAddress], alpn: Self.alpn)
        #expect(connection.remoteEndpointId == server.endpointId)
        #expect(connection.alpn == Self.alpn)
        #expect(try await IrohInteropTests.echo(connection, bytes: 3 << 20, seed: 3))
        let stats = try #require(connection.stats)
        #expect(stats.bytesSent > 3 << 20 && stats.smoothedRTT > .zero)
        connection.close(code: 7, reason: "bye")
        #expect(try await serving.value == [client.endpointId])
    }

    @Test func moreStreamsThanTheLimitOverTime() async throws {
        var config = TunnelConfig()
        config.maxStreamsBidi = 8
        let (server, client) = try Self.pair(config: config)
        defer { client.close(); server.close() }
        let serving = Task { try await TestEcho.serve(server, connections: 1) }
        let connection = try await client.dial(endpointId: server.endpointId, addresses: [server.localAddress], alpn: Self.alpn)
        for i in 0..<40 { #expect(try await IrohInteropTests.echo(connection, bytes: 100, seed: UInt8(i))) }
        connection.close()
        _ = try await serving.value
    }

    @Test func applicationCloseCodeReachesThePeer() async throws {
        let (server, client) = try Self.pair()
        defer { client.close(); server.close() }
        let accepted = Task { try await server.accept() }
        let connection = try await client.dial(endpointId: server.endpointId, addresses: [server.localAddress], alpn: Self.alpn)
        let theirs = try await accepted.value
        connection.close(code: 42, reason: "done here")
        #expect(await theirs.closed() == .closedByPeer(code: 42, reason: "done here"))
        #expect(await connection.closed() == .closedLocally(code: 42))
    }

    @Test func wrongIdAndWrongALPNAreRefused() async throws {
        let (server, client) = try Self.pair()
        defer { client.close(); server.close() }
        let failures = server.handshakeFailures()
        await #expect(throws: TunnelError.self) {
            _ = try await client.dial(endpointId: SecretKey().endpointId, addresses: [server.localAddress], alpn: Self.alpn)
        }
        var it = failures.makeAsyncIterator()
        #expect(await it.next()?.isAuthenticationFailure == true)
        await #expect(throws: TunnelError.alpnMismatch) {
            _ = try await client.dial(endpointId: server.endpointId, addresses: [server.localAddress], alpn: "nope/1")
        }
        #expect(await it.next() == .alpnMismatch)
    }

    @Test func dialerSurvivesRebinding() async throws {
        let (server, client) = try Self.pair()
        defer { client.close(); server.close() }
        let serving = Task { try await TestEcho.serve(server, connections: 1) }
        let connection = try await client.dial(endpointId: server.endpointId, addresses: [server.localAddress], alpn: Self.alpn)
        #expect(try await IrohInteropTests.echo(connection, bytes: 100_000, seed: 1))
        let before = client.localAddress
        try client.rebind()
        #expect(client.localAddress != before)
        #expect(try await IrohInteropTests.echo(connection, bytes: 1 << 20, seed: 2))
        connection.close()
        _ = try await serving.value
    }

    @Test func reconnectorRedialsAfterDrops() async throws {
        var config = TunnelConfig()
        config.handshakeTimeout = .milliseconds(500)
        let (server, client) = try Self.pair(config: config)
        defer { client.close(); server.close() }
        server.listen(alpns: [])
        let reconnector = Reconnector(endpoint: client, endpointId: server.endpointId, addresses: [server.localAddress],
                                      alpn: Self.alpn, backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(400)))
        defer { reconnector.stop() }
        var events = reconnector.events.makeAsyncIterator()
        // Nobody accepts yet: the first attempt times out and a retry is scheduled.
        guard case .down = await events.next() else { Issue.record("expected down"); return }
        guard case .retrying(1, _) = await events.next() else { Issue.record("expected retrying"); return }
        server.listen(alpns: [Self.alpn])
        var up: Connection?
        while up == nil, let e = await events.next() {
            if case .up(let c) = e { up = c }
        }
        let first = try #require(up)
        let theirs = try await server.accept()
        theirs.close(code: 9, reason: "relay restarting")
        var down: TunnelError?
        while down == nil, let e = await events.next() { if case .down(let err) = e { down = err } }
        #expect(down == .closedByPeer(code: 9, reason: "relay restarting"))
        _ = first
        var again = false
        while !again, let e = await events.next() { if case .up = e { again = true } }
        #expect(again)
    }

    @Test func keyFileIsCreatedPrivateAndReloaded() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-key-\(UUID()).key").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let created = try SecretKey.loadOrCreate(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try SecretKey.loadOrCreate(path: path).endpointId == created.endpointId)
        #expect(created.endpointId.hex.count == 64)
        try "not a key".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: TunnelError.self) { _ = try SecretKey.loadOrCreate(path: path) }
    }
}
