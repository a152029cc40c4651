import ArgumentParser
import Device

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "The desktop daemon (pairing, run, local writes).",
        subcommands: []
    )
}
