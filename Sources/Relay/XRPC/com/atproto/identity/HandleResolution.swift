import Protocol

/// Handles that are not ours: `https://<handle>/.well-known/atproto-did`. The DNS TXT method
/// (`_atproto.<handle>`) needs a resolver library the relay does not link; not done here.
enum HandleResolution {
    static func resolveExternal(_ handle: String, http: IdentityHTTP = IdentityHTTP(timeout: 5, maxBody: 2048)) async throws -> String? {
        guard let response = try? await http.get("https://\(handle)/.well-known/atproto-did"), response.status == 200 else {
            return nil
        }
        let text = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return (try? DID(text)) != nil ? text : nil
    }
}

import Foundation
