import Foundation
import Testing
import TestSupport
@testable import Relay

/// The SDK's firehose client against subscribeRepos, including cursor replay, the FutureCursor
/// error frame and a relay restart on the same data directory (seq continues, nothing lost).
@Suite(.serialized) struct RelayFirehoseTests {
    func events(_ json: Data) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: json) as? [[String: Any]])
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func sdkFirehoseReplayErrorsAndRestart() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        var relay = try await RelayHarness.start(dataDirectory: dir)
        let session = try await relay.peer("relay_sdk_session.py")   // creates alice.test: #identity, #account
        let did = try #require(session["did"] as? String)

        let all = try events(try await runPeer("relay_firehose.py", [relay.baseURL, "0", "2"]))
        #expect(all.map { $0["seq"] as? Int } == [1, 2])
        #expect(all.map { $0["type"] as? String } == ["#identity", "#account"])
        #expect(all.allSatisfy { $0["did"] as? String == did })

        let resumed = try events(try await runPeer("relay_firehose.py", [relay.baseURL, "1", "1"]))
        #expect(resumed.map { $0["seq"] as? Int } == [2])

        let future = try JSONSerialization.jsonObject(with: try await runPeer("relay_firehose.py", [relay.baseURL, "raw:99", "1"])) as? [String: Any]
        #expect((future?["header"] as? [String: Any])?["op"] as? Int == -1)
        #expect((future?["body"] as? [String: Any])?["error"] as? String == "FutureCursor")

        // Restart on the same files: accounts and seq survive; new events continue at 3.
        await relay.stop()
        relay = try await RelayHarness.start(dataDirectory: dir)
        #expect(try await relay.environment.accounts.account(did: did)?.handle == "alice.test")
        try relay.environment.sequencer.accountEvent(did: did, active: true, status: nil)
        let afterRestart = try events(try await runPeer("relay_firehose.py", [relay.baseURL, "0", "3"]))
        #expect(afterRestart.map { $0["seq"] as? Int } == [1, 2, 3])
        print("relay_firehose.py: \(all.count + resumed.count + 1 + afterRestart.count) frames checked")
        await relay.stop()
    }
}
