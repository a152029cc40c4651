import Foundation
import Testing
@testable import Relay

@Suite struct RelayConfigTests {
    @Test func embeddedDefaultNeedsNoEnvironment() throws {
        let dir = try RelayHarness.makeDataDirectory()
        var overrides = RelayConfigOverrides()
        overrides.dataDirectory = dir.path
        let config = try RelayConfig.load(environment: [:], overrides: overrides)
        #expect(config.port == 2583)
        #expect(config.bindAddress == "127.0.0.1")
        #expect(config.hostname == "localhost")
        #expect(config.serviceHandleDomains == [".test"])
        #expect(config.inviteRequired == false)
        #expect(config.blobstoreLocation == dir.appendingPathComponent("blobs").path)
        #expect(config.jwtSecret.count == 64)
        #expect(config.plcRotationKeyHex.count == 64)

        // Secrets are generated once, kept encrypted in the owner-only key store, reused on the next start.
        let keys = dir.appendingPathComponent("keys").path
        let mode = try FileManager.default.attributesOfItem(atPath: keys)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        let keyFile = dir.appendingPathComponent("relay.key").path
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("secrets.json").path))
        for file in try FileManager.default.contentsOfDirectory(atPath: keys) {
            let bytes = try #require(FileManager.default.contents(atPath: keys + "/" + file))
            #expect(!String(decoding: bytes, as: UTF8.self).contains(config.jwtSecret), "\(file) holds the JWT secret in clear")
        }
        let again = try RelayConfig.load(environment: [:], overrides: overrides)
        #expect(again.jwtSecret == config.jwtSecret)
        #expect(again.adminPassword == config.adminPassword)
    }

    @Test func environmentThenFlagsOverride() throws {
        let dir = try RelayHarness.makeDataDirectory()
        let env = [
            "PDS_HOSTNAME": "pds.example.com", "PDS_PORT": "3000", "PDS_DATA_DIRECTORY": dir.path,
            "PDS_JWT_SECRET": "s3cret", "PDS_INVITE_REQUIRED": "true", "PDS_BLOB_UPLOAD_LIMIT": "1000",
            "PDS_CRAWLERS": "https://bsky.network, https://relay.example", "PDS_DID_PLC_URL": "http://plc.local",
        ]
        let config = try RelayConfig.load(environment: env)
        #expect(config.hostname == "pds.example.com")
        #expect(config.port == 3000)
        #expect(config.serviceHandleDomains == [".pds.example.com"])
        #expect(config.serviceDID == "did:web:pds.example.com")
        #expect(config.publicURL == "https://pds.example.com")
        #expect(config.jwtSecret == "s3cret")
        #expect(config.inviteRequired)
        #expect(config.blobUploadLimit == 1000)
        #expect(config.crawlers == ["https://bsky.network", "https://relay.example"])

        var overrides = RelayConfigOverrides()
        overrides.port = 4000
        overrides.inviteRequired = false
        let flagged = try RelayConfig.load(environment: env, overrides: overrides)
        #expect(flagged.port == 4000)
        #expect(flagged.inviteRequired == false)
    }

    @Test func badValuesAreTypedErrors() throws {
        let dir = try RelayHarness.makeDataDirectory()
        #expect(throws: RelayConfigError.self) {
            try RelayConfig.load(environment: ["PDS_DATA_DIRECTORY": dir.path, "PDS_PORT": "eighty"])
        }
        #expect(throws: RelayConfigError.self) {
            try RelayConfig.load(environment: ["PDS_DATA_DIRECTORY": dir.path, "PDS_INVITE_REQUIRED": "maybe"])
        }
    }
}
