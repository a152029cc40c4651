import ArgumentParser
import Device
import Foundation
import Logging
import Protocol

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "The desktop daemon (pairing, run, local writes).",
        subcommands: [Pair.self, Run.self, Post.self]
    )

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func logger() -> Logger {
        var logger = Logger(label: "dpds.device")
        logger.logLevel = ProcessInfo.processInfo.environment["DPDS_LOG"] == "debug" ? .debug : .warning
        return logger
    }

    struct Pair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pair this desktop with a relay account and make it authoritative (exit 0 when done).")

        @Argument(help: "The ticket printed by `dpds relay pair` or app.dpds.device.createPairingTicket.") var ticket: String
        @Option(help: "Data directory of this desktop.") var dir: String
        @Option(help: "PLC directory to resolve the account's DID document in (default: the one the ticket names).")
        var plcDirectory: String?

        func run() async throws {
            let parsed: PairingTicket
            do { parsed = try PairingTicket(parsing: ticket) } catch { throw ValidationError("\(error)") }
            let desktop = try Desktop(directory: try DeviceDirectory(path: dir), logger: DeviceCommand.logger(), say: DeviceCommand.say)
            await desktop.setKeyResolver(AccountKeyResolver(plcDirectory: plcDirectory))
            do { try await desktop.pair(parsed) } catch {
                FileHandle.standardError.write(Data("dpds device pair: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the desktop daemon until SIGINT/SIGTERM.")

        @Option(help: "Data directory of this desktop.") var dir: String

        func run() async throws {
            let directory = try DeviceDirectory(path: dir)
            guard let lock = DaemonLock(directory: directory) else {
                throw ValidationError("a daemon already runs for \(dir)")
            }
            defer { withExtendedLifetime(lock) {} }
            let desktop = try Desktop(directory: directory, logger: DeviceCommand.logger(), say: DeviceCommand.say)
            try await desktop.start()
            Task {
                await desktop.waitConnected()
                DeviceCommand.say("dpds device connected")
            }
            Task {
                // A revoke ends the daemon: it has already printed why.
                while await !desktop.revoked { try? await Task.sleep(for: .seconds(1)) }
                await desktop.stop()
                Foundation.exit(3)
            }
            await SignalWait.untilTerminated()
            await desktop.stop()
        }
    }

    struct Post: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an app.bsky.feed.post on the desktop: pushed now if the relay is reachable, else queued.")

        @Argument(help: "The post's text.") var text: String
        @Option(help: "Data directory of this desktop.") var dir: String

        func run() async throws {
            let directory = try DeviceDirectory(path: dir)
            let desktop = try Desktop(directory: directory, logger: DeviceCommand.logger(), say: DeviceCommand.say)
            let write = Desktop.post(text: text)
            guard let lock = DaemonLock(directory: directory) else {
                // The running daemon owns the repo: hand the write over through the outbox.
                try desktop.outbox.enqueue([write])
                DeviceCommand.say("queued for the running daemon")
                return
            }
            defer { withExtendedLifetime(lock) {} }
            try await desktop.start()
            let connected = await withTaskGroup(of: Bool.self) { group in
                group.addTask { await desktop.waitConnected(); return await desktop.isConnected }
                group.addTask { try? await Task.sleep(for: .seconds(5)); return false }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            if !connected { await desktop.stop() }
            switch try await desktop.write([write]) {
            case .pushed(let seq, let rev, let uris):
                DeviceCommand.say("\(uris.first ?? "") rev \(rev)\(seq.map { " seq \($0)" } ?? "")")
            case .queued(let position):
                DeviceCommand.say("relay unreachable: queued (\(position) waiting); pushed on the next connection")
            }
            await desktop.stop()
        }
    }
}
