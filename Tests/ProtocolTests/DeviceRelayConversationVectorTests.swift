import Testing
@testable import Protocol

/// Drives both state machines through spec/vectors/conversations.json and checks every frame each
/// side sends, byte for byte: the document, the vectors and the sessions cannot drift apart.
@Suite struct DeviceRelayConversationVectorTests {
    @Test func conversations() throws {
        let conversations = try DeviceRelayVectors.load("conversations.json")["conversations"]!.array
        var frames = 0
        for conversation in conversations {
            frames += try play(conversation)
        }
        print("spec/vectors/conversations.json: checked \(conversations.count) conversations, \(frames) frames")
        #expect(conversations.count >= 4)
    }

    private func play(_ conversation: JSONValue) throws -> Int {
        let name = conversation["name"]!.string!
        let relayConfig = conversation["relay"]!
        let tier = RelayPolicy.Tier(rawValue: relayConfig["tier"]!.string!)!
        let head = RelaySession.AccountHead(seq: relayConfig["head"]?["seq"]?.int, rev: relayConfig["head"]?["rev"]?.string)
        let tokenUsed = relayConfig["tokenAlreadyUsed"] != nil
        let steps = conversation["steps"]!.array
        guard case .hello(let hello) = try DeviceRelayMessage(from: steps[0]["fields"]!.dataValue) else {
            Issue.record("\(name): first step is not hello")
            return 0
        }
        var device = DeviceSession(configuration: .init(did: hello.did, pairingToken: hello.pairingToken,
            versions: hello.versions, features: hello.features, software: hello.software, headRev: hello.rev))
        var relay = RelaySession(policy: .preset(tier), endpointID: Array(repeating: 1, count: 32), now: 0)
        var toRelay: [[UInt8]] = [], toDevice: [[UInt8]] = []

        for (index, step) in steps.enumerated() {
            let at = step["at"]!.int!
            let expected = step["frame"]!.string!
            let message = try DeviceRelayMessage(from: step["fields"]!.dataValue)
            let label = "\(name) step \(index) (\(message.type))"
            if step["from"]!.string! == "device" {
                if toRelay.isEmpty {
                    let produced: [DeviceSession.Action]
                    switch message {
                    case .hello: produced = device.start(now: at)
                    case .commitPush(let push): produced = try device.push(push, now: at)
                    case .writeResult(let result): produced = try device.complete(result, now: at)
                    case .ping: produced = device.tick(now: at)
                    default: Issue.record("\(label): nothing makes the device send this"); return index
                    }
                    toRelay += produced.compactMap { if case .send(let b) = $0 { return b }; return nil }
                }
                guard !toRelay.isEmpty else { Issue.record("\(label): device sent nothing"); return index }
                let bytes = toRelay.removeFirst()
                #expect(DeviceRelayVectors.hex(bytes) == expected, "\(label)")
                for action in relay.receive(bytes, now: at) {
                    switch action {
                    case .send(let b): toDevice.append(b)
                    case .authenticate:
                        let answer = tokenUsed
                            ? relay.reject(Reject(code: .invalidPairingToken, message: "pairing token already used"))
                            : relay.accept(head: head, now: at)
                        toDevice += answer.compactMap { if case .send(let b) = $0 { return b }; return nil }
                    default: break
                    }
                }
            } else {
                if toDevice.isEmpty {
                    let produced: [RelaySession.Action]
                    switch message {
                    case .commitAck(let ack): produced = try relay.acknowledge(ack)
                    case .writeRequest(let request):
                        guard case .sent(_, let actions) = relay.forward(writes: request.writes, swapCommit: request.swapCommit, now: at) else {
                            Issue.record("\(label): relay did not forward"); return index
                        }
                        produced = actions
                    default: Issue.record("\(label): nothing makes the relay send this"); return index
                    }
                    toDevice += produced.compactMap { if case .send(let b) = $0 { return b }; return nil }
                }
                guard !toDevice.isEmpty else { Issue.record("\(label): relay sent nothing"); return index }
                let bytes = toDevice.removeFirst()
                #expect(DeviceRelayVectors.hex(bytes) == expected, "\(label)")
                for action in device.receive(bytes, now: at) {
                    if case .send(let b) = action { toRelay.append(b) }
                    if case .close(let code, let reason) = action { Issue.record("\(label): device closed \(code) \(reason)") }
                }
            }
        }
        #expect(toRelay.isEmpty && toDevice.isEmpty, "\(name): unexpected extra frames")
        return steps.count
    }
}
