import Synchronization

/// Session tokens already verified, by their exact text: a client sends the same access token on
/// every call, and verifying it again (base64 plus two Foundation JSON decodes) cost as much server
/// CPU as the repo commit itself. Only a token that passed every check is kept, and expiry is still
/// checked on each use; bounded, and simply emptied when full.
final class VerifiedTokenCache: Sendable {
    private let entries = Mutex([String: JWTClaims]())
    private let limit: Int

    init(limit: Int = 4096) { self.limit = limit }

    func claims(_ token: String, type: String) -> JWTClaims? {
        entries.withLock { $0[type + " " + token] }
    }

    func insert(_ token: String, type: String, _ claims: JWTClaims) {
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[type + " " + token] = claims
        }
    }
}
