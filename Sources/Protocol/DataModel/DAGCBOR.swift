/// DAG-CBOR as the atproto data model restricts it: the one canonical encoding of a `DataValue`.
public enum DAGCBOR {
    public static func encode(_ value: DataValue) -> [UInt8] {
        var encoder = DAGCBOREncoder()
        encoder.write(value)
        return encoder.out
    }

    public static func decode(_ bytes: [UInt8], limits: DAGCBORLimits = .default) throws(DAGCBORError) -> DataValue {
        // withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        try bytes.withUnsafeBytes { raw in Result { () throws(DAGCBORError) in try decode(raw, limits: limits) } }.get()
    }

    public static func decode(_ bytes: ArraySlice<UInt8>, limits: DAGCBORLimits = .default) throws(DAGCBORError) -> DataValue {
        // withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        try bytes.withUnsafeBytes { raw in Result { () throws(DAGCBORError) in try decode(raw, limits: limits) } }.get()
    }

    /// Decodes exactly one item filling `bytes`; offsets in errors are relative to its start.
    public static func decode(_ bytes: UnsafeRawBufferPointer, limits: DAGCBORLimits = .default) throws(DAGCBORError) -> DataValue {
        if bytes.count > limits.maxSize { throw DAGCBORError(.sizeLimitExceeded(bytes.count), at: 0) }
        var decoder = DAGCBORDecoder(bytes, maxDepth: limits.maxDepth)
        let value = try decoder.readValue(depth: 0)
        if decoder.position != bytes.count {
            throw DAGCBORError(.trailingBytes(bytes.count - decoder.position), at: decoder.position)
        }
        return value
    }

    /// Decodes the one item at the front of `bytes` and says how many bytes it took, for
    /// concatenated items such as a firehose frame (header, then body). Offsets in errors are
    /// relative to the slice's start.
    public static func decodeFirst(_ bytes: ArraySlice<UInt8>, limits: DAGCBORLimits = .default) throws(DAGCBORError) -> (value: DataValue, length: Int) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(DAGCBORError) in
                if raw.count > limits.maxSize { throw DAGCBORError(.sizeLimitExceeded(raw.count), at: 0) }
                var decoder = DAGCBORDecoder(raw, maxDepth: limits.maxDepth)
                let value = try decoder.readValue(depth: 0)
                return (value, decoder.position)
            }
        }.get()
    }

    public static func decodeFirst(_ bytes: [UInt8], limits: DAGCBORLimits = .default) throws(DAGCBORError) -> (value: DataValue, length: Int) {
        try decodeFirst(bytes[...], limits: limits)
    }

    /// The dag-cbor CID (sha2-256) of the value's canonical encoding.
    public static func cid(of value: DataValue) -> CID {
        CID.compute(.dagCBOR, encode(value))
    }
}
