@testable import Protocol

/// Fixed keys so PLC test ops (and the DIDs they hash to) are reproducible.
enum PLCTestKeys {
    static func k256(_ seed: UInt8) -> K256SigningKey {
        try! K256SigningKey(rawRepresentation: [UInt8](repeating: seed, count: 31) + [1])
    }

    static func p256(_ seed: UInt8) -> P256SigningKey {
        try! P256SigningKey(rawRepresentation: [UInt8](repeating: seed, count: 31) + [1])
    }

    /// A genesis as a PDS writes it: `rotation` keys, `signer` among them.
    static func genesis(signer: any SigningKey, rotation: [any SigningKey], handle: String = "alice.test",
                        atproto: any SigningKey = k256(9)) throws -> PLCSignedOperation {
        let op = PLCOperation.atproto(signingKey: atproto.publicKey.didKey, handle: handle, pds: "https://pds.example.com",
                                      rotationKeys: rotation.map(\.publicKey.didKey), prev: nil)
        return try PLCUnsignedOp.operation(op).signed(by: signer)
    }
}
