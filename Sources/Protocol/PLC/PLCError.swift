/// Why a did:plc operation or log was refused. The PLC directory answers 400 with this text.
public enum PLCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not the shape of any operation type (missing, extra or mistyped fields).
    case malformed(String)
    /// `sig` is not canonical unpadded base64url of 64 bytes.
    case badSignatureEncoding(String)
    /// No allowed rotation key made this signature. `index` is the op's place in the log.
    case invalidSignature(index: Int)
    /// The genesis op hashes to another DID.
    case genesisHashMismatch(expected: String, actual: String)
    /// The first op has a `prev`, or is a tombstone.
    case invalidGenesis(String)
    /// `prev` is not the CID of the op before it.
    case misordered(index: Int)
    /// An op follows a tombstone.
    case afterTombstone(index: Int)
    case emptyLog
    case notPLC(String)

    public var description: String {
        switch self {
        case .malformed(let why): return "Improperly formatted operation: \(why)"
        case .badSignatureEncoding(let why): return "Invalid signature encoding: \(why)"
        case .invalidSignature(let i): return "Invalid signature on op \(i): not signed by an allowed rotation key"
        case .genesisHashMismatch(let expected, let actual):
            return "Hash of genesis operation does not match DID identifier: expected \(expected), got \(actual)"
        case .invalidGenesis(let why): return "Invalid genesis operation: \(why)"
        case .misordered(let i): return "Operations not correctly ordered: op \(i) has the wrong prev"
        case .afterTombstone(let i): return "Operations not correctly ordered: op \(i) follows a tombstone"
        case .emptyLog: return "Empty operation log"
        case .notPLC(let did): return "Not a did:plc identifier: \(did)"
        }
    }
}
