/// Bounds applied while decoding untrusted input.
public struct DAGCBORLimits: Sendable, Equatable {
    /// Maximum nesting of arrays and maps; the top-level map is depth 1. Decoding recurses once per
    /// level, so keep this in the hundreds, not the tens of thousands.
    public var maxDepth: Int
    /// Maximum input size in bytes.
    public var maxSize: Int

    public init(maxDepth: Int = 128, maxSize: Int = 8 * 1024 * 1024) {
        self.maxDepth = maxDepth
        self.maxSize = maxSize
    }

    /// Deep enough for any lexicon record, large enough for any repo block or firehose frame
    /// we expect (records are capped near 1 MB), small enough that recursion and memory stay bounded.
    public static let `default` = DAGCBORLimits()
}
