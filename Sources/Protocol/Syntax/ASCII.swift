/// Byte classes shared by the syntax validators; all atproto identifiers are ASCII.
enum ASCII {
    static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7a }
    static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5a }
    static func isAlpha(_ b: UInt8) -> Bool { isLower(b) || isUpper(b) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }

    /// Offset of the first byte outside `allowed`, as a syntax error, or nil when all pass.
    static func firstInvalid(_ bytes: some Collection<UInt8>, in string: String, kind: SyntaxError.Kind,
                             base: Int = 0, allowed: (UInt8) -> Bool) -> SyntaxError? {
        for (i, b) in bytes.enumerated() where !allowed(b) {
            return SyntaxError(kind, string, .invalidCharacter(character(in: string, atUTF8Offset: base + i), offset: base + i))
        }
        return nil
    }

    /// The character starting at (or containing) a UTF-8 offset, for error messages.
    static func character(in string: String, atUTF8Offset offset: Int) -> Character {
        var consumed = 0
        for c in string {
            let width = c.utf8.count
            if offset < consumed + width { return c }
            consumed += width
        }
        return "?"
    }

    static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { isUpper($0) ? $0 | 0x20 : $0 }
    }
}
