/// Cryptographically secure random bytes from the system generator.
enum SystemRandom {
    static func fill(_ bytes: inout [UInt8]) {
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max, using: &rng) }
    }

    static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        fill(&out)
        return out
    }
}
