import Foundation
import Protocol
import Testing
import TestSupport
@testable import Relay

/// Domain handles by DNS TXT (`_atproto.<handle>` = `did=<did>`): our small DNS codec on bytes,
/// the UDP resolver against `DNSServerDouble` (the internet's DNS, on loopback), and the relay's
/// updateHandle / resolveHandle / createAccount using it.
@Suite struct RelayDNSHandleTests {
    @Test func queryBytesAreRFC1035() throws {
        let query = try DNSMessage.query(id: 0xBEEF, name: "_atproto.a.bc", type: DNSMessage.typeTXT)
        #expect(query == [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                          8] + Array("_atproto".utf8) + [1, 0x61, 2, 0x62, 0x63, 0, 0, 16, 0, 1])
        #expect(throws: DNSError.badName("a..b")) { try DNSMessage.query(id: 1, name: "a..b", type: 16) }
        #expect(throws: DNSError.self) { try DNSMessage.query(id: 1, name: String(repeating: "x", count: 64), type: 16) }
    }

    /// A response with the answer's owner name compressed to the question (pointer 0xC00C) and a
    /// TXT record split into two character-strings.
    static func response(id: UInt16 = 7, rcode: UInt8 = 0, answer: [UInt8]? = nil) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x81, 0x80 | rcode, 0, 1, 0, answer == nil ? 0 : 1, 0, 0, 0, 0]
        bytes += [1, 0x61, 2, 0x62, 0x63, 0, 0, 16, 0, 1]
        if let answer {
            bytes += [0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0x0E, 0x10, 0, UInt8(answer.count)] + answer
        }
        return bytes
    }

    @Test func parsesCompressedTXTAnswers() throws {
        let txt: [UInt8] = [4] + Array("did=".utf8) + [6] + Array("plc:ab".utf8)
        let parsed = try DNSMessage.parseResponse(Self.response(answer: txt))
        #expect(parsed.id == 7 && parsed.rcode == 0 && !parsed.truncated)
        #expect(parsed.answers.count == 1)
        #expect(parsed.answers[0].name == "a.bc")
        #expect(parsed.answers[0].ttl == 3600)
        #expect(try parsed.answers[0].txtStrings().map { String(decoding: $0, as: UTF8.self) } == ["did=", "plc:ab"])
        #expect(try DNSMessage.parseResponse(Self.response(rcode: 3)).rcode == 3)
    }

    @Test func malformedResponsesGiveTypedErrors() throws {
        let good = Self.response(answer: [3, 0x61, 0x62, 0x63])
        // Every truncation of a good message fails cleanly, never crashes.
        for length in 0 ..< good.count {
            #expect(throws: DNSError.self) { try DNSMessage.parseResponse(Array(good[0 ..< length])) }
        }
        var forward = good
        forward[22] = 0xC0; forward[23] = 0x20 // answer name pointing forwards (a loop in waiting)
        #expect(throws: DNSError.self) { try DNSMessage.parseResponse(forward) }
        var selfPointer = good
        selfPointer[22] = 0xC0; selfPointer[23] = 22
        #expect(throws: DNSError.self) { try DNSMessage.parseResponse(selfPointer) }
        var query = good
        query[2] = 0x01 // QR bit clear: a query, not a response
        #expect(throws: DNSError.malformed("not a response")) { try DNSMessage.parseResponse(query) }
        let overrun = try DNSMessage.parseResponse(Self.response(answer: [9, 0x61]))
        #expect(throws: DNSError.self) { try overrun.answers[0].txtStrings() }
        var labelType = good
        labelType[12] = 0x80
        #expect(throws: DNSError.malformed("unknown label type")) { try DNSMessage.parseResponse(labelType) }
    }

    @Test func resolvConfAndResolverAddresses() {
        let conf = "# comment\nsearch lan\nnameserver 10.0.0.1\nnameserver fe80::1%eth0\n  \nnameserver\toptions\n"
        #expect(DNSServerAddress.fromResolvConf(conf) == [.init(host: "10.0.0.1"), .init(host: "fe80::1"), .init(host: "options")])
        #expect(DNSServerAddress.parse("127.0.0.1:5353") == .init(host: "127.0.0.1", port: 5353))
        #expect(DNSServerAddress.parse("[::1]:53") == .init(host: "::1", port: 53))
        #expect(DNSServerAddress.parse("::1") == .init(host: "::1", port: 53))
        #expect(DNSServerAddress.parse("127.0.0.1:0") == nil)
        #expect(throws: RelayConfigError.self) {
            try RelayConfig.load(environment: ["PDS_DNS_RESOLVER": "1.2.3.4:99999", "PDS_DATA_DIRECTORY": NSTemporaryDirectory() + "dpds-dns-\(UUID())"])
        }
    }

    @Test func resolverTalksUDPToTheDouble() async throws {
        let dns = try DNSServerDouble()
        defer { dns.stop() }
        dns.addTXT("_atproto.alice.example.com", "did=did:plc:", "ewvi7nxzyoun6zhxrhs64oiz")
        dns.addTXT("_atproto.alice.example.com", "v=spf1 -all")
        dns.silence("_atproto.slow.example.com")
        let resolver = DNSResolver(servers: [try #require(DNSServerAddress.parse(dns.address))], timeout: 0.5)
        let records = try await resolver.txt("_atproto.alice.example.com")
        #expect(records == ["did=did:plc:ewvi7nxzyoun6zhxrhs64oiz", "v=spf1 -all"])
        await #expect(throws: DNSError.nxdomain) { try await resolver.txt("_atproto.nobody.example.com") }
        await #expect(throws: DNSError.timedOut(dns.address)) { try await resolver.txt("_atproto.slow.example.com") }
        #expect(await HandleResolution.resolveDNS("alice.example.com", dns: resolver) == "did:plc:ewvi7nxzyoun6zhxrhs64oiz")
        dns.addTXT("_atproto.twice.example.com", "did=did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
        dns.addTXT("_atproto.twice.example.com", "did=did:plc:bbbbbbbbbbbbbbbbbbbbbbbb")
        #expect(await HandleResolution.resolveDNS("twice.example.com", dns: resolver) == nil)
        await #expect(throws: DNSError.noNameserver) { try await DNSResolver(servers: []).txt("x.com") }
    }

    @Test func relayChecksDomainHandlesByTXT() async throws {
        let dns = try DNSServerDouble()
        defer { dns.stop() }
        let relay = try await RelayHarness.start {
            $0.dnsResolver = dns.address
            $0.serviceHandleDomains = [".dpds.test"]
        }
        // External handles live under `.test`, which never resolves on the internet: the HTTPS
        // `.well-known` fallback fails at once instead of reaching out.
        let (alice, did) = try await relay.client.createAccount("alice.dpds.test")

        // Not yet in DNS: the handle does not resolve to alice, so updateHandle refuses it.
        let early = try await alice.procedure("com.atproto.identity.updateHandle", .map(["handle": .string("alice.ext.test")]))
        #expect(early.status == 400)
        #expect(early.error == "InvalidHandle")

        dns.addTXT("_atproto.alice.ext.test", "did=\(did)")
        let updated = try await alice.procedure("com.atproto.identity.updateHandle", .map(["handle": .string("alice.ext.test")]))
        #expect(updated.status == 200, "\(updated.json)")
        #expect(try await relay.environment.accounts.account(did: did)?.handle == "alice.ext.test")

        dns.addTXT("_atproto.mallory.ext.test", "did=did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
        let stolen = try await alice.procedure("com.atproto.identity.updateHandle", .map(["handle": .string("mallory.ext.test")]))
        #expect(stolen.error == "InvalidHandle")

        // resolveHandle for handles not hosted here goes to DNS.
        let resolved = try await relay.client.query("com.atproto.identity.resolveHandle", [("handle", "mallory.ext.test")])
        #expect(resolved.json["did"]?.stringValue == "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")

        // A new account may not take a domain handle of its own (there is no DID yet for it to name).
        let foreign = try await relay.client.procedure("com.atproto.server.createAccount",
                                                       .map(["handle": .string("bob.ext.test"), "password": .string("pw")]))
        #expect(foreign.error == "UnsupportedDomain")
        #expect(dns.queryCount >= 4)
        await relay.stop()
    }
}
