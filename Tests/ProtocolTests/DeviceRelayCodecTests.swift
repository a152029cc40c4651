import Foundation
import Testing
import TestSupport
@testable import Protocol

/// The codec against spec/vectors/messages.json: fields -> exact frame bytes, and back.
@Suite struct DeviceRelayCodecTests {
    @Test func messageVectors() throws {
        let vectors = try DeviceRelayVectors.load("messages.json")["vectors"]!.array
        var checkedTypes = Set<String>()
        for vector in vectors {
            let name = vector["name"]!.string!
            let fields = vector["fields"]!.dataValue
            let frame = DeviceRelayVectors.hex(vector["frame"]!.string!)

            let message = try DeviceRelayMessage(from: fields)
            #expect(message.type == vector["type"]!.string!, "\(name)")
            #expect(DeviceRelayVectors.hex(Frame.encode(message)) == vector["frame"]!.string!, "\(name): encode")
            let decoded = try Frame.decode(frame)
            #expect(decoded == message, "\(name): decode")
            #expect(decoded.toDataValue() == fields, "\(name): round trip to fields")
            checkedTypes.insert(message.type)
        }
        print("spec/vectors/messages.json: checked \(vectors.count) message vectors covering \(checkedTypes.count) types")
        #expect(Set(DeviceRelayMessage.knownTypes) == checkedTypes, "every message type has a vector")
    }

    /// The vector files are what generate.py (cbrrr) makes from its fields: nobody edited one by hand.
    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func vectorsMatchTheirIndependentGenerator() throws {
        let process = ChildProcess()
        process.executableURL = Peers.python
        process.arguments = [PackageRoot.url.appendingPathComponent("spec/vectors/generate.py").path, "--check"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print("spec/vectors/generate.py --check: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(process.terminationStatus == 0, "\(text)")
    }

    @Test func specDocumentNamesEveryMessageType() throws {
        let spec = try String(contentsOf: PackageRoot.url.appendingPathComponent("spec/device-relay-protocol.md"), encoding: .utf8)
        for type in DeviceRelayMessage.knownTypes { #expect(spec.contains("| `\(type)` |"), "\(type) in the message table") }
        for code in CloseCode.allCases { #expect(spec.contains("`\(code.name)`"), "\(code.name) in the close code table") }
        for code in Reject.Code.allCases { #expect(spec.contains("`\(code.rawValue)`")) }
        for code in CommitReject.Code.allCases { #expect(spec.contains("`\(code.rawValue)`")) }
        for error in WriteError.allCases { #expect(spec.contains("`\(error.rawValue)`")) }
        for feature in Feature.allCases { #expect(spec.contains("`\(feature.rawValue)`")) }
        #expect(spec.contains(DeviceRelayProtocol.alpn))
    }

    @Test func unknownFieldsAndTypesAreTolerated() throws {
        var map = Ping(nonce: 3, time: 4, status: .ok).toDataValue().mapValue!
        map["fromTheFuture"] = .array([.bool(true)])
        let decoded = try Frame.decode(Frame.encode(body: DAGCBOR.encode(.map(map))))
        #expect(decoded == .ping(Ping(nonce: 3, time: 4, status: .ok)))

        let unknown = try Frame.decode(Frame.encode(body: DAGCBOR.encode(.map(["t": .string("teleport"), "x": .integer(1)]))))
        #expect(unknown.type == "teleport")
        #expect(Ping(nonce: 1, time: 1, status: .ok).knownStatus == .ok)
    }

    @Test func typedErrors() {
        #expect(throws: FrameError.emptyFrame) { try Frame.decode([0, 0, 0, 0]) }
        #expect(throws: FrameError.notAMap) { try Frame.decode(Frame.encode(body: DAGCBOR.encode(.integer(1)))) }
        #expect(throws: FrameError.missingType) { try Frame.decode(Frame.encode(body: DAGCBOR.encode(.map([:])))) }
        #expect(throws: FrameError.missingField(message: "ping", field: "nonce")) {
            try Frame.decode(Frame.encode(body: DAGCBOR.encode(.map(["t": .string("ping"), "time": .integer(1), "status": .string("ok")]))))
        }
        #expect(throws: FrameError.wrongType(message: "commitAck", field: "cid", expected: "cid link")) {
            try Frame.decode(Frame.encode(body: DAGCBOR.encode(.map(["t": .string("commitAck"), "id": .integer(1),
                "cid": .string("bafy"), "rev": .string("r"), "sig": .bytes([])]))))
        }
        #expect(throws: FrameError.invalidValue(message: "blobFetch", field: "id", reason: "negative")) {
            try Frame.decode(Frame.encode(body: DAGCBOR.encode(.map(["t": .string("blobFetch"), "id": .integer(-1),
                "did": .string("did:x:y"), "cid": .link(CID.compute(.raw, [1]))]))))
        }
        #expect(throws: FrameError.truncated(buffered: 5)) { try Frame.decode([0, 0, 0, 9, 0xa0]) }
        #expect(throws: FrameError.frameTooLarge(length: 65_537, limit: 65_536)) {
            try Frame.decode([0, 1, 0, 1], limit: DeviceRelayProtocol.handshakeMaxFrameBytes)
        }
        let ok = Frame.encode(Ping(nonce: 1, time: 2, status: .ok))
        #expect(throws: FrameError.self) { try Frame.decode(ok + [0]) }
        #expect(FrameError.frameTooLarge(length: 1, limit: 0).closeCode == .frameTooLarge)
        #expect(FrameError.notAMap.closeCode == .malformedFrame)
    }

    @Test func readerSplitsAndJoinsFrames() throws {
        let frames = [Frame.encode(Ping(nonce: 1, time: 2, status: .ok)), Frame.encode(Pong(nonce: 1, time: 3, echo: 2, status: .busy))]
        let stream = frames.flatMap { $0 }
        for chunk in [1, 2, 3, 7, stream.count] {
            var reader = FrameReader(limit: 1024)
            var got: [DeviceRelayMessage] = []
            var i = 0
            while i < stream.count {
                reader.append(stream[i..<min(i + chunk, stream.count)])
                i += chunk
                while let m = try reader.next() { got.append(m) }
            }
            try reader.finish()
            #expect(got.map(\.type) == ["ping", "pong"])
        }
    }
}
