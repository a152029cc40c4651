import Foundation
import Keys

/// Gathers shares for a ceremony from the places the user names: the wallet's own store, the
/// relay's escrow (which starts a release and may make the user wait), and paper/file.
public struct ShareCollection: Sendable {
    public var useWallet: Bool
    public var useEscrow: Bool
    public var paper: Data?

    public init(useWallet: Bool, useEscrow: Bool, paper: Data?) {
        self.useWallet = useWallet
        self.useEscrow = useEscrow
        self.paper = paper
    }

    public func collect(_ session: WalletSession, password: SecretBytes? = nil) async throws(WalletError) -> [SecretBytes] {
        var found: [SecretBytes] = []
        if useWallet {
            guard let share = try session.vault.get(WalletVault.shareName) else { throw .shares("the wallet holds no share") }
            found.append(share)
        }
        if let paper { found.append(try ShareThree.read(paper)) }
        if useEscrow, found.count < WalletShares.threshold {
            found.append(try await Self.fromEscrow(session, password: password))
        }
        guard found.count >= WalletShares.threshold else {
            throw .shares("\(found.count) share(s) given; name two of --use-wallet, --use-escrow, --share-file")
        }
        return found
    }

    /// Requests the release (idempotent) and fetches the share if the waiting period is over.
    static func fromEscrow(_ session: WalletSession, password: SecretBytes?) async throws(WalletError) -> SecretBytes {
        let client = try await session.login(password: password)
        let release = try await client.procedure("app.dpds.escrow.requestRelease")
        do {
            let got = try await client.procedure("app.dpds.escrow.getShare")
            guard let share = got["share"] as? String else { throw WalletError.badResponse("getShare without share") }
            return SecretBytes(Array(share.utf8))
        } catch let error as WalletError {
            if case .xrpc(_, _, "ReleasePending", _) = error {
                throw .shares("escrow release requested; the relay hands the share out at \(release["availableAt"] as? String ?? "?"); run again then")
            }
            throw error
        } catch {
            throw .badResponse("\(error)")
        }
    }
}
