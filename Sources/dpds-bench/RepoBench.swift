import ArgumentParser

struct RepoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repo", abstract: "Repo engine: build, commits, export, next to atmst.")
    func run() async throws { print("repo: not measured yet") }
}
