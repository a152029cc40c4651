import ArgumentParser

struct TunnelBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tunnel", abstract: "Tunnel handshake, RTT and bulk throughput next to iroh and ngtcp2's examples.")
    func run() async throws { print("tunnel: not measured yet") }
}
