import Foundation
import Testing
import TestSupport
@testable import Relay

/// The end-to-end scenario: the PyPI `atproto` SDK against `dpds relay serve` run as a child
/// process, the relay restarted (SIGTERM, same data directory and port) between the phases of
/// tests/peers/relay_sdk_scenario.py; the final repo is checked by atmst/cbrrr against the key in
/// the DID document the relay serves.
@Suite(.serialized) struct RelaySDKScenarioTests {
    @Test(.enabled(if: Peers.shouldRun && RelayProcess.isBuilt, "needs the test peers and a built dpds binary"))
    func sdkScenarioAcrossRestarts() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let port = try RelayProcess.freePort()
        let state = dir.appendingPathComponent("scenario-state.json").path
        let car = dir.appendingPathComponent("scenario.car").path
        var checks = 0
        var last: [String: Any] = [:]
        for phase in ["write", "read", "verify"] {
            let relay = try await RelayProcess.start(port: port, dataDirectory: dir)
            defer { relay.stop() }
            let out = try await runPeer("relay_sdk_scenario.py", [relay.baseURL, state, phase, car])
            last = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
            checks += (last["checks"] as? [String] ?? []).count
            relay.stop()   // SIGTERM: the next phase meets a restarted relay
        }
        print("relay_sdk_scenario.py: \(checks) checks passed over 3 phases with 2 restarts")
        #expect(checks >= 22)
        let key = try #require(last["key"] as? String)
        let verdict = try JSONSerialization.jsonObject(with: try await runPeer("repo_atmst.py", ["check-car", car, key])) as? [String: Any]
        #expect(verdict?["sig_ok"] as? Bool == true)
        #expect(verdict?["root_ok"] as? Bool == true)
        #expect(verdict?["records_ok"] as? Bool == true)
        #expect(verdict?["records"] as? Int == last["records"] as? Int)
    }
}
