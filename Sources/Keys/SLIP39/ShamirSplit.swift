import Crypto

/// SLIP-0039's Shamir layer: the secret sits at x=255 and a 4-byte HMAC digest of it at x=254, so
/// a wrong combination of shares is detected instead of yielding a plausible wrong secret.
enum ShamirSplit {
    static let secretIndex: UInt8 = 255
    static let digestIndex: UInt8 = 254
    static let digestLength = 4
    static let maxShares = 16

    static func randomBytes(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
    }

    static func digest(random: [UInt8], secret: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: secret, using: SymmetricKey(data: random)).prefix(digestLength))
    }

    static func split(threshold: Int, count: Int, secret: [UInt8]) throws(SLIP39Error) -> [(x: UInt8, data: [UInt8])] {
        guard threshold >= 1 else { throw .invalidParameters("threshold must be at least 1") }
        guard threshold <= count else { throw .invalidParameters("threshold \(threshold) exceeds share count \(count)") }
        guard count <= maxShares else { throw .invalidParameters("at most \(maxShares) shares") }
        if threshold == 1 { return (0..<count).map { (UInt8($0), secret) } }
        let randomCount = threshold - 2
        var shares = (0..<randomCount).map { (x: UInt8($0), data: randomBytes(secret.count)) }
        let randomPart = randomBytes(secret.count - digestLength)
        let base = shares + [(x: digestIndex, data: digest(random: randomPart, secret: secret) + randomPart),
                             (x: secretIndex, data: secret)]
        for i in randomCount..<count { shares.append((UInt8(i), GF256.interpolate(base, at: UInt8(i)))) }
        return shares
    }

    static func recover(threshold: Int, shares: [(x: UInt8, data: [UInt8])]) throws(SLIP39Error) -> [UInt8] {
        guard let first = shares.first else { throw .notEnoughShares(have: 0, need: threshold) }
        if threshold == 1 { return first.data }
        var seen = Set<UInt8>()
        for share in shares {
            guard seen.insert(share.x).inserted else { throw .duplicateShareIndex(Int(share.x)) }
            guard share.data.count == first.data.count else { throw .mismatchedShares(field: "share length") }
        }
        let secret = GF256.interpolate(shares, at: secretIndex)
        let digestShare = GF256.interpolate(shares, at: digestIndex)
        let expected = digest(random: Array(digestShare.dropFirst(digestLength)), secret: secret)
        guard expected == Array(digestShare.prefix(digestLength)) else { throw .invalidDigest }
        return secret
    }
}
