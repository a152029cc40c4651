import Testing
@testable import Protocol

/// Blob and snapshot streams: header frame, exact body, FIN (spec section 3.3).
@Suite struct DeviceRelayBodyStreamTests {
    let header = BlobHeader(id: 6, did: Fixture.did, size: 10, mimeType: "image/png")

    @Test func bodyArrivesInPiecesAndCompletes() throws {
        let stream = Frame.encode(header) + Array(0..<10)
        for chunk in [1, 3, stream.count] {
            var reader = BodyStreamReader(maxBodyBytes: 100)
            var events: [BodyStreamReader.Event] = []
            var i = 0
            while i < stream.count {
                events += try reader.receive(stream[i..<min(i + chunk, stream.count)])
                i += chunk
            }
            events += try reader.end()
            #expect(events.first == .blob(header) && events.last == .complete)
            let body = events.flatMap { if case .body(let b) = $0 { return b }; return [] }
            #expect(body == Array(0..<10))
        }
    }

    @Test func wrongLengthsAndKindsFail() throws {
        var reader = BodyStreamReader(maxBodyBytes: 100)
        #expect(throws: BodyStreamReader.Failure.bodyTooLong(expected: 10)) { try reader.receive(Frame.encode(header) + Array(0..<11)) }
        reader = BodyStreamReader(maxBodyBytes: 100)
        _ = try reader.receive(Frame.encode(header) + [1, 2])
        #expect(throws: BodyStreamReader.Failure.bodyTooShort(expected: 10, received: 2)) { try reader.end() }
        reader = BodyStreamReader(maxBodyBytes: 5)
        #expect(throws: BodyStreamReader.Failure.bodyOverLimit(size: 10, limit: 5)) { try reader.receive(Frame.encode(header)) }
        reader = BodyStreamReader(maxBodyBytes: 5)
        #expect(throws: BodyStreamReader.Failure.notABodyStream(type: "ping")) {
            try reader.receive(Frame.encode(Ping(nonce: 1, time: 1, status: .ok)))
        }
        let snapshot = SnapshotHeader(id: 1, did: Fixture.did, rev: "3lbx5yqqtkc2a", commit: CID.compute(.dagCBOR, [1]), size: 0)
        reader = BodyStreamReader(maxBodyBytes: 5)
        #expect(try reader.receive(Frame.encode(snapshot)) == [.snapshot(snapshot)])
        #expect(try reader.end() == [.complete])
    }
}
