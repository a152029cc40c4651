import ArgumentParser
import Foundation
import Protocol
import Repo

struct RepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "Inspect, list, verify, export and import repos (CAR files).",
        subcommands: [Inspect.self, List.self, Verify.self, Export.self, Import.self, Churn.self]
    )

    static func readCAR(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        return Array(data)
    }

    static func storage(_ dir: String) throws -> SQLiteRepoStorage {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return try SQLiteRepoStorage(path: (dir as NSString).appendingPathComponent("repo.sqlite"))
    }

    /// Loads a CAR without a signature check (inspect and ls read what is there).
    static func summary(_ path: String) throws -> RepoSummary {
        do { return try RepoVerifier.verify(car: try readCAR(path), signature: nil) }
        catch let e as RepoVerifyError { throw ValidationError(e.description) }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the commit and a count of records per collection.")
        @Argument var car: String
        func run() throws {
            let s = try RepoCommand.summary(car)
            print("commit\t\(s.commitCID.text)")
            print("did\t\(s.commit.did)")
            print("rev\t\(s.commit.rev)")
            print("data\t\(s.commit.data.text)")
            print("records\t\(s.records.count)")
            for c in s.recordsPerCollection { print("\(c.collection)\t\(c.count)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "Print collection/rkey<TAB>cid per record.")
        @Argument var car: String
        func run() throws {
            var out = ""
            for r in try RepoCommand.summary(car).records { out += "\(r.key)\t\(r.cid.text)\n" }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a repo CAR; exit 1 naming the first problem.")
        @Argument var car: String
        @Option(name: .customLong("did-key"), help: "The did:key the commit must be signed with.") var didKey: String
        func run() throws {
            let check = try RepoSigning.checker(didKey: didKey)
            do {
                let s = try RepoVerifier.verify(car: try RepoCommand.readCAR(car), signature: check)
                print("ok \(s.records.count) records (\(s.commit.did) rev \(s.commit.rev))")
            } catch let e as RepoVerifyError {
                print("invalid: \(e.description)")
                throw ExitCode(1)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the repo in a data directory as a CAR.")
        @Option(help: "Data directory.") var data: String
        @Option(help: "Only blocks written after this rev.") var since: String?
        @Option(name: .shortAndLong, help: "Output file (default: stdout).") var output: String?
        func run() throws {
            let storage = try RepoCommand.storage(data)
            guard let head = try storage.head() else { throw ValidationError("no repo in \(data)") }
            let repo = try Repository(storage: storage, did: head.did)
            let handle: FileHandle
            if let output {
                FileManager.default.createFile(atPath: output, contents: nil)
                guard let h = FileHandle(forWritingAtPath: output) else { throw ValidationError("cannot write \(output)") }
                handle = h
            } else { handle = FileHandle.standardOutput }
            try repo.exportCAR(since: since) { handle.write(Data($0)) }
            try handle.close()
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a full-repo CAR and load it into an empty data directory.")
        @Argument var car: String
        @Option(help: "Data directory.") var data: String
        @Option(name: .customLong("did-key"), help: "Check the commit signature against this did:key.") var didKey: String?
        func run() throws {
            let check = try didKey.map { try RepoSigning.checker(didKey: $0) }
            let head = try Repository.importCAR(try RepoCommand.readCAR(car), into: try RepoCommand.storage(data), signature: check)
            print("imported \(head.did) rev \(head.rev)")
        }
    }

    /// Test and benchmark helper: a long run of single-record signed commits, printing each rev
    /// once its commit call has returned (so a killer knows what must have survived).
    struct Churn: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a run of signed commits (testing aid).", shouldDisplay: false)
        @Option var data: String
        @Option var count: Int = 1000
        @Option(help: "Hex secp256k1 secret key.") var key: String
        func run() throws {
            let storage = try RepoCommand.storage(data)
            let signer = try RepoSigning.signer(hex: key)
            let did = "did:example:churn"
            let repo = try Repository(storage: storage, did: did)
            for i in 0..<count {
                let rkey = String(format: "k%08d-%016llx", i, UInt64.random(in: 0...UInt64.max))
                var record: [UInt8] = [0xa1, 0x64] + Array("text".utf8)
                record += [0x78, UInt8(rkey.utf8.count)] + Array(rkey.utf8)
                let c = try repo.commit([.create(collection: "com.example.churn", rkey: rkey, record: record)], sign: signer)
                // Unbuffered: a line on the pipe means the commit call has returned.
                FileHandle.standardOutput.write(Data("\(c.rev) \(rkey)\n".utf8))
            }
        }
    }
}

/// did:key checks and signing for the CLI, through the Protocol crypto types.
enum RepoSigning {
    static func checker(didKey: String) throws -> (_ sig: [UInt8], _ message: [UInt8]) -> Bool {
        let key: any PublicKey
        do { key = try DIDKey.parse(didKey) } catch { throw ValidationError("bad --did-key: \(error)") }
        return { sig, message in key.verify(signature: sig, for: message) }
    }

    static func signer(hex: String) throws -> ([UInt8]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2, let b = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) {
            bytes.append(b); chars = chars.dropFirst(2)
        }
        let key = try K256SigningKey(rawRepresentation: bytes)
        return { try key.sign($0) }
    }
}
