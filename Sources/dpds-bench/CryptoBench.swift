import ArgumentParser

struct CryptoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crypto", abstract: "K-256 / P-256 sign and verify per second.")
    func run() async throws { print("crypto: not measured yet") }
}
