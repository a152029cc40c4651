/// Arithmetic in GF(2^8) with the Rijndael polynomial x^8+x^4+x^3+x+1, as SLIP-0039 specifies.
enum GF256 {
    static let tables: (exp: [UInt8], log: [Int]) = {
        var exp = [UInt8](repeating: 0, count: 255)
        var log = [Int](repeating: 0, count: 256)
        var poly = 1
        for i in 0..<255 {
            exp[i] = UInt8(poly)
            log[poly] = i
            poly = (poly << 1) ^ poly
            if poly & 0x100 != 0 { poly ^= 0x11B }
        }
        return (exp, log)
    }()

    /// Lagrange interpolation of the byte-wise polynomials through `shares`, evaluated at `x`.
    /// Callers guarantee distinct x and equal lengths (checked in `ShamirSplit`).
    static func interpolate(_ shares: [(x: UInt8, data: [UInt8])], at x: UInt8) -> [UInt8] {
        if let hit = shares.first(where: { $0.x == x }) { return hit.data }
        let (exp, log) = tables
        let logProduct = shares.reduce(0) { $0 + log[Int($1.x ^ x)] }
        var result = [UInt8](repeating: 0, count: shares[0].data.count)
        for share in shares {
            let others = shares.reduce(0) { $0 + log[Int(share.x ^ $1.x)] }
            // x_i ^ x_i is 0 and log[0] is 0 in the table, so the sum over all shares is the sum over others.
            let basis = ((logProduct - log[Int(share.x ^ x)] - others) % 255 + 255) % 255
            for i in result.indices where share.data[i] != 0 {
                result[i] ^= exp[(log[Int(share.data[i])] + basis) % 255]
            }
        }
        return result
    }
}
