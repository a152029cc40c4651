import Foundation
import Testing
import TestSupport
@testable import Protocol

/// The audit-log fixtures of did-method-plc (`interop_tests/audit_log`, canonical home go-didplc's
/// testdata). They are not part of the atproto corpus: point `PLC_INTEROP_DIR` at that folder.
/// Nullified ops are left out before verifying, as `PLCLog` follows the canonical chain only;
/// the two fixtures that are only invalid because of nullification timing are not checked.
@Suite struct PLCFixtureTests {
    static var directory: URL? {
        guard let env = ProcessInfo.processInfo.environment["PLC_INTEROP_DIR"], !env.isEmpty else { return nil }
        return URL(fileURLWithPath: env).appendingPathComponent("audit_log")
    }

    static var present: Bool { directory.map { FileManager.default.fileExists(atPath: $0.path) } ?? false }

    static func logs(_ folder: String) throws -> [(String, String, [PLCSignedOperation], [String])] {
        let dir = try #require(directory).appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map { name in
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            guard case .array(let entries) = try DataModelJSON.decode(Array(data)) else { throw PLCError.malformed(name) }
            let live = entries.filter { $0["nullified"] != .bool(true) }
            let did = try #require(entries.first?["did"]?.stringValue)
            let ops = try live.map { try PLCSignedOperation(dataValue: try #require($0["operation"])) }
            return (name, did, ops, live.compactMap { $0["cid"]?.stringValue })
        }
    }

    @Test(.enabled(if: present, "did-method-plc interop_tests not found (set PLC_INTEROP_DIR)"))
    func validLogsVerifyAndCIDsMatch() throws {
        var checked = 0, ops = 0
        for (name, did, log, cids) in try Self.logs("valid") {
            #expect(throws: Never.self, "\(name)") { try PLCLog.verify(did: did, ops: log) }
            #expect(log.map(\.cid.string) == cids, "\(name)")
            checked += 1
            ops += log.count
        }
        print("PLC audit_log/valid: \(checked) logs, \(ops) ops checked")
        #expect(checked >= 10)
    }

    @Test(.enabled(if: present, "did-method-plc interop_tests not found (set PLC_INTEROP_DIR)"))
    func invalidLogsAreRefused() throws {
        let timingOnly: Set = ["log_invalid_nullification_reused_key.json", "log_invalid_nullification_too_slow.json"]
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: try #require(Self.directory).appendingPathComponent("invalid").path).sorted()
        where !timingOnly.contains(name) {
            let dir = try #require(Self.directory).appendingPathComponent("invalid")
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            guard case .array(let entries) = try DataModelJSON.decode(Array(data)) else { throw PLCError.malformed(name) }
            let did = try #require(entries.first?["did"]?.stringValue)
            #expect(throws: PLCError.self, "\(name)") {
                let live = entries.filter { $0["nullified"] != .bool(true) }
                try PLCLog.verify(did: did, ops: try live.map { try PLCSignedOperation(dataValue: $0["operation"] ?? .null) })
            }
            checked += 1
        }
        print("PLC audit_log/invalid: \(checked) logs checked (2 timing-only nullification cases not checked)")
        #expect(checked >= 8)
    }
}
