import Protocol
import Testing
@testable import Relay

/// The upstream address forms `PDS_FIREHOSE_UPSTREAM` accepts, and which frames pass through.
@Suite struct WebSocketFirehoseSourceTests {
    @Test func upstreamAddressForms() {
        let method = "/xrpc/com.atproto.sync.subscribeRepos"
        #expect(WebSocketFirehoseSource.methodURL("bsky.network") == "wss://bsky.network" + method)
        #expect(WebSocketFirehoseSource.methodURL("https://bsky.network/") == "wss://bsky.network" + method)
        #expect(WebSocketFirehoseSource.methodURL("http://127.0.0.1:2583") == "ws://127.0.0.1:2583" + method)
        #expect(WebSocketFirehoseSource.methodURL("ws://h:1" + method) == "ws://h:1" + method)
    }

    @Test func eventsPassVerbatimInfoIsSkippedErrorsEnd() throws {
        func frame(_ header: [String: DataValue], _ body: [String: DataValue]) -> [UInt8] {
            DAGCBOR.encode(.map(header)) + DAGCBOR.encode(.map(body))
        }
        let commit = frame(["op": .integer(1), "t": .string("#commit")], ["seq": .integer(42), "repo": .string("did:plc:x")])
        #expect(try WebSocketFirehoseSource.frame(commit) == .event(NetworkFirehoseFrame(seq: 42, bytes: commit)))
        let info = frame(["op": .integer(1), "t": .string("#info")], ["name": .string("OutdatedCursor")])
        #expect(try WebSocketFirehoseSource.frame(info) == .skip)
        let error = frame(["op": .integer(-1)], ["error": .string("FutureCursor")])
        #expect(try WebSocketFirehoseSource.frame(error) == .error("FutureCursor"))
        #expect(throws: (any Error).self) { try WebSocketFirehoseSource.frame([0xff]) }
    }
}
