/// Handle syntax (atproto spec) plus this server's constraints on handles under its own domains.
import Protocol

enum HandleRules {
    static let disallowedTLDs: Set<String> = ["alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion"]

    /// Spec syntax, minus the reserved TLDs no account handle may use (`.test` stays allowed).
    static func isValidSyntax(_ handle: String) -> Bool {
        guard Handle.isValid(handle), let tld = handle.split(separator: ".").last else { return false }
        return !disallowedTLDs.contains(tld.lowercased())
    }

    /// nil when fine, else the lexicon error name and message.
    static func checkServiceHandle(_ handle: String, domains: [String]) -> XRPCError? {
        guard isValidSyntax(handle) else { return XRPCError.invalidRequest("Invalid handle", name: "InvalidHandle") }
        guard let domain = domains.first(where: { handle.hasSuffix($0) }) else {
            return XRPCError.invalidRequest("Not a supported handle domain", name: "UnsupportedDomain")
        }
        let front = handle.dropLast(domain.count)
        if front.contains(".") {
            return XRPCError.invalidRequest("Invalid characters in handle", name: "InvalidHandle")
        }
        if front.count < 3 { return XRPCError.invalidRequest("Handle too short", name: "InvalidHandle") }
        if front.count > 18 { return XRPCError.invalidRequest("Handle too long", name: "InvalidHandle") }
        return nil
    }
}
