import ArgumentParser
import Foundation
import Protocol

/// DAG-CBOR throughput of ours next to cbrrr on the same bytes: the bench writes the corpus to a
/// temp file and times cbrrr on it with `tests/peers/datamodel_cbrrr_bench.py`.
struct CBORBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cbor", abstract: "DAG-CBOR encode/decode throughput next to cbrrr.")

    @Option(help: "Records in the corpus.") var records = 5_000
    @Option(help: "Seconds per timed round (best of three rounds is reported).") var seconds = 1.0

    func run() async throws {
        let values = CBORBenchCorpus.records(count: records)
        let blocks = values.map(DAGCBOR.encode)
        let totalBytes = blocks.reduce(0) { $0 + $1.count }
        print("cbor: \(values.count) records (posts, likes, follows, profiles with blob refs, MST nodes), \(totalBytes) bytes")

        let encode = Self.throughput(bytes: totalBytes, seconds: seconds) {
            var n = 0
            for value in values { n &+= DAGCBOR.encode(value).count }
            return n
        }
        let decode = Self.throughput(bytes: totalBytes, seconds: seconds) {
            var n = 0
            for block in blocks {
                if case .map(let m) = try? DAGCBOR.decode(block) { n &+= m.count }
            }
            return n
        }
        let peer = try? Self.runCbrrr(blocks: blocks, seconds: seconds)
        func row(_ name: String, _ ours: Double, _ theirs: Double?) {
            let t = theirs.map { String(format: "%9.1f", $0) } ?? "      n/a"
            let r = theirs.map { String(format: "%6.2fx", ours / $0) } ?? "    n/a"
            print(String(format: "  %-8@ ours %9.1f MB/s   cbrrr %@ MB/s   ratio %@", name, ours, t, r))
        }
        row("encode", encode, peer?.encode)
        row("decode", decode, peer?.decode)
        if peer == nil { print("  cbrrr: not measured (set DPDS_PYTHON or run from the package root with .venv)") }
    }

    /// MB/s (10^6 bytes) of the best of three rounds of `seconds` each.
    static func throughput(bytes: Int, seconds: Double, _ body: () -> Int) -> Double {
        var best = 0.0
        var sink = 0
        for _ in 0..<3 {
            let clock = ContinuousClock()
            let start = clock.now
            var passes = 0
            var elapsed = 0.0
            repeat {
                sink &+= body()
                passes += 1
                let d = clock.now - start
                elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            } while elapsed < seconds
            best = max(best, Double(bytes * passes) / elapsed / 1e6)
        }
        if sink == 42 { print("") } // keeps the work observable
        return best
    }

    struct PeerFigures: Decodable { let encode: Double; let decode: Double }

    static func runCbrrr(blocks: [[UInt8]], seconds: Double) throws -> PeerFigures {
        guard let python = locate(env: "DPDS_PYTHON", relative: ".venv/bin/python"),
              let script = locate(env: nil, relative: "tests/peers/datamodel_cbrrr_bench.py") else {
            throw CocoaError(.fileNoSuchFile)
        }
        var framed = Data()
        for block in blocks {
            withUnsafeBytes(of: UInt32(block.count).bigEndian) { framed.append(contentsOf: $0) }
            framed.append(contentsOf: block)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dpds-cbor-bench-\(getpid()).bin")
        try framed.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, file.path, String(seconds)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return try JSONDecoder().decode(PeerFigures.self, from: data)
    }

    /// `$env` if set, else the first `relative` path found walking up from the current directory.
    static func locate(env: String?, relative: String) -> String? {
        if let env, let value = ProcessInfo.processInfo.environment[env], !value.isEmpty { return value }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            let candidate = dir.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
    }
}

/// A seeded, realistic mix of what a PDS encodes and decodes all day: likes, posts (replies,
/// facets, image embeds), follows, profiles with blob refs, and MST nodes with bytes and links.
enum CBORBenchCorpus {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    static let words = ["the", "a", "PDS", "sovereign", "desktop", "relay", "post", "today", "café", "naïve",
                        "🎉", "日本語", "bluesky", "atproto", "is", "running", "on", "my", "machine", "again"]

    static func records(count: Int) -> [DataValue] {
        var g = Generator(state: 2024)
        return (0..<count).map { _ in
            switch Int.random(in: 0..<100, using: &g) {
            case 0..<35: return like(&g)
            case 35..<60: return post(&g)
            case 60..<78: return follow(&g)
            case 78..<83: return profile(&g)
            default: return mstNode(&g)
            }
        }
    }

