import Foundation
import TestSupport

/// Network namespaces for the NAT test: a relay namespace, a NAT namespace doing source NAT
/// (nftables masquerade) and a device namespace behind it. Only private addresses inside the
/// namespaces the test makes; `remove()` deletes them all.
struct NatLab {
    let tag: String
    var relay: String { "dpdsR\(tag)" }
    var nat: String { "dpdsN\(tag)" }
    var device: String { "dpdsD\(tag)" }
    static let relayIP = "10.231.1.1"
    static let natOutsideIP = "10.231.1.2"
    static let natInsideIP = "192.168.231.1"
    static let deviceIP = "192.168.231.2"
    static let deviceMovedIP = "192.168.231.7"

    /// Why namespaces cannot be made here, or nil when they can.
    static var unavailableReason: String? {
        guard getuid() == 0 else { return "not root: cannot create network namespaces" }
        for tool in ["/usr/sbin/ip", "/usr/sbin/nft"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) missing (make test installs iproute2 and nftables)"
        }
        let probe = "dpdsprobe\(getpid())"
        guard (try? sh("ip netns add \(probe)")) != nil else { return "ip netns add failed: no namespaces in this sandbox" }
        _ = try? sh("ip netns del \(probe)")
        return nil
    }

    @discardableResult
    static func sh(_ command: String) throws -> String {
        let p = ChildProcess()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0 else { throw NatError.command(command, text) }
        return text
    }

    enum NatError: Error { case command(String, String) }

    static func make() throws -> NatLab {
        let lab = NatLab(tag: String(getpid() % 100_000))
        lab.remove()
        let (r, n, d) = (lab.relay, lab.nat, lab.device)
        for ns in [r, n, d] { try sh("ip netns add \(ns) && ip -n \(ns) link set lo up") }
        try sh("ip link add rN\(lab.tag) netns \(r) type veth peer name nR\(lab.tag) netns \(n)")
        try sh("ip link add dN\(lab.tag) netns \(d) type veth peer name nD\(lab.tag) netns \(n)")
        try sh("ip -n \(r) addr add \(relayIP)/24 dev rN\(lab.tag) && ip -n \(r) link set rN\(lab.tag) up")
        try sh("ip -n \(n) addr add \(natOutsideIP)/24 dev nR\(lab.tag) && ip -n \(n) link set nR\(lab.tag) up")
        try sh("ip -n \(n) addr add \(natInsideIP)/24 dev nD\(lab.tag) && ip -n \(n) link set nD\(lab.tag) up")
        try sh("ip -n \(d) addr add \(deviceIP)/24 dev dN\(lab.tag) && ip -n \(d) link set dN\(lab.tag) up")
        try sh("ip -n \(d) route add default via \(natInsideIP)")
        try sh("ip netns exec \(n) sysctl -qw net.ipv4.ip_forward=1")
        try sh("""
            ip netns exec \(n) nft -f - <<'NFT'
            table ip nat {
              chain postrouting { type nat hook postrouting priority 100; oifname "nR\(lab.tag)" masquerade; }
            }
            NFT
            """)
        return lab
    }

    /// The desktop "changes networks": a new address behind the NAT, so the NAT makes a new mapping.
    func moveDevice() throws {
        // Otherwise deleting the primary address deletes the new (secondary) one with it.
        try Self.sh("ip netns exec \(device) sysctl -qw net.ipv4.conf.dN\(tag).promote_secondaries=1")
        try Self.sh("ip -n \(device) addr add \(Self.deviceMovedIP)/24 dev dN\(tag)")
        try Self.sh("ip -n \(device) route replace default via \(Self.natInsideIP) src \(Self.deviceMovedIP)")
        try Self.sh("ip -n \(device) addr del \(Self.deviceIP)/24 dev dN\(tag)")
        // Deleting the old address can take the routes that used it along.
        try Self.sh("ip -n \(device) route replace default via \(Self.natInsideIP) src \(Self.deviceMovedIP)")
    }

    func remove() {
        for ns in [relay, nat, device] { _ = try? Self.sh("ip netns del \(ns)") }
    }
}
