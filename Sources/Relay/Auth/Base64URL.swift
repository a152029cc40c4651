import Protocol

/// Unpadded base64url, as JWTs use.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Base64.encode(bytes, url: true, padded: false)
    }

    static func decode(_ string: Substring) -> [UInt8]? {
        try? Base64.decode(string, url: true)
    }
}
