import Crypto
import Protocol

/// A repo commit, format v3: `{did, version: 3, data, rev, prev: null}` before signing.
///
/// An unsigned commit together with the blocks it introduces is a value of its own: the desktop
/// builds it, the relay (which holds the signing key) signs it, and either side can apply it.
public struct UnsignedCommit: Sendable, Equatable {
    public var did: String
    public var version: Int = 3
    public var data: CID
    public var rev: String
    public var prev: CID? = nil

    public init(did: String, data: CID, rev: String, prev: CID? = nil) {
        self.did = did; self.data = data; self.rev = rev; self.prev = prev
    }

    /// Canonical DAG-CBOR: keys by length then bytes (did, rev, sig, data, prev, version).
    func encode(sig: [UInt8]?) -> [UInt8] {
        var w = CBORWriter(capacity: 200)
        w.mapHeader(sig == nil ? 5 : 6)
        w.text("did"); w.text(did)
        w.text("rev"); w.text(rev)
        if let sig { w.text("sig"); w.byteString(sig) }
        w.text("data"); w.link(data)
        w.text("prev"); w.optionalLink(prev)
        w.text("version"); w.uint(UInt64(version))
        return w.bytes
    }

    /// The bytes a signature covers.
    public var bytesToSign: [UInt8] { encode(sig: nil) }

    public func signed(_ sign: ([UInt8]) throws -> [UInt8]) rethrows -> SignedCommit {
        SignedCommit(unsigned: self, sig: try sign(bytesToSign))
    }
}

public struct SignedCommit: Sendable, Equatable {
    public var unsigned: UnsignedCommit
    public var sig: [UInt8]

    public init(unsigned: UnsignedCommit, sig: [UInt8]) { self.unsigned = unsigned; self.sig = sig }

    public var did: String { unsigned.did }
    public var rev: String { unsigned.rev }
    public var data: CID { unsigned.data }

    public var block: Block {
        let bytes = unsigned.encode(sig: sig)
        return Block(cid: CID(codec: .dagCBOR, digest: sha256Bytes(bytes)), bytes: bytes)
    }

    public func verify(_ check: (_ signature: [UInt8], _ message: [UInt8]) -> Bool) -> Bool {
        check(sig, unsigned.bytesToSign)
    }

    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case cbor(String), missing(String), version(Int64)
        public var description: String {
            switch self {
            case .cbor(let s): "commit is not valid DAG-CBOR: \(s)"
            case .missing(let f): "commit field \(f) missing or of the wrong type"
            case .version(let v): "commit version \(v) is not 3"
            }
        }
    }

    /// Reads a v3 commit block. The signature is checked separately (`verify`).
    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> SignedCommit {
        var did: String?, rev: String?, sig: [UInt8]?, data: CID?, prev: CID?, version: UInt64?
        do {
            var r = CBORReader(bytes)
            let n = try r.mapCount()
            for _ in 0..<n {
                switch try r.text() {
                case "did": did = try r.text()
                case "rev": rev = try r.text()
                case "sig": sig = try r.byteString()
                case "data": data = try r.link()
                case "prev": prev = try r.optionalLink()
                case "version": version = try r.uint()
                default: try r.skip()
                }
            }
            try r.expectEnd()
        } catch { throw .cbor(error.description) }
        guard let did else { throw .missing("did") }
        guard let rev else { throw .missing("rev") }
        guard let sig else { throw .missing("sig") }
        guard let data else { throw .missing("data") }
        guard let version else { throw .missing("version") }
        guard version == 3 else { throw .version(Int64(clamping: version)) }
        return SignedCommit(unsigned: UnsignedCommit(did: did, data: data, rev: rev, prev: prev), sig: sig)
    }
}
