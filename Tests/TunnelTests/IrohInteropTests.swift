import Foundation
import Testing
import TestSupport
@testable import Tunnel

/// Against the real iroh 1.2.0 from PyPI, relays disabled, loopback only. Each peer prints a JSON
/// line when ready; the tests wait on those lines (bounded), never on sleeps.
@Suite(.serialized) struct IrohInteropTests {
    static let alpn = "dpds/tunnel-test/1"

    static func startIrohEcho() throws -> (PeerProcess, EndpointId, SocketAddress) {
        let peer = try PeerProcess("tunnel_iroh_echo.py", [alpn])
        let ready = try peer.nextJSON()
        let id = try EndpointId(hex: ready["endpoint_id"] as! String)
        let addr = try SocketAddress((ready["addrs"] as! [String])[0])
        return (peer, id, addr)
    }

    static func echo(_ connection: Connection, bytes: Int, seed: UInt8) async throws -> Bool {
        let payload = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) }
        let stream = try await connection.openBidirectionalStream()
        async let sent: Void = { try await stream.write(payload); try await stream.finish() }()
        let back = try await stream.readToEnd(limit: bytes + 1)
        try await sent
        return back == payload
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func ourDialToIrohEcho() async throws {
        let (peer, id, addr) = try Self.startIrohEcho()
        defer { peer.stop() }
        let endpoint = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        defer { endpoint.close() }
        let connection = try await endpoint.dial(endpointId: id, addresses: [addr], alpn: Self.alpn)
        #expect(connection.remoteEndpointId == id)
        #expect(try await Self.echo(connection, bytes: 1 << 20, seed: 1))
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<16 { group.addTask { try await Self.echo(connection, bytes: 64 << 10, seed: UInt8(i)) } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
        let connected = try peer.waitFor { $0["event"] as? String == "connected" }
        #expect(connected["remote"] as? String == endpoint.endpointId.hex)
        print("ours -> iroh: 1 MiB and 16 x 64 KiB echoed; rtt \(connection.stats?.smoothedRTT ?? .zero)")
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func irohDialsOurListen() async throws {
        let endpoint = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        defer { endpoint.close() }
        endpoint.listen(alpns: [Self.alpn])
        let server = Task { try await TestEcho.serve(endpoint, connections: 2) }
        let target = "\(endpoint.endpointId.hex)@\(endpoint.localAddress)"
        for (bytes, streams) in [(1 << 20, 1), (64 << 10, 16)] {
            let out = try await Peers.run("tunnel_iroh_dial.py", [target, Self.alpn, "\(bytes)", "\(streams)"], timeout: 120)
            let result = try JSONSerialization.jsonObject(with: out) as! [String: Any]
            #expect(result["ok"] as? Bool == true, "\(result)")
            #expect(result["remote"] as? String == endpoint.endpointId.hex)
            print("iroh -> ours: \(streams) x \(bytes) bytes echoed, handshake \(result["handshake_ms"] ?? "?") ms")
        }
        let remotes = try await server.value
        #expect(remotes.count == 2)
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func wrongEndpointIdWeDial() async throws {
        let (peer, _, addr) = try Self.startIrohEcho()
        defer { peer.stop() }
        let endpoint = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        defer { endpoint.close() }
        let wrong = SecretKey().endpointId
        await #expect {
            _ = try await endpoint.dial(endpointId: wrong, addresses: [addr], alpn: Self.alpn)
        } throws: { ($0 as? TunnelError)?.isAuthenticationFailure == true }
        let failure = try peer.waitFor { $0["event"] as? String == "error" }
        let message = failure["message"] as? String ?? ""
        print("iroh listener saw: \(message)")
        #expect(message.contains("42") || message.lowercased().contains("certificate"))
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func wrongEndpointIdIrohDials() async throws {
        let endpoint = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        defer { endpoint.close() }
        endpoint.listen(alpns: [Self.alpn])
        let failures = endpoint.handshakeFailures()
        let target = "\(SecretKey().endpointId.hex)@\(endpoint.localAddress)"
        let out = try await Peers.run("tunnel_iroh_dial.py", [target, Self.alpn, "10", "1"], timeout: 120)
        let result = try JSONSerialization.jsonObject(with: out) as! [String: Any]
        #expect(result["ok"] as? Bool == false)
        let message = result["error"] as? String ?? ""
        print("iroh dialer saw: \(message)")
        #expect(message.contains("UnknownIssuer") || message.lowercased().contains("certificate"))
        var iterator = failures.makeAsyncIterator()
        let ours = await iterator.next()
        print("our listener saw: \(String(describing: ours))")
        #expect(ours?.isAuthenticationFailure == true)
    }
}

enum TestEcho {
    /// Accepts `connections` connections and echoes their bidirectional streams; returns the
    /// remote ids once each connection has ended.
    static func serve(_ endpoint: Endpoint, connections: Int) async throws -> [EndpointId] {
        var remotes: [EndpointId] = []
        for _ in 0..<connections {
            let connection = try await endpoint.accept()
            remotes.append(connection.remoteEndpointId)
            await withTaskGroup(of: Void.self) { group in
                while let stream = try? await connection.acceptBidirectionalStream() {
                    group.addTask {
                        while let chunk = try? await stream.read() { try? await stream.write(chunk) }
                        try? await stream.finish()
                    }
                }
            }
        }
        return remotes
    }
}
