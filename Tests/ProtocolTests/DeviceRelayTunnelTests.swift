// Runs only where the ProtocolTests target can see the Tunnel module (Package.swift: add "Tunnel" to
// ProtocolTests' dependencies to make it explicit); elsewhere the file compiles to nothing.
#if canImport(CNgtcp2) && canImport(Tunnel)
import Foundation
import Testing
@testable import Protocol
import Tunnel

/// A pairing handshake and a commit push/ack between the two sans-IO sessions over a real QUIC
/// tunnel on loopback (ALPN `dpds/device-relay/1`, control stream opened by the device).
@Suite struct DeviceRelayTunnelTests {
    static func ms(since start: ContinuousClock.Instant) -> Int {
        let d = ContinuousClock.now - start
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The relay: accept one connection, run a `RelaySession` on its control stream until the first ack.
    static func serveOne(_ server: Endpoint) async throws -> (did: String?, signatures: Int, key: any PublicKey) {
        let start = ContinuousClock.now
        let connection = try await server.accept()
        let control = try await connection.acceptBidirectionalStream()
        let store = Fixture.store()
        var session = RelaySession(policy: .preset(.pro), endpointID: connection.remoteEndpointId.bytes, now: 0)
        while let bytes = try await control.read() {
            var pending = session.receive(bytes, now: ms(since: start))
            while !pending.isEmpty {
                let action = pending.removeFirst()
                switch action {
                case .send(let out): try await control.write(out)
                case .authenticate(let auth):
                    switch store.authenticate(auth) {
                    case .success(let head): pending += session.accept(head: head, now: ms(since: start))
                    case .failure(let reject): pending += session.reject(reject)
                    }
                case .commitReceived(let push):
                    switch store.sign(push) {
                    case .success(let ack):
                        try await control.write(Frame.encode(ack))
                        _ = try session.acknowledge(ack)  // bookkeeping; the bytes were written just above
                        return (session.did, store.signatures, store.key.publicKey)
                    case .failure(let reject): pending += try session.rejectCommit(reject)
                    }
                case .close(let code, let reason): connection.close(code: code.rawValue, reason: reason)
                default: break
                }
            }
        }
        return (session.did, store.signatures, store.key.publicKey)
    }

    /// Every wait in this test is bounded: the run fails instead of hanging if a peer stalls.
    static func bounded<T: Sendable>(seconds: Int = 60, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: .seconds(seconds)); return nil }
            defer { group.cancelAll() }
            guard let value = try await group.next() ?? nil else {
                throw TunnelError.invalidArgument("no answer within \(seconds) s")
            }
            return value
        }
    }

    @Test func handshakeAndPushOverLoopbackTunnel() async throws {
        try await Self.bounded { try await Self.handshakeAndPush() }
    }

    static func handshakeAndPush() async throws {
        let server = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        server.listen(alpns: [DeviceRelayProtocol.alpn])
        let client = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        defer { client.close(); server.close() }
        let relay = Task { try await serveOne(server) }

        let start = ContinuousClock.now
        let connection = try await client.dial(endpointId: server.endpointId, addresses: [server.localAddress],
                                               alpn: DeviceRelayProtocol.alpn)
        let control = try await connection.openBidirectionalStream()
        var device = DeviceSession(configuration: Fixture.pairing())
        var welcome: Welcome?
        var acked: (CommitAck, CommitPush)?
        var pending = device.start(now: 0)
        outer: while true {
            while !pending.isEmpty {
                switch pending.removeFirst() {
                case .send(let out): try await control.write(out)
                case .established(let w, _):
                    welcome = w
                    pending += try device.push(Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil), now: ms(since: start))
                case .commitAcked(let ack, let push):
                    acked = (ack, push)
                    break outer
                case .rejected(let r): Issue.record("rejected: \(r)"); break outer
                case .close(let code, let reason): Issue.record("closed \(code): \(reason)"); break outer
                default: break
                }
            }
            guard let bytes = try await control.read() else { break }
            pending = device.receive(bytes, now: ms(since: start))
        }
        connection.close(code: CloseCode.noError.rawValue)
        let served = try await relay.value

        #expect(welcome?.paired == true && welcome?.tier == "pro")
        let (ack, push) = try #require(acked)
        #expect(ack.rev == "3lbx5yqqtkc2a" && ack.seq == 1001)
        #expect(served.did == Fixture.did && served.signatures == 1)
        try ack.verify(for: push, signingKey: served.key)
        // The relay knew the device by its TLS endpoint id, which is what later connections use.
        #expect(connection.remoteEndpointId == server.endpointId)
    }
}
#endif
