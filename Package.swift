// swift-tools-version:6.0
import PackageDescription

// Imports flow one way: dpds -> Relay, Device -> Repo, Tunnel -> Protocol -> C shims.
// Relay and Device never import each other; they meet only through Protocol messages over the Tunnel.
let package = Package(
    name: "dpds",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dpds", targets: ["dpds"]),
        .executable(name: "dpds-bench", targets: ["dpds-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C shims: thin, nothing but what Swift cannot import directly.
        .systemLibrary(
            name: "CNgtcp2",
            pkgConfig: "libngtcp2_crypto_gnutls",
            providers: [.apt(["libngtcp2-dev", "libngtcp2-crypto-gnutls-dev", "libgnutls28-dev"]), .brew(["ngtcp2", "gnutls"])]
        ),
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"]), .brew(["secp256k1"])]
        ),

        .target(
            name: "Protocol",
            dependencies: [
                "CSecp256k1",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Keys at rest (file store now, Keychain later): both peers keep keys, and Relay and Device
        // may not import each other, so the store is its own target.
        .target(
            name: "Keys",
            dependencies: [
                "Protocol",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Repo",
            dependencies: [
                "Protocol",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "Tunnel",
            dependencies: [
                "CNgtcp2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Relay",
            dependencies: [
                "Protocol", "Repo", "Tunnel", "Keys",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Device",
            dependencies: [
                "Protocol", "Repo", "Tunnel", "Keys",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "dpds",
            dependencies: [
                "Protocol", "Repo", "Tunnel", "Keys", "Relay", "Device",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "dpds-bench",
            dependencies: [
                "Protocol", "Repo", "Tunnel", "Relay", "Device",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by the test targets: where the interop corpus and the Python peers are.
        // Also home of the stand-ins for services outside this machine (the PLC directory double).
        .target(
            name: "TestSupport",
            dependencies: [
                "Protocol",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Tests/TestSupport"
        ),
        // The in-process relay the relay and integration tests start.
        .target(name: "RelayTestSupport", dependencies: ["Relay", "TestSupport"], path: "Tests/RelayTestSupport"),
        .testTarget(name: "ProtocolTests", dependencies: ["Protocol", "Tunnel", "TestSupport"]),
        .testTarget(name: "RepoTests", dependencies: ["Repo", "Protocol", "TestSupport"]),
        .testTarget(name: "TunnelTests", dependencies: ["Tunnel", "TestSupport"]),
        .testTarget(name: "RelayTests", dependencies: ["Relay", "Repo", "Protocol", "TestSupport", "RelayTestSupport"]),
        .testTarget(name: "DeviceTests", dependencies: ["Device", "Repo", "Protocol", "Tunnel", "Keys", "TestSupport"]),
        .testTarget(name: "KeysTests", dependencies: ["Keys", "Protocol", "TestSupport"]),
        // Both peers in one process: enrollment, recovery, leaving a relay.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Relay", "Device", "Repo", "Protocol", "Tunnel", "Keys", "TestSupport", "RelayTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
