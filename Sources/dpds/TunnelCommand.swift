import ArgumentParser
import Foundation
import Tunnel

struct TunnelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunnel",
        abstract: "The iroh-compatible QUIC tunnel (listen, dial).",
        subcommands: [Listen.self, Dial.self]
    )

    static let defaultKeyFile = "tunnel.key"

    /// One JSON object per line on stdout: scripts and tests wait on these lines.
    static func printJSON(_ object: [String: Any]) {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    struct Listen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Listen for iroh-compatible dialers and echo every bidirectional stream back.")

        @Option(help: "Application protocol to accept (repeatable).") var alpn: [String]
        @Option(help: "UDP address to bind.") var bind = "127.0.0.1:0"
        @Option(help: "Ed25519 secret key file (64 hex chars), created 0600 on first use.") var key = TunnelCommand.defaultKeyFile

        func run() async throws {
            let endpoint = try Endpoint(secretKey: SecretKey.loadOrCreate(path: key), bind: SocketAddress(bind))
            endpoint.listen(alpns: alpn)
            // Key order as documented: endpoint_id first.
            let ready = "{\"endpoint_id\":\"\(endpoint.endpointId.hex)\",\"addrs\":[\"\(endpoint.localAddress)\"]}\n"
            FileHandle.standardOutput.write(Data(ready.utf8))
            while true {
                let connection = try await endpoint.accept()
                Task { await Self.echo(connection) }
            }
        }

        static func echo(_ connection: Connection) async {
            await withTaskGroup(of: Void.self) { group in
                while let stream = try? await connection.acceptBidirectionalStream() {
                    group.addTask {
                        do {
                            while let chunk = try await stream.read() { try await stream.write(chunk) }
                            try await stream.finish()
                        } catch {
                            FileHandle.standardError.write(Data("stream \(stream.id): \(error)\n".utf8))
                        }
                    }
                }
            }
        }
    }

    struct Dial: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dial ENDPOINT_ID@HOST:PORT, echo N bytes over one bidirectional stream, print the figures.")

        @Argument(help: "ENDPOINT_ID@HOST:PORT") var target: String
        @Option(help: "Application protocol.") var alpn: String
        @Option(help: "Bytes to send and expect back.") var bytes = 1 << 20
        @Option(help: "Ed25519 secret key file (64 hex chars), created 0600 on first use.") var key = TunnelCommand.defaultKeyFile

        func run() async throws {
            do {
                let parts = target.split(separator: "@", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("target must be ENDPOINT_ID@HOST:PORT") }
                let id = try EndpointId(hex: parts[0])
                let remote = try SocketAddress(parts[1])
                let local = remote.family == AF_INET6 ? "[::]:0" : "0.0.0.0:0"
                let endpoint = try Endpoint(secretKey: SecretKey.loadOrCreate(path: key), bind: SocketAddress(local))
                defer { endpoint.close() }
                let connection = try await endpoint.dial(endpointId: id, addresses: [remote], alpn: alpn)
                let payload = (0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
                let start = ContinuousClock.now
                let stream = try await connection.openBidirectionalStream()
                async let sent: Void = { try await stream.write(payload); try await stream.finish() }()
                let echoed = try await stream.readToEnd(limit: bytes + 1)
                try await sent
                let elapsed = ContinuousClock.now - start
                guard echoed == payload else { throw ValidationError("echo differs from what was sent (\(echoed.count) of \(bytes) bytes back)") }
                let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let rtt = connection.stats.map { Double($0.smoothedRTT.components.attoseconds) / 1e15 + Double($0.smoothedRTT.components.seconds) * 1e3 } ?? 0
                connection.close(code: 0, reason: "done")
                TunnelCommand.printJSON(["rtt_ms": rtt, "bytes": bytes, "mbps": Double(bytes) * 8 / secs / 1e6])
            } catch {
                FileHandle.standardError.write(Data("dpds tunnel dial: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
