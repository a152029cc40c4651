import Protocol

/// The wire form of a node: `{e: [{k, p, t, v}], l}` with key prefix compression, canonical
/// DAG-CBOR (map keys sorted by length then bytes, so `e` before `l`, and `k, p, t, v`).
struct MSTNodeData: Equatable, Sendable {
    struct Entry: Equatable, Sendable {
        var prefixLength: Int
        var suffix: [UInt8]
        var value: CID
        var right: CID?
    }

    var left: CID?
    var entries: [Entry]

    func encode() -> [UInt8] {
        var w = CBORWriter(capacity: 64 + entries.count * 90)
        w.mapHeader(2)
        w.text("e")
        w.arrayHeader(entries.count)
        for e in entries {
            w.mapHeader(4)
            w.text("k"); w.byteString(e.suffix)
            w.text("p"); w.uint(UInt64(e.prefixLength))
            w.text("t"); w.optionalLink(e.right)
            w.text("v"); w.link(e.value)
        }
        w.text("l")
        w.optionalLink(left)
        return w.bytes
    }

    enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case cbor(CBORReader.Failure)
        case shape(String)
        case notCanonical
        case prefixTooLong(Int)
        var description: String {
            switch self {
            case .cbor(let f): "node is not valid DAG-CBOR: \(f)"
            case .shape(let s): "node shape: \(s)"
            case .notCanonical: "node encoding is not canonical DAG-CBOR"
            case .prefixTooLong(let i): "entry \(i) has a prefix longer than the previous key"
            }
        }
    }

    /// Strict decode: exactly the fields `e` and `l`, entries exactly `k p t v`; bytes must
    /// re-encode identically so the CID binds one canonical form.
    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> MSTNodeData {
        do {
            var r = CBORReader(bytes)
            guard try r.mapCount() == 2, try r.text() == "e" else { throw DecodeError.shape("expected map {e, l}") }
            let n = try r.arrayCount()
            guard n <= bytes.count else { throw DecodeError.shape("entry count") }
            var entries: [Entry] = []
            entries.reserveCapacity(n)
            for _ in 0..<n {
                guard try r.mapCount() == 4, try r.text() == "k" else { throw DecodeError.shape("entry must be {k, p, t, v}") }
                let suffix = try r.byteString()
                guard try r.text() == "p" else { throw DecodeError.shape("entry missing p") }
                let p = try r.uint()
                guard try r.text() == "t" else { throw DecodeError.shape("entry missing t") }
                let t = try r.optionalLink()
                guard try r.text() == "v" else { throw DecodeError.shape("entry missing v") }
                let v = try r.link()
                entries.append(Entry(prefixLength: Int(clamping: p), suffix: suffix, value: v, right: t))
            }
            guard try r.text() == "l" else { throw DecodeError.shape("missing l") }
            let l = try r.optionalLink()
            try r.expectEnd()
            let node = MSTNodeData(left: l, entries: entries)
            guard node.encode() == bytes else { throw DecodeError.notCanonical }
            return node
        } catch let e as DecodeError {
            throw e
        } catch let e as CBORReader.Failure {
            throw .cbor(e)
        } catch {
            throw .shape("\(error)")
        }
    }

    /// Expands prefix compression into full keys.
    func keys() throws(DecodeError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(entries.count)
        var previous: [UInt8] = []
        for (i, e) in entries.enumerated() {
            guard e.prefixLength <= previous.count else { throw .prefixTooLong(i) }
            let key = Array(previous[..<e.prefixLength]) + e.suffix
            out.append(key)
            previous = key
        }
        return out
    }
}
