import ArgumentParser
import Protocol

@main
struct DPDS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpds",
        abstract: "Desktop PDS: a sovereign AT Protocol PDS whose repo lives on your desktop.",
        version: ProtocolModule.version,
        subcommands: [RelayCommand.self, DeviceCommand.self, TunnelCommand.self, RepoCommand.self, WalletCommand.self]
    )
}
