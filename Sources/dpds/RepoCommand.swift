import ArgumentParser
import Repo

struct RepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "Inspect, list, verify, export and import repos (CAR files).",
        subcommands: []
    )
}
