/// SLIP-0039 (Shamir's Secret-Sharing for Mnemonic Codes), compatible with the reference
/// `shamir-mnemonic` implementation. dpds uses one group of 2-of-3; the general form is here
/// because reading shares made elsewhere needs it.
public enum SLIP39 {
    /// Splits `secret` into `groups` (member threshold, member count) under one group threshold.
    public static func generate(secret: SecretBytes, groupThreshold: Int = 1, groups: [(threshold: Int, count: Int)],
                                passphrase: SecretBytes = SecretBytes([]), iterationExponent: Int = 1,
                                extendable: Bool = true) throws(SLIP39Error) -> [[SLIP39Share]] {
        guard passphrase.bytes.allSatisfy({ (32...126).contains($0) }) else { throw .invalidPassphrase }
        guard secret.count >= 16, secret.count % 2 == 0 else {
            throw .invalidParameters("the secret must be an even number of bytes, at least 16")
        }
        guard (0...15).contains(iterationExponent) else { throw .invalidParameters("iteration exponent must be 0...15") }
        guard groupThreshold >= 1, groupThreshold <= groups.count else {
            throw .invalidParameters("group threshold must be between 1 and the number of groups")
        }
        for group in groups where group.threshold == 1 && group.count > 1 {
            throw .invalidParameters("a member threshold of 1 with several members is not allowed; use 1-of-1")
        }
        let identifier = Int(ShamirSplit.randomBytes(2).reduce(0) { ($0 << 8) | Int($1) }) & 0x7FFF
        let encrypted = SLIP39Cipher.encrypt(secret.bytes, passphrase: passphrase.bytes, exponent: iterationExponent,
                                             identifier: identifier, extendable: extendable)
        let groupShares = try ShamirSplit.split(threshold: groupThreshold, count: groups.count, secret: encrypted)
        var result: [[SLIP39Share]] = []
        for (group, groupShare) in zip(groups, groupShares) {
            let members = try ShamirSplit.split(threshold: group.threshold, count: group.count, secret: groupShare.data)
            result.append(members.map { member in
                SLIP39Share(identifier: identifier, extendable: extendable, iterationExponent: iterationExponent,
                            groupIndex: Int(groupShare.x), groupThreshold: groupThreshold, groupCount: groups.count,
                            memberIndex: Int(member.x), memberThreshold: group.threshold, value: member.data)
            })
        }
        return result
    }

    /// The dpds layout: one group, `threshold` of `count` members.
    public static func split(secret: SecretBytes, threshold: Int, count: Int, passphrase: SecretBytes = SecretBytes([]),
                             iterationExponent: Int = 1) throws(SLIP39Error) -> [SLIP39Share] {
        try generate(secret: secret, groups: [(threshold, count)], passphrase: passphrase,
                     iterationExponent: iterationExponent)[0]
    }

    public static func combine(mnemonics: [String], passphrase: SecretBytes = SecretBytes([])) throws(SLIP39Error) -> SecretBytes {
        var shares: [SLIP39Share] = []
        for (i, mnemonic) in mnemonics.enumerated() { shares.append(try SLIP39Share.parse(mnemonic, position: i + 1)) }
        return try combine(shares: shares, passphrase: passphrase)
    }

    public static func combine(shares: [SLIP39Share], passphrase: SecretBytes = SecretBytes([])) throws(SLIP39Error) -> SecretBytes {
        guard let first = shares.first else { throw .notEnoughShares(have: 0, need: 1) }
        for share in shares {
            if share.identifier != first.identifier { throw .mismatchedShares(field: "identifier") }
            if share.extendable != first.extendable { throw .mismatchedShares(field: "extendable flag") }
            if share.iterationExponent != first.iterationExponent { throw .mismatchedShares(field: "iteration exponent") }
            if share.groupThreshold != first.groupThreshold { throw .mismatchedShares(field: "group threshold") }
            if share.groupCount != first.groupCount { throw .mismatchedShares(field: "group count") }
        }
        var groups: [Int: [SLIP39Share]] = [:]
        for share in shares {
            if let other = groups[share.groupIndex]?.first, other.memberThreshold != share.memberThreshold {
                throw .mismatchedShares(field: "member threshold")
            }
            groups[share.groupIndex, default: []].append(share)
        }
        guard groups.count >= first.groupThreshold else { throw .notEnoughShares(have: groups.count, need: first.groupThreshold) }
        guard groups.count == first.groupThreshold else { throw .tooManyShares(have: groups.count, need: first.groupThreshold) }
        var groupSecrets: [(x: UInt8, data: [UInt8])] = []
        for (index, members) in groups.sorted(by: { $0.key < $1.key }) {
            let threshold = members[0].memberThreshold
            guard members.count >= threshold else { throw .notEnoughShares(have: members.count, need: threshold) }
            guard members.count == threshold else { throw .tooManyShares(have: members.count, need: threshold) }
            let raw = members.map { (x: UInt8($0.memberIndex), data: $0.value) }
            groupSecrets.append((UInt8(index), try ShamirSplit.recover(threshold: threshold, shares: raw)))
        }
        let encrypted = try ShamirSplit.recover(threshold: first.groupThreshold, shares: groupSecrets)
        guard passphrase.bytes.allSatisfy({ (32...126).contains($0) }) else { throw .invalidPassphrase }
        return SecretBytes(SLIP39Cipher.decrypt(encrypted, passphrase: passphrase.bytes, exponent: first.iterationExponent,
                                                identifier: first.identifier, extendable: first.extendable))
    }
}
