import Foundation
import Testing
import TestSupport
@testable import Protocol

/// Our codec against cbrrr (a C implementation) on random values, both directions, bytes identical.
@Suite struct CBORPeerCrossCheckTests {
    static func frame(_ items: [[UInt8]]) -> Data {
        var out = Data()
        for item in items {
            withUnsafeBytes(of: UInt32(item.count).bigEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: item)
        }
        return out
    }

    static func unframe(_ data: Data) throws -> [[UInt8]] {
        let bytes = [UInt8](data)
        var items: [[UInt8]] = [], i = 0
        while i < bytes.count {
            try #require(bytes.count - i >= 4)
            let n = bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) }
            try #require(bytes.count - i - 4 >= n)
            items.append(Array(bytes[(i + 4)..<(i + 4 + n)]))
            i += 4 + n
        }
        return items
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func cbrrrReencodesOurBytesIdentically() async throws {
        var random = RandomDataValues(seed: 42)
        let ours = (0..<3_000).map { _ in DAGCBOR.encode(random.value()) }
        let theirs = try Self.unframe(try await Peers.run("datamodel_cbrrr.py", ["roundtrip"], input: Self.frame(ours)))
        try #require(theirs.count == ours.count)
        var mismatches = 0
        for (a, b) in zip(ours, theirs) where a != b {
            mismatches += 1
            if mismatches <= 3 { Issue.record("cbrrr re-encoded differently:\nours   \(a)\ncbrrr  \(b)") }
        }
        #expect(mismatches == 0)
        print("cbrrr cross-check: \(ours.count) Swift-generated values re-encoded by cbrrr, \(mismatches) mismatches")
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func weReencodeCbrrrBytesIdentically() async throws {
        let theirs = try Self.unframe(try await Peers.run("datamodel_cbrrr.py", ["generate", "3000", "7"]))
        try #require(theirs.count == 3_000)
        var mismatches = 0
        for bytes in theirs {
            let value = try DAGCBOR.decode(bytes)
            if DAGCBOR.encode(value) != bytes {
                mismatches += 1
                if mismatches <= 3 { Issue.record("we re-encoded cbrrr's \(bytes) differently") }
            }
        }
        #expect(mismatches == 0)
        print("cbrrr cross-check: \(theirs.count) cbrrr-generated values decoded and re-encoded by us, \(mismatches) mismatches")
    }
}
