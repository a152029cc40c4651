import ArgumentParser
import Tunnel

struct TunnelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tunnel",
        abstract: "The iroh-compatible QUIC tunnel (listen, dial).",
        subcommands: []
    )
}
