/// Handle syntax (atproto spec) plus this server's constraints on handles under its own domains.
/// The syntax part is a stand-in for the crypto engineer's `Handle` validator until it lands.
enum HandleRules {
    static let disallowedTLDs: Set<String> = ["alt", "arpa", "example", "internal", "invalid", "local", "localhost", "onion"]

    static func isValidSyntax(_ handle: String) -> Bool {
        guard handle.utf8.count <= 253 else { return false }
        let labels = handle.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for (index, label) in labels.enumerated() {
            guard (1...63).contains(label.utf8.count),
                  label.utf8.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") }),
                  label.first != "-", label.last != "-" else { return false }
            if index == labels.count - 1, let first = label.utf8.first, !isLetter(first) { return false }
        }
        return !disallowedTLDs.contains(String(labels.last!).lowercased())
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

    private static func isLetter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) }
    private static func isAlnum(_ c: UInt8) -> Bool { isLetter(c) || (c >= 0x30 && c <= 0x39) }
}
