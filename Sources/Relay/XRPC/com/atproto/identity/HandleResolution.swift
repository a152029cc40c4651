import Protocol

/// Handles that are not ours, by the atproto handle spec's two methods: DNS TXT
/// `_atproto.<handle>` = `did=<did>` first, then `https://<handle>/.well-known/atproto-did`.
enum HandleResolution {
    static func resolveExternal(_ handle: String, dns: DNSResolver,
                                http: IdentityHTTP = IdentityHTTP(timeout: 5, maxBody: 2048)) async throws -> String? {
        if let did = await resolveDNS(handle, dns: dns) { return did }
        return await resolveWellKnown(handle, http: http)
    }

    /// nil for no record, several differing `did=` records (ambiguous: the spec says fail), or any DNS failure.
    static func resolveDNS(_ handle: String, dns: DNSResolver) async -> String? {
        guard let records = try? await dns.txt("_atproto.\(handle)") else { return nil }
        let dids = Set(records.compactMap { record -> String? in
            guard record.hasPrefix("did=") else { return nil }
            let did = String(record.dropFirst(4)).trimmingCharacters(in: .whitespaces)
            return (try? DID(did)) != nil ? did : nil
        })
        return dids.count == 1 ? dids.first : nil
    }

    static func resolveWellKnown(_ handle: String, http: IdentityHTTP) async -> String? {
        guard let response = try? await http.get("https://\(handle)/.well-known/atproto-did"), response.status == 200 else {
            return nil
        }
        let text = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (try? DID(text)) != nil ? text : nil
    }
}

import Foundation
