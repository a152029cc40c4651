import Device
import Foundation
import Keys
import Protocol
import Testing
import TestSupport

/// The recovery ceremony against an in-process relay and the PLC directory double (which stands in
/// for https://plc.directory and verifies every op against the chain: signature, prev, authority).
@Suite(.serialized) struct RecoveryTests {
    @Test func recoveryWithEachPairOfShares() async throws {
        let plc = try await PLCDirectoryDouble.start()
        let relay = try await WalletRelay.start { $0.plcURL = plc.baseURL; $0.escrowReleaseDelay = 0 }
        defer { Task { await relay.stop(); await plc.stop() } }
        let dir = WalletOnboardingTests.tempDir("recover-wallet")
        var paper = WalletOnboardingTests.tempDir("paper") + ".txt"
        let created = try await WalletCreate(relay: relay.url, handle: "gail.test", shareThree: .paper(path: paper),
                                             directory: dir).run()
        let did = created.state.did
        let genesis = try #require(await plc.log(did: did).first?.op.state)
        #expect(genesis.rotationKeys.first == created.state.rotationKey)
        #expect(genesis.rotationKeys.count == 2)

        var session = try WalletSession(directory: dir, walletPassphrase: nil)
        var roots = [created.state.rotationKey]
        let pairs: [(String, Bool, Bool, Bool)] = [("wallet+paper", true, false, true), ("wallet+escrow", true, true, false),
                                                   ("escrow+paper", false, true, true)]
        for (name, wallet, escrow, usePaper) in pairs {
            let nextPaper = WalletOnboardingTests.tempDir("paper") + ".txt"
            let sources = ShareCollection(useWallet: wallet, useEscrow: escrow,
                                          paper: usePaper ? try Data(contentsOf: URL(fileURLWithPath: paper)) : nil)
            let result = try await WalletRecover(sources: sources, plc: URL(string: plc.baseURL)!,
                                                 shareThree: .paper(path: nextPaper)).run(&session)
            let ops = await plc.log(did: did)
            let state = try #require(try PLCLog.verify(did: did, ops: ops), "\(name)")
            #expect(state.rotationKeys.first == result.newRotationKey, "\(name)")
            #expect(!state.rotationKeys.contains(roots.last!), "\(name): old root still listed")
            #expect(session.state.rotationKey == result.newRotationKey)
            #expect(result.oldEscrowRevoked)
            roots.append(result.newRotationKey)
            paper = nextPaper
            print("RecoveryTests: \(name) recovered; PLC log has \(ops.count) ops")
        }
        #expect(Set(roots).count == 4)
        await relay.stop()
    }
}
