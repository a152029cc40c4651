import ArgumentParser
import Foundation
import Tunnel

/// Handshake, echo RTT and one-way bulk throughput on loopback: ours<->ours, ours<->iroh and
/// iroh<->iroh (PyPI iroh via tests/peers/tunnel_iroh_bench.py), next to ngtcp2's own C examples
/// when Debian's ngtcp2-client / ngtcp2-server are installed, and TLS 1.3 over TCP (openssl) as
/// the machine's ceiling. Streams start with a mode byte:
/// "E" echo, "S" sink (answer with the byte count).
struct TunnelBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tunnel", abstract: "Tunnel handshake, RTT and bulk throughput next to iroh and ngtcp2's examples.")

    @Option(help: "Bulk bytes for ours<->ours and ngtcp2.") var bulk = 256 << 20
    @Option(help: "Bulk bytes for rows with Python iroh (CPU-bound at a few MB/s).") var irohBulk = 32 << 20
    @Option(help: "Echo round trips per row.") var rtts = 200
    @Option(help: "Handshakes per row.") var handshakes = 20
    @Option(help: "Python with iroh installed.") var python = ".venv/bin/python"

    static let alpn = "dpds/bench/1"

    struct Row { var name: String; var handshakeMs: Double?; var p50: Double?; var p99: Double?; var mbps: Double?; var bulkBytes: Int }

    func run() async throws {
        var rows: [Row] = []
        let server = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        server.listen(alpns: [Self.alpn])
        let serving = Task { await BenchServer.serve(server) }
        let target = "\(server.endpointId.hex)@\(server.localAddress)"

        rows.append(try await Self.oursDialing(server.endpointId, server.localAddress, name: "ours -> ours", handshakes: handshakes, rtts: rtts, bulk: bulk))
        rows.append(try await Self.oursDialing(server.endpointId, server.localAddress, name: "ours -> ours, 32 MiB", handshakes: 0, rtts: 0, bulk: irohBulk))
        rows.append(Self.memoryRow(server))
        if FileManager.default.isExecutableFile(atPath: python) {
            rows.append(try Self.irohDialing(python, target, name: "iroh -> ours", rtts: rtts, bulk: irohBulk))
            Self.progress("iroh -> ours done")
            let iroh = try PythonPeer(python: python, arguments: ["tests/peers/tunnel_iroh_bench.py", "server", Self.alpn])
            let ready = try iroh.readJSON()
            let irohId = try EndpointId(hex: ready["endpoint_id"] as! String)
            let irohAddr = try SocketAddress((ready["addrs"] as! [String])[0])
            rows.append(try await Self.oursDialing(irohId, irohAddr, name: "ours -> iroh", handshakes: handshakes, rtts: rtts, bulk: irohBulk))
            rows.append(try Self.irohDialing(python, "\(irohId.hex)@\(irohAddr)", name: "iroh -> iroh", rtts: rtts, bulk: irohBulk))
            iroh.stop()
        } else {
            print("iroh rows skipped: no \(python)")
        }
        rows.append(contentsOf: NgtcpExamples.measure(bytes: bulk))
        rows.append(contentsOf: TLSOverTCPCeiling.measure(bytes: bulk))
        serving.cancel()
        server.close()
        Self.printTable(rows)
    }

    static func oursDialing(_ id: EndpointId, _ addr: SocketAddress, name: String, handshakes: Int, rtts: Int, bulk: Int) async throws -> Row {
        let client = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
        defer { client.close() }
        var hs: [Double] = []
        for _ in 0..<handshakes {
            let t = ContinuousClock.now
            let c = try await client.dial(endpointId: id, addresses: [addr], alpn: alpn)
            hs.append(ms(ContinuousClock.now - t))
            c.close()
        }
        let connection = try await client.dial(endpointId: id, addresses: [addr], alpn: alpn)
        progress("\(name): \(hs.count) handshakes done")
        var samples: [Double] = []
        let probe = [UInt8](repeating: 0x45, count: 33)
        for _ in 0..<rtts {
            let t = ContinuousClock.now
            let s = try await connection.openBidirectionalStream()
            try await s.write(probe)
            try await s.finish()
            _ = try await s.readToEnd()
            samples.append(ms(ContinuousClock.now - t))
        }
        progress("\(name): \(samples.count) round trips done")
        var mbps: Double?
        if bulk > 0 {
            let chunk = [UInt8](repeating: 0, count: 1 << 20)
            let t = ContinuousClock.now
            let s = try await connection.openBidirectionalStream()
            try await s.write([0x53])
            var left = bulk
            while left > 0 {
                let n = min(left, chunk.count)
                try await s.write(n == chunk.count ? chunk : Array(chunk[0..<n]))
                left -= n
            }
            try await s.finish()
            let answer = String(decoding: try await s.readToEnd(), as: UTF8.self)
            guard Int(answer) == bulk else { throw TunnelError.invalidArgument("sink counted \(answer) of \(bulk)") }
            mbps = Double(bulk) / seconds(ContinuousClock.now - t) / 1e6
        }
        connection.close()
        return Row(name: name, handshakeMs: median(hs), p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), mbps: mbps, bulkBytes: bulk)
    }

    static func irohDialing(_ python: String, _ target: String, name: String, rtts: Int, bulk: Int) throws -> Row {
        let peer = try PythonPeer(python: python, arguments: ["tests/peers/tunnel_iroh_bench.py", "client", target, alpn, "\(rtts)", "\(bulk)"])
        let out = try peer.readJSON(timeout: 600)
        let samples = (out["rtt_ms"] as? [Double]) ?? []
        let secs = out["bulk_secs"] as? Double
        return Row(name: name, handshakeMs: out["handshake_ms"] as? Double, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99),
                   mbps: secs.map { Double(bulk) / $0 / 1e6 }, bulkBytes: bulk)
    }

    /// Resident memory of idle connections (both ends live in this process, so per connection
    /// pair divided by two).
    static func memoryRow(_ server: Endpoint) -> Row {
        let n = 200
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var perConnection = 0.0
        Task {
            let client = try Endpoint(secretKey: SecretKey(), bind: SocketAddress("127.0.0.1:0"))
            defer { client.close() }
            let before = residentBytes()
            var held: [Connection] = []
            for _ in 0..<n { held.append(try await client.dial(endpointId: server.endpointId, addresses: [server.localAddress], alpn: alpn)) }
            perConnection = Double(residentBytes() - before) / Double(n) / 2
            held.removeAll()
            semaphore.signal()
        }
        semaphore.wait()
        print(String(format: "memory per idle connection (one end): %.1f KiB (RSS growth over %d connections)", perConnection / 1024, n))
        return Row(name: String(format: "idle connection RSS: %.0f KiB", perConnection / 1024), bulkBytes: 0)
    }

    static func printTable(_ rows: [Row]) {
        func f(_ v: Double?, _ digits: Int = 2) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        print("")
        print("tunnel on loopback (bulk = one way, one stream)")
        print("| pair | handshake ms (median) | echo RTT p50 ms | echo RTT p99 ms | bulk MB/s | bulk bytes |")
        print("|---|---|---|---|---|---|")
        for r in rows {
            print("| \(r.name) | \(f(r.handshakeMs)) | \(f(r.p50, 3)) | \(f(r.p99, 3)) | \(f(r.mbps, 1)) | \(r.bulkBytes > 0 ? "\(r.bulkBytes >> 20) MiB" : "-") |")
        }
    }

    static func progress(_ line: String) { FileHandle.standardError.write(Data("bench: \(line)\n".utf8)) }
    static func ms(_ d: Duration) -> Double { seconds(d) * 1000 }
    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    static func median(_ v: [Double]) -> Double? { percentile(v, 0.5) }
    static func percentile(_ v: [Double], _ p: Double) -> Double? {
        guard !v.isEmpty else { return nil }
        let s = v.sorted()
        return s[min(s.count - 1, Int(Double(s.count - 1) * p + 0.5))]
    }
    static func residentBytes() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
        return (Int(text.split(separator: " ")[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Our side of the bench protocol.
enum BenchServer {
    static func serve(_ endpoint: Endpoint) async {
        await withTaskGroup(of: Void.self) { group in
            while let connection = try? await endpoint.accept() {
                group.addTask {
                    await withTaskGroup(of: Void.self) { streams in
                        while let stream = try? await connection.acceptBidirectionalStream() {
                            streams.addTask { try? await handle(stream) }
                        }
                    }
                }
            }
        }
    }

    static func handle(_ stream: Tunnel.Stream) async throws {
        var mode: UInt8?
        var count = 0
        var echo: [UInt8] = []
        while let chunk = try await stream.read(maxBytes: 1 << 20) {
            var bytes = chunk[...]
            if mode == nil, let first = bytes.first { mode = first; bytes = bytes.dropFirst() }
            count += bytes.count
            if mode == 0x45 { echo += bytes }
        }
        try await stream.write(mode == 0x45 ? echo : Array(String(count).utf8))
        try await stream.finish()
    }
}

/// A Python peer process that prints JSON lines.
final class PythonPeer {
    let process = Process()
    let out = Pipe()
    let input = Pipe()

    init(python: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardOutput = out
        process.standardInput = input
        try process.run()
    }

    func readJSON(timeout: TimeInterval = 60) throws -> [String: Any] {
        var line = Data()
        let handle = out.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        guard let obj = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw TunnelError.invalidArgument("peer printed no JSON")
        }
        return obj
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        // The iroh endpoint's graceful close can wait on peers; the figures are already in.
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// ngtcp2's own GnuTLS example server and client (Debian ngtcp2-server / ngtcp2-client): an
/// HTTP/3 download of `bytes`, the practical limit of the library on this machine.
enum NgtcpExamples {
    static func find(_ name: String) -> String? {
        ["/usr/bin/", "/usr/sbin/", "/usr/local/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func measure(bytes: Int) -> [TunnelBench.Row] {
        guard let server = find("gtlsserver"), let client = find("gtlsclient") else {
            print("ngtcp2 examples skipped: apt-get install ngtcp2-server ngtcp2-client")
            return []
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-ngtcp2-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let www = dir.appendingPathComponent("www"), dl = dir.appendingPathComponent("dl")
            try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: dl, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: www.appendingPathComponent("blob").path, contents: Data(count: bytes))
            try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                         "-keyout", dir.appendingPathComponent("key.pem").path, "-out", dir.appendingPathComponent("cert.pem").path,
                                         "-days", "1", "-subj", "/CN=localhost"])
            let port = 20000 + Int(getpid() % 20000)
            let srv = Process()
            srv.executableURL = URL(fileURLWithPath: server)
            srv.arguments = ["-q", "-d", www.path, "127.0.0.1", "\(port)", dir.appendingPathComponent("key.pem").path, dir.appendingPathComponent("cert.pem").path]
            srv.standardInput = FileHandle.nullDevice
            srv.standardOutput = FileHandle.nullDevice
            srv.standardError = FileHandle.nullDevice
            try srv.run()
            defer { kill(srv.processIdentifier, SIGKILL); srv.waitUntilExit() }
            usleep(300_000)  // the example server prints nothing when ready; give it a moment to bind
            var rates: [Double] = []
            for _ in 0..<2 {
                try? FileManager.default.removeItem(at: dl.appendingPathComponent("blob"))
                let t = ContinuousClock.now
                try run(client, ["-q", "--exit-on-all-streams-close", "--download=\(dl.path)", "127.0.0.1", "\(port)", "https://localhost:\(port)/blob"])
                let secs = TunnelBench.seconds(ContinuousClock.now - t)
                TunnelBench.progress("ngtcp2 example download done")
                let got = (try? FileManager.default.attributesOfItem(atPath: dl.appendingPathComponent("blob").path)[.size] as? Int) ?? 0
                guard got == bytes else { print("ngtcp2 example downloaded \(got) of \(bytes) bytes"); return [] }
                rates.append(Double(bytes) / secs / 1e6)
            }
            return [TunnelBench.Row(name: "ngtcp2 gtlsclient <- gtlsserver (HTTP/3, incl. process start)", mbps: rates.max(), bulkBytes: bytes)]
        } catch {
            print("ngtcp2 examples failed: \(error)")
            return []
        }
    }

    /// Runs a helper to completion, killing it after `timeout` seconds so the bench cannot hang.
    static func run(_ path: String, _ args: [String], timeout: Double = 120) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            throw TunnelError.invalidArgument("\(path) did not finish within \(Int(timeout)) s")
        }
    }
}
