/// Key material that never shows itself: `print`, string interpolation, `debugPrint`, `dump` and
/// error messages all see `<redacted N bytes>`. Reach the bytes only through `withUnsafeBytes` or
/// `bytes`, on purpose, at the point of use.
public struct SecretBytes: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable, CustomLeafReflectable
{
    private let storage: [UInt8]

    public init(_ bytes: [UInt8]) { storage = bytes }

    public var count: Int { storage.count }
    /// The secret itself: a deliberate, greppable call at every place it leaves this type.
    public var bytes: [UInt8] { storage }

    public var description: String { "<redacted \(storage.count) bytes>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Constant-time comparison, so equality checks do not leak where two secrets differ.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        guard lhs.storage.count == rhs.storage.count else { return false }
        var diff: UInt8 = 0
        for i in lhs.storage.indices { diff |= lhs.storage[i] ^ rhs.storage[i] }
        return diff == 0
    }
}
