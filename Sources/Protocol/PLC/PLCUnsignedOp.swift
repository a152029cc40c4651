/// Any op a PLC log may hold, before its signature.
public enum PLCUnsignedOp: Sendable, Hashable {
    case operation(PLCOperation)
    case tombstone(PLCTombstone)
    case legacyCreate(PLCLegacyCreate)

    public var prev: CID? {
        switch self {
        case .operation(let op): return op.prev
        case .tombstone(let t): return t.prev
        case .legacyCreate: return nil
        }
    }

    /// The identity state this op sets; nil for a tombstone.
    public var state: PLCOperation? {
        switch self {
        case .operation(let op): return op
        case .tombstone: return nil
        case .legacyCreate(let c): return c.normalized
        }
    }

    /// The data model value that is DAG-CBOR encoded and signed.
    public var dataValue: DataValue {
        switch self {
        case .operation(let op): return op.unsignedValue
        case .tombstone(let t): return .map(["type": .string("plc_tombstone"), "prev": .string(t.prev.string)])
        case .legacyCreate(let c):
            return .map(["type": .string("create"), "signingKey": .string(c.signingKey),
                         "recoveryKey": .string(c.recoveryKey), "handle": .string(c.handle),
                         "service": .string(c.service), "prev": .null])
        }
    }

    /// The bytes a rotation key signs.
    public var signingBytes: [UInt8] { DAGCBOR.encode(dataValue) }

    /// Signs with any atproto key: `sig` is unpadded base64url of the 64-byte low-S signature.
    public func signed(by key: any SigningKey) throws -> PLCSignedOperation {
        let sig = try key.sign(signingBytes)
        return PLCSignedOperation(op: self, sig: Base64.encode(sig, url: true, padded: false))
    }

    /// Reads the fields of `value` other than `sig`, refusing unknown ones.
    init(fields: inout PLCFields) throws(PLCError) {
        switch try fields.string("type") {
        case "plc_operation":
            self = .operation(try PLCOperation(fields: &fields))
        case "plc_tombstone":
            guard let prev = try fields.prev() else { throw .malformed("tombstone has a null prev") }
            self = .tombstone(PLCTombstone(prev: prev))
        case "create":
            let c = PLCLegacyCreate(signingKey: try fields.string("signingKey"), recoveryKey: try fields.string("recoveryKey"),
                                    handle: try fields.string("handle"), service: try fields.string("service"))
            guard try fields.prev() == nil else { throw .malformed("legacy create has a prev") }
            self = .legacyCreate(c)
        case let other:
            throw .malformed("unknown operation type \"\(other)\"")
        }
        try fields.finish()
    }
}
