/// Why a set of SLIP-0039 shares was refused. Messages name the problem, never a share's words.
public enum SLIP39Error: Error, Equatable, CustomStringConvertible {
    case unknownWord(position: Int)
    case invalidLength(words: Int)
    case invalidChecksum(share: Int)
    case invalidPadding(share: Int)
    case invalidParameters(String)
    case mismatchedShares(field: String)
    case duplicateShareIndex(Int)
    case notEnoughShares(have: Int, need: Int)
    case tooManyShares(have: Int, need: Int)
    /// Enough well-formed shares that still do not belong together (the digest check failed).
    case invalidDigest
    case invalidPassphrase

    public var description: String {
        switch self {
        case .unknownWord(let position): return "word \(position) is not in the SLIP-0039 word list"
        case .invalidLength(let words): return "a share has \(words) words; SLIP-0039 shares have 20 or more words of a valid length"
        case .invalidChecksum(let share): return "share \(share) fails its checksum (a word is wrong or missing)"
        case .invalidPadding(let share): return "share \(share) has invalid padding"
        case .invalidParameters(let reason): return "invalid SLIP-0039 parameters: \(reason)"
        case .mismatchedShares(let field): return "the shares do not belong to the same secret (\(field) differs)"
        case .duplicateShareIndex(let index): return "share index \(index) was given twice"
        case .notEnoughShares(let have, let need): return "\(have) share(s) given; \(need) are needed"
        case .tooManyShares(let have, let need): return "\(have) shares given; exactly \(need) are used"
        case .invalidDigest: return "the shares are well-formed but do not combine to a valid secret"
        case .invalidPassphrase: return "the passphrase must be printable ASCII"
        }
    }
}
