/// Compact JSON for data-model values; map keys in DAG-CBOR order for one spelling per value.
struct JSONWriter {
    var out: [UInt8] = []

    init() { out.reserveCapacity(256) }

    mutating func write(_ value: DataValue) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .integer(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): writeString(s)
        case .bytes(let b):
            append("{\"$bytes\":\"")
            out.append(contentsOf: Base64.encode(b, url: false, padded: false).utf8)
            append("\"}")
        case .link(let cid):
            append("{\"$link\":\"")
            out.append(contentsOf: cid.string.utf8)
            append("\"}")
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let map):
            out.append(UInt8(ascii: "{"))
            for (i, entry) in map.sorted(by: { DAGCBOREncoder.keyPrecedes($0.key, $1.key) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(entry.key)
                out.append(UInt8(ascii: ":"))
                write(entry.value)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    mutating func append(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escapes only what JSON requires: quote, backslash and control characters.
    mutating func writeString(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0a: append("\\n")
            case 0x0d: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0c: append("\\f")
            case ..<0x20:
                append("\\u00")
                out.append(JSONWriter.hex[Int(b >> 4)])
                out.append(JSONWriter.hex[Int(b & 0xf)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
