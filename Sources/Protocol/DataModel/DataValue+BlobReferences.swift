/// The blobs a record references: every `{"$type": "blob", "ref": <link>}` anywhere in it (embeds
/// nest them), first occurrence first. Both peers need it: the relay for `#commit`'s `blobs` and its
/// blob references, the desktop to refuse records naming blobs it does not hold.
extension DataValue {
    public var blobReferences: [CID] {
        var out: [CID] = []
        Self.collectBlobs(self, into: &out)
        return out
    }

    private static func collectBlobs(_ value: DataValue, into out: inout [CID]) {
        switch value {
        case .map(let map):
            if map["$type"]?.stringValue == "blob", case .link(let cid)? = map["ref"] {
                if !out.contains(cid) { out.append(cid) }
                return
            }
            for (_, v) in map { collectBlobs(v, into: &out) }
        case .array(let items):
            for v in items { collectBlobs(v, into: &out) }
        default:
            return
        }
    }
}
