import Foundation
import Tunnel

/// The machine's ceiling for an encrypted byte stream: TLS 1.3 over a loopback TCP socket with
/// `openssl s_server` / `s_client`, the same byte count one way. The server's stdout (what it
/// decrypted) comes back through a pipe and is counted; the clock stops at the last byte.
enum TLSOverTCPCeiling {
    static func measure(bytes: Int) -> [TunnelBench.Row] {
        let openssl = "/usr/bin/openssl"
        guard FileManager.default.isExecutableFile(atPath: openssl) else {
            print("TLS-over-TCP row skipped: no \(openssl)")
            return []
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-tls-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let key = dir.appendingPathComponent("key.pem").path, cert = dir.appendingPathComponent("cert.pem").path
            try NgtcpExamples.run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost"])
            let port = 40000 + Int(getpid() % 20000)
            let server = Process()
            server.executableURL = URL(fileURLWithPath: openssl)
            server.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-tls1_3", "-quiet", "-naccept", "1"]
            let received = Pipe(), serverInput = Pipe()  // s_server quits when its stdin ends
            server.standardInput = serverInput
            server.standardOutput = received
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer {
                try? serverInput.fileHandleForWriting.close()
                if server.isRunning { kill(server.processIdentifier, SIGKILL) }
                server.waitUntilExit()
            }
            usleep(300_000)  // s_server -quiet prints nothing when ready; give it a moment to bind

            let client = Process()
            client.executableURL = URL(fileURLWithPath: openssl)
            client.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_3", "-quiet", "-no_ign_eof"]
            let input = Pipe()
            client.standardInput = input
            client.standardOutput = FileHandle.nullDevice
            client.standardError = FileHandle.nullDevice
            let t = ContinuousClock.now
            try client.run()
            let writer = Thread {
                let chunk = Data(count: 1 << 20)
                var left = bytes
                while left > 0 {
                    let n = min(left, chunk.count)
                    input.fileHandleForWriting.write(n == chunk.count ? chunk : chunk.prefix(n))
                    left -= n
                }
                try? input.fileHandleForWriting.close()
            }
            writer.start()
            var got = 0
            let reader = received.fileHandleForReading
            while got < bytes {
                let data = reader.availableData
                if data.isEmpty { break }
                got += data.count
            }
            let secs = TunnelBench.seconds(ContinuousClock.now - t)
            client.waitUntilExit()
            guard got == bytes else { print("TLS-over-TCP: server received \(got) of \(bytes) bytes"); return [] }
            TunnelBench.progress("TLS over TCP done")
            return [TunnelBench.Row(name: "TLS 1.3 over loopback TCP (openssl s_client -> s_server, incl. process start)",
                                    mbps: Double(bytes) / secs / 1e6, bulkBytes: bytes)]
        } catch {
            print("TLS-over-TCP row failed: \(error)")
            return []
        }
    }
}
