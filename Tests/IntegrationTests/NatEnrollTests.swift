import Foundation
import TestSupport
import Testing

/// Issue 7 across NAT, with the real `dpds` binary: the relay in one namespace, the desktop in
/// another behind a source-NAT namespace. The relay cannot reach the desktop, yet pairing,
/// promotion and pushes work because the desktop dials out; after the desktop changes address
/// (a new NAT mapping) the session recovers.
@Suite(.serialized) struct NatEnrollTests {
    static let skip: String? = {
        if let reason = NatLab.unavailableReason {
            let ci = ProcessInfo.processInfo.environment["CI"] == "true"
            if ci && getuid() == 0 { return nil }  // must run (and fail loudly) under CI as root
            print("NatEnrollTests skipped: \(reason)")
            return reason
        }
        return nil
    }()

    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/dpds").path
    }

    /// A child process whose stdout lines we wait on.
    final class Child: @unchecked Sendable {
        let process = ChildProcess()
        private let lock = NSLock()
        private var lines: [String] = []
        private var partial = ""

        init(_ args: [String], env: [String: String] = [:]) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = args
            process.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            pipe.fileHandleForReading.readabilityHandler = { [weak self] h in
                let data = h.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock {
                    self.partial += String(decoding: data, as: UTF8.self)
                    while let nl = self.partial.firstIndex(of: "\n") {
                        self.lines.append(String(self.partial[..<nl]))
                        self.partial = String(self.partial[self.partial.index(after: nl)...])
                    }
                }
            }
            try process.run()
        }

        var output: [String] { lock.withLock { lines } }

        func waitFor(_ needle: String, seconds: Double = 60) async throws {
            let start = Date()
            while !output.contains(where: { $0.contains(needle) }) {
                guard process.isRunning else { throw NatLab.NatError.command("exited", output.joined(separator: "\n")) }
                guard Date().timeIntervalSince(start) < seconds else {
                    throw NatLab.NatError.command("no '\(needle)' within \(seconds) s", output.joined(separator: "\n"))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }

        func stop() {
            if process.isRunning { process.interrupt() }
            process.waitUntilExit()
        }
    }

    static func xrpc(_ lab: NatLab, _ nsid: String, token: String? = nil, body: String) throws -> [String: Any] {
        let script = """
            import json, sys, urllib.request, urllib.error
            req = urllib.request.Request("http://\(NatLab.relayIP):2583/xrpc/\(nsid)", data=sys.argv[1].encode(), method="POST",
                                         headers={"content-type": "application/json"\(token.map { ", \"authorization\": \"Bearer \($0)\"" } ?? "")})
            try:
                r = urllib.request.urlopen(req, timeout=20); print(json.dumps({"status": r.status, "body": json.loads(r.read() or b"{}")}))
            except urllib.error.HTTPError as e:
                print(json.dumps({"status": e.code, "body": json.loads(e.read() or b"{}")}))
            """
        let out = try NatLab.sh("ip netns exec \(lab.relay) python3 -c '\(script)' '\(body)'")
        return (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]) ?? [:]
    }

    static func post(_ lab: NatLab, _ did: String, _ token: String, _ text: String) throws -> Int {
        let body = #"{"repo":"\#(did)","collection":"app.bsky.feed.post","record":{"$type":"app.bsky.feed.post","text":"\#(text)","createdAt":"2026-11-25T12:00:00.000Z"}}"#
        return try xrpc(lab, "com.atproto.repo.createRecord", token: token, body: body)["status"] as? Int ?? 0
    }

    @Test(.enabled(if: skip == nil, Comment(rawValue: skip ?? "")))
    func pairPromoteAndPushAcrossNAT() async throws {
        let lab = try NatLab.make()
        defer { lab.remove() }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-nat-\(UUID().uuidString)")
        let relayDir = data.appendingPathComponent("relay").path
        let deviceDir = data.appendingPathComponent("desktop").path
        defer { try? FileManager.default.removeItem(at: data) }

        // The relay cannot reach the desktop's network at all.
        #expect((try? NatLab.sh("ip netns exec \(lab.relay) ping -c1 -W1 \(NatLab.deviceIP)")) == nil)

        let relay = try Child(["netns", "exec", lab.relay, Self.binary, "relay", "serve", "--bind", NatLab.relayIP,
                               "--port", "2583", "--data-directory", relayDir], env: ["PDS_TUNNEL_PORT": "4433"])
        defer { relay.stop() }
        try await relay.waitFor("dpds relay listening")

        let created = try Self.xrpc(lab, "com.atproto.server.createAccount",
                                    body: #"{"handle":"alice.test","email":"alice@example.com","password":"hunter2-nat"}"#)
        let account = try #require(created["body"] as? [String: Any])
        let did = try #require(account["did"] as? String)
        let token = try #require(account["accessJwt"] as? String)
        #expect(try Self.post(lab, did, token, "before pairing") == 200)

        let ticket = try NatLab.sh("ip netns exec \(lab.relay) \(Self.binary) relay pair --handle alice.test --data-directory \(relayDir)")
            .split(separator: "\n").first { $0.hasPrefix("dpds-pair:") }.map(String.init) ?? ""
        #expect(ticket.hasPrefix("dpds-pair:"))
        let paired = try NatLab.sh("ip netns exec \(lab.device) \(Self.binary) device pair '\(ticket)' --dir \(deviceDir)")
        #expect(paired.contains("authoritative"))

        let daemon = try Child(["netns", "exec", lab.device, Self.binary, "device", "run", "--dir", deviceDir])
        defer { daemon.stop() }
        try await daemon.waitFor("dpds device connected")
        #expect(try Self.post(lab, did, token, "through the NAT") == 200)

        // The desktop changes networks: new source address, new NAT mapping. Writes may answer 503
        // while the session moves; they must be accepted again within a generous bound.
        try lab.move()
        let start = Date()
        var status = 0
        while status != 200 && Date().timeIntervalSince(start) < 120 {
            status = try Self.post(lab, did, token, "after moving")
            if status != 200 { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(status == 200, "no write accepted within 120 s of the move: \(daemon.output.suffix(5))")
        print("NAT: recovered \(String(format: "%.1f", Date().timeIntervalSince(start))) s after the address change")
    }
}

extension NatLab {
    func move() throws { try moveDevice() }
}
