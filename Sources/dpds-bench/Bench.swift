import ArgumentParser

/// Speed figures live here, not in tests. Each suite prints its own table, with a peer measured
/// in the same run where one exists.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpds-bench",
        abstract: "Print dpds speed figures next to peers measured in the same run.",
        subcommands: [CBORBench.self, CryptoBench.self, RepoBench.self, TunnelBench.self, RelayBench.self, EnrollBench.self]
    )
}
