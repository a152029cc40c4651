import ArgumentParser

struct CBORBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cbor", abstract: "DAG-CBOR encode/decode throughput next to cbrrr.")
    func run() async throws { print("cbor: not measured yet") }
}
