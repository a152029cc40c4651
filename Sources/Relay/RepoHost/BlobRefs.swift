import Protocol

/// The blobs a record references: every `{"$type": "blob", "ref": <link>}` anywhere in it
/// (embeds nest them), as the `#commit` event's `blobs` and the blob store's references need.
enum BlobRefs {
    static func find(in value: DataValue) -> [CID] {
        var out: [CID] = []
        collect(value, into: &out)
        return out
    }

    private static func collect(_ value: DataValue, into out: inout [CID]) {
        switch value {
        case .map(let map):
            if map["$type"]?.stringValue == "blob", case .link(let cid)? = map["ref"] {
                if !out.contains(cid) { out.append(cid) }
                return
            }
            for (_, v) in map { collect(v, into: &out) }
        case .array(let items):
            for v in items { collect(v, into: &out) }
        default:
            return
        }
    }
}
