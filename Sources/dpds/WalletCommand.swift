import ArgumentParser
import Device
import Foundation
import Keys

/// `dpds wallet`: the phone's role in the key ceremonies, scriptable end to end. Secrets come from
/// files (`--password-file`, `--wallet-passphrase-file`, `--share-file`, `-` for standard input),
/// never from flags, so they stay out of shell history and process listings.
struct WalletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wallet",
        abstract: "Own your identity: the root rotation key, split 2-of-3 (wallet, relay escrow, paper or file).",
        discussion: """
            Where the shares live: share 1 in this wallet's key store (--dir), share 2 in the relay's escrow,
            share 3 with you (words on paper, or a recovery file). Any two restore the key; no single place
            ever holds it whole. See spec/key-recovery.md.
            """,
        subcommands: [Create.self, Shares.self, EscrowLog.self, RotateShares.self]
    )

    struct Common: ParsableArguments {
        @Option(help: "Wallet directory (state, key store).")
        var dir: String
        @Option(help: "File holding the passphrase that unlocks the wallet's key store ('-' for stdin). Without it the store is unlocked by <dir>/wallet.key (0600).")
        var walletPassphraseFile: String?

        func passphrase() throws -> SecretBytes? { try walletPassphraseFile.map(WalletCommand.readSecret) }
    }

    static func readSecret(_ path: String) throws -> SecretBytes {
        let data = try readFile(path)
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        return SecretBytes(bytes)
    }

    static func readFile(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return data
    }

    static func shareThree(paperOut: String?, recoveryFile: String?) throws -> WalletCreate.ShareThreeOutput {
        if paperOut != nil, recoveryFile != nil { throw ValidationError("give --paper-out or --recovery-file, not both") }
        if let recoveryFile { return .file(path: recoveryFile) }
        return .paper(path: paperOut)
    }

    static func printPaper(_ words: SecretBytes?) {
        guard let words else { return }
        print("Share 3 (write these words down; they are shown once):")
        print(String(decoding: words.bytes, as: UTF8.self))
    }

    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as WalletError { throw ValidationError(error.description) }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account whose root rotation key the wallet makes and splits 2-of-3.")
        @OptionGroup var common: Common
        @Option(help: "Relay base URL, e.g. https://relay.example.") var relay: String
        @Option(help: "Handle of the new account.") var handle: String
        @Option(help: "Email of the new account.") var email: String?
        @Option(help: "File with the account password ('-' for stdin); generated and kept in the wallet if absent.")
        var passwordFile: String?
        @Option(help: "Write share 3 as words to this file (default: print the words).") var paperOut: String?
        @Option(help: "Write share 3 as a recovery file (JSON) instead of words.") var recoveryFile: String?

        func run() async throws {
            guard let url = URL(string: relay) else { throw ValidationError("not a URL: \(relay)") }
            let create = WalletCreate(relay: url, handle: handle, email: email,
                                      password: try passwordFile.map(WalletCommand.readSecret),
                                      shareThree: try WalletCommand.shareThree(paperOut: paperOut, recoveryFile: recoveryFile),
                                      directory: common.dir, walletPassphrase: try common.passphrase())
            let result = try await WalletCommand.run { try await create.run() }
            print("did\t\(result.state.did)")
            print("handle\t\(result.state.handle)")
            print("rotationKey\t\(result.state.rotationKey)")
            for share in result.state.shares { print("share \(share.number)\t\(share.place)\t\(share.location)") }
            WalletCommand.printPaper(result.paperWords)
        }
    }

    struct Shares: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show where each share lives and when it was last verified.")
        @OptionGroup var common: Common
        @Flag(help: "Check the wallet's share and the relay's escrow now.") var verify = false

        func run() async throws {
            var session = try await WalletCommand.run { try WalletSession(directory: common.dir, walletPassphrase: try common.passphrase()) }
            let verify = verify
            let shares = try await WalletCommand.run { try await session.shares(verify: verify) }
            print("did\t\(session.state.did)\nrotationKey\t\(session.state.rotationKey)\nset\t\(session.state.shareSet)")
            for s in shares { print("share \(s.number)\t\(s.place)\t\(s.location)\tcreated \(s.createdAt)\tverified \(s.lastVerified ?? "never")") }
        }
    }

    struct EscrowLog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "escrow-log", abstract: "Print the relay's audit log of your escrowed share.")
        @OptionGroup var common: Common
        @Flag(help: "Print the raw JSON.") var json = false

        func run() async throws {
            let session = try await WalletCommand.run { try WalletSession(directory: common.dir, walletPassphrase: try common.passphrase()) }
            let log = try await WalletCommand.run { try await session.escrowLog() }
            if json {
                let data = try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            for entry in log["entries"] as? [[String: Any]] ?? [] {
                let fields = ["at", "action", "actor", "origin", "outcome", "detail"].map { "\(entry[$0] ?? "")" }
                print(fields.joined(separator: "\t"))
            }
            if let pending = log["pendingRelease"] as? [String: Any] {
                print("pending release: available at \(pending["availableAt"] ?? "?")")
            }
        }
    }

    struct ShareChoice: ParsableArguments {
        @Flag(help: "Use share 1 from this wallet.") var useWallet = false
        @Flag(help: "Use share 2 from the relay's escrow (starts the release waiting period).") var useEscrow = false
        @Option(help: "Share 3: a words file or recovery file ('-' for stdin).") var shareFile: String?

        func collection() throws -> ShareCollection {
            ShareCollection(useWallet: useWallet, useEscrow: useEscrow, paper: try shareFile.map(WalletCommand.readFile))
        }
    }

    struct RotateShares: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate-shares",
                                                        abstract: "Replace all three shares of the current key with a fresh set.")
        @OptionGroup var common: Common
        @OptionGroup var shares: ShareChoice
        @Option(help: "Write the new share 3 as words to this file (default: print).") var paperOut: String?
        @Option(help: "Write the new share 3 as a recovery file.") var recoveryFile: String?

        func run() async throws {
            var session = try await WalletCommand.run { try WalletSession(directory: common.dir, walletPassphrase: try common.passphrase()) }
            let sources = try shares.collection()
            let third = try WalletCommand.shareThree(paperOut: paperOut, recoveryFile: recoveryFile)
            let output = try await WalletCommand.run { try await WalletResplit.rotate(&session, using: sources, shareThree: third) }
            print("set\t\(session.state.shareSet)")
            WalletCommand.printPaper(output.paperWords)
        }
    }
}