    static func digest(_ g: inout Generator) -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) } }
    static func link(_ g: inout Generator, _ codec: CID.Codec = .dagCBOR) -> DataValue { .link(CID(codec: codec, digest: digest(&g))) }
    static func did(_ g: inout Generator) -> String { "did:plc:" + Base32.encode(digest(&g).prefix(15)) }
    static func tid(_ g: inout Generator) -> String { String(Base32.encode(digest(&g).prefix(8)).prefix(13)) }
    static func date(_ g: inout Generator) -> DataValue {
        .string("2024-\(Int.random(in: 10...12, using: &g))-1\(Int.random(in: 0...9, using: &g))T12:3\(Int.random(in: 0...9, using: &g)):05.\(Int.random(in: 100...999, using: &g))Z")
    }
    static func text(_ g: inout Generator, words n: Int) -> String {
        (0..<n).map { _ in words[Int.random(in: 0..<words.count, using: &g)] }.joined(separator: " ")
    }
    static func strongRef(_ g: inout Generator, _ collection: String) -> DataValue {
        .map(["uri": .string("at://\(did(&g))/\(collection)/\(tid(&g))"),
              "cid": .string(CID(codec: .dagCBOR, digest: digest(&g)).string)])
    }
    static func blob(_ g: inout Generator, _ mime: String) -> DataValue {
        .map(["$type": .string("blob"), "ref": link(&g, .raw), "mimeType": .string(mime),
              "size": .integer(Int64.random(in: 20_000...900_000, using: &g))])
    }

    static func like(_ g: inout Generator) -> DataValue {
        .map(["$type": .string("app.bsky.feed.like"), "subject": strongRef(&g, "app.bsky.feed.post"), "createdAt": date(&g)])
    }

    static func follow(_ g: inout Generator) -> DataValue {
        .map(["$type": .string("app.bsky.graph.follow"), "subject": .string(did(&g)), "createdAt": date(&g)])
    }

    static func post(_ g: inout Generator) -> DataValue {
        var m: [String: DataValue] = ["$type": .string("app.bsky.feed.post"), "createdAt": date(&g),
                                      "text": .string(text(&g, words: Int.random(in: 3...45, using: &g))),
                                      "langs": .array([.string("en")])]
        if Bool.random(using: &g) {
            m["reply"] = .map(["root": strongRef(&g, "app.bsky.feed.post"), "parent": strongRef(&g, "app.bsky.feed.post")])
        }
        if Int.random(in: 0..<4, using: &g) == 0 {
            m["facets"] = .array([.map(["index": .map(["byteStart": .integer(4), "byteEnd": .integer(27)]),
                                        "features": .array([.map(["$type": .string("app.bsky.richtext.facet#link"),
                                                                  "uri": .string("https://example.com/\(tid(&g))")])])])])
        }
        if Int.random(in: 0..<4, using: &g) == 0 {
            let images: [DataValue] = (0..<Int.random(in: 1...4, using: &g)).map { _ in
                .map(["alt": .string(text(&g, words: 6)), "image": blob(&g, "image/jpeg"),
                      "aspectRatio": .map(["width": .integer(2000), "height": .integer(1500)])])
            }
            m["embed"] = .map(["$type": .string("app.bsky.embed.images"), "images": .array(images)])
        }
        return .map(m)
    }

    static func profile(_ g: inout Generator) -> DataValue {
        .map(["$type": .string("app.bsky.actor.profile"), "displayName": .string(text(&g, words: 2)),
              "description": .string(text(&g, words: 25)), "avatar": blob(&g, "image/jpeg"),
              "banner": blob(&g, "image/png"), "createdAt": date(&g)])
    }

    static func mstNode(_ g: inout Generator) -> DataValue {
        let entries: [DataValue] = (0..<Int.random(in: 4...16, using: &g)).map { i in
            let key = Array((i == 0 ? "app.bsky.feed.like/" + tid(&g) : tid(&g)).utf8)
            return .map(["p": .integer(i == 0 ? 0 : 19), "k": .bytes(key), "v": link(&g),
                         "t": Bool.random(using: &g) ? link(&g) : .null])
        }
        return .map(["l": Bool.random(using: &g) ? link(&g) : .null, "e": .array(entries)])
    }
}
