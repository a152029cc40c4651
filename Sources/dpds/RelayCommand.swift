import ArgumentParser
import Protocol
import Relay

struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "The network-facing PDS.",
        subcommands: [Serve.self]
    )

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the relay (embedded default: SQLite under ./data, 127.0.0.1:2583).")

        func run() async throws {
            // Until the relay issue lands there is nothing to serve: say so plainly instead of pretending.
            print("dpds \(ProtocolModule.version)")
            print("The relay is not built yet. Roadmap: data model -> repo engine, tunnel, protocol spec -> relay -> desktop enrollment -> identity and recovery.")
        }
    }
}
