/// The JSON form of the data model: `{"$link": "<cid>"}` for CIDs, `{"$bytes": "<base64>"}` for
/// bytes (standard alphabet, unpadded when written), blob refs as ordinary maps.
///
/// Our own reader and writer rather than Foundation's JSONSerialization, because that one reads
/// numbers through Double (losing integers above 2^53) and cannot tell `1` from `1.5` reliably.
public enum DataModelJSON {
    /// Any JSON value. Whole-number spellings such as `123.0` or `1e3` are accepted as integers
    /// (JSON does not distinguish them, and the interop vectors call `123.0` valid); anything with
    /// a non-zero fraction is a float and rejected.
    public static func decode(_ json: [UInt8], maxDepth: Int = 128) throws(DataModelJSONError) -> DataValue {
        try json.withUnsafeBufferPointer { buffer in
            Result { () throws(DataModelJSONError) in
                var reader = JSONReader(buffer, maxDepth: maxDepth)
                return try reader.readDocument()
            }
        }.get()
    }

    public static func decode(_ json: String, maxDepth: Int = 128) throws(DataModelJSONError) -> DataValue {
        try decode(Array(json.utf8), maxDepth: maxDepth)
    }

    /// Compact JSON with map keys in DAG-CBOR order, so one value has one spelling.
    public static func encode(_ value: DataValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.out
    }

    public static func encodeString(_ value: DataValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }
}
