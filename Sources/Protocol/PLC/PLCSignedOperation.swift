import Crypto

/// A signed PLC op as the directory stores and serves it.
public struct PLCSignedOperation: Sendable, Hashable {
    public let op: PLCUnsignedOp
    /// Unpadded base64url of the 64-byte compact signature, exactly as received.
    public let sig: String

    public init(op: PLCUnsignedOp, sig: String) {
        self.op = op
        self.sig = sig
    }

    public var prev: CID? { op.prev }

    public var dataValue: DataValue {
        guard case .map(var m) = op.dataValue else { preconditionFailure("ops are maps") }
        m["sig"] = .string(sig)
        return .map(m)
    }

    public var dagCBOR: [UInt8] { DAGCBOR.encode(dataValue) }
    /// What the next op's `prev` names.
    public var cid: CID { CID.compute(.dagCBOR, dagCBOR) }
    public var json: String { DataModelJSON.encodeString(dataValue) }

    /// The DID this op creates if it is a genesis: `did:plc:` + the first 24 base32 chars of
    /// sha256 over the signed op's DAG-CBOR.
    public var did: String {
        "did:plc:" + String(Base32.encode(Array(SHA256.hash(data: dagCBOR))).prefix(24))
    }

    public init(dataValue: DataValue) throws(PLCError) {
        var fields = try PLCFields(dataValue, "operation")
        sig = try fields.string("sig")
        op = try PLCUnsignedOp(fields: &fields)
    }

    public init(json: some Collection<UInt8>) throws(PLCError) {
        let value: DataValue
        do { value = try DataModelJSON.decode(Array(json)) } catch { throw .malformed("not JSON: \(error)") }
        try self.init(dataValue: value)
    }

    public init(json: String) throws(PLCError) { try self.init(json: Array(json.utf8)) }

    /// The 64 signature bytes, refusing padding, stray characters and non-zero trailing bits
    /// (one signature, one spelling: the interop logs test each of these).
    public func signatureBytes() throws(PLCError) -> [UInt8] {
        if sig.contains("=") { throw .badSignatureEncoding("padding characters") }
        let bytes: [UInt8]
        do { bytes = try Base64.decode(sig, url: true) } catch { throw .badSignatureEncoding("not base64url") }
        guard Base64.encode(bytes, url: true, padded: false) == sig else { throw .badSignatureEncoding("not canonical base64url") }
        guard bytes.count == 64 else { throw .badSignatureEncoding("\(bytes.count) bytes, not 64") }
        return bytes
    }

    /// The first of `allowedKeys` (did:key strings) that made the signature; keys that fail to
    /// parse are skipped, as the reference verifier does.
    public func signer(among allowedKeys: [String], index: Int = 0) throws(PLCError) -> String {
        let signature = try signatureBytes()
        let message = op.signingBytes
        for didKey in allowedKeys {
            guard let key = try? DIDKey.parse(didKey) else { continue }
            if key.verify(signature: signature, for: message) { return didKey }
        }
        throw .invalidSignature(index: index)
    }
}
