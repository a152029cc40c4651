import CSecp256k1

/// Owns the one libsecp256k1 context every K-256 operation uses.
///
/// Created once and randomized (side-channel blinding for signing). After creation only
/// functions taking a `const secp256k1_context *` are called on it, which libsecp256k1 documents
/// as safe to share across threads; hence `@unchecked Sendable`.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("libsecp256k1 could not allocate a context")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        SystemRandom.fill(&seed)
        // A failed randomization only loses blinding; the context stays correct.
        _ = secp256k1_context_randomize(ctx, seed)
        pointer = ctx
    }

    deinit {
        secp256k1_context_destroy(pointer)
    }
}
