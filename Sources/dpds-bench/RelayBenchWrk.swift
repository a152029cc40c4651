import Foundation

/// wrk (Debian's, `make bench` installs it) as the HTTP load generator: C, epoll, one thread per
/// client group, so it costs far less CPU per request than the server it drives (the bench prints
/// its CPU next to the server's to show that). A Lua script signs each connection in as one account.
struct WrkRun {
    let requests: Int
    let perSecond: Double
    let p50ms: Double
    let p99ms: Double
    let errors: Int
    let generatorCPUSeconds: Double

    /// `accounts`: (did, accessJwt) pairs; thread i writes as account i % count. `pauseMs`: each
    /// client waits that long after each answer (wrk's `delay()`), which caps the offered rate at
    /// about clients x 1000 / (pauseMs + latency) per second.
    static func createRecords(url: String, clients: Int, accounts: [(String, String)], seconds: Int, workDir: String,
                              pauseMs: Int? = nil) throws -> WrkRun {
        let list = accounts.map { "{\"\($0.0)\", \"\($0.1)\"}" }.joined(separator: ",\n")
        let script = """
            local accounts = {\(list)}
            local n = 0
            function setup(thread)
              local a = accounts[(n % #accounts) + 1]
              thread:set("did", a[1]); thread:set("token", a[2]); n = n + 1
            end
            function init(args)
              wrk.method = "POST"
              wrk.headers["Content-Type"] = "application/json"
              wrk.headers["Authorization"] = "Bearer " .. token
              wrk.body = '{"repo":"' .. did .. '","collection":"app.bsky.feed.post","record":{"$type":"app.bsky.feed.post","text":"benchmark post from wrk","createdAt":"2026-01-01T00:00:00.000Z"}}'
            end
            """ + (pauseMs.map { "\nfunction delay()\n  return \($0)\nend\n" } ?? "")
        let path = workDir + "/createRecord.lua"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t\(clients)", "-c\(clients)", "-d\(seconds)s", "--latency", "--timeout", "10s", "-s", path,
                             url + "/xrpc/com.atproto.repo.createRecord"]
        let out = Pipe()
        process.standardOutput = out
        let before = childrenCPU()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return WrkRun(requests: Int(field(text, after: "requests in", before: true) ?? 0),
                      perSecond: field(text, after: "Requests/sec:") ?? 0,
                      p50ms: latency(text, "50%") ?? .nan, p99ms: latency(text, "99%") ?? .nan,
                      errors: Int(field(text, after: "Non-2xx or 3xx responses:") ?? 0),
                      generatorCPUSeconds: childrenCPU() - before)
    }

    private static func field(_ text: String, after marker: String, before: Bool = false) -> Double? {
        for line in text.split(separator: "\n") where line.contains(marker) {
            let words = line.split(separator: " ")
            if before { return words.first.flatMap { Double($0) } }
            return words.last.flatMap { Double($0) }
        }
        return nil
    }

    private static func latency(_ text: String, _ percentile: String) -> Double? {
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2, words[0] == percentile else { continue }
            let value = words[1]
            if value.hasSuffix("us") { return Double(value.dropLast(2)).map { $0 / 1000 } }
            if value.hasSuffix("ms") { return Double(value.dropLast(2)) }
            if value.hasSuffix("s") { return Double(value.dropLast(1)).map { $0 * 1000 } }
        }
        return nil
    }

    static func childrenCPU() -> Double { cpuSeconds(children: true) }
}

/// CPU (user + system) of this process, or of its finished children, in seconds.
func cpuSeconds(children: Bool = false) -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Resident set now and at its peak (`VmRSS` / `VmHWM`), MiB.
func residentMiB() -> (now: Double, peak: Double) {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (.nan, .nan) }
    func kb(_ key: String) -> Double {
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            return Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
        }
        return .nan
    }
    return (kb("VmRSS:") / 1024, kb("VmHWM:") / 1024)
}
