import ArgumentParser
import Device
import Foundation
import Logging
import Relay

struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "The network-facing PDS.",
        subcommands: [Serve.self, Invite.self, Pair.self, Devices.self]
    )

    /// Flags shared by the subcommands; each overrides the `PDS_*` variable named in its help.
    struct Options: ParsableArguments {
        @Option(help: "Public hostname (PDS_HOSTNAME).") var hostname: String?
        @Option(help: "Port to listen on (PDS_PORT).") var port: Int?
        @Option(help: "Address to bind (PDS_BIND_ADDRESS; default 127.0.0.1).") var bind: String?
        @Option(help: "Data directory (PDS_DATA_DIRECTORY).") var dataDirectory: String?
        @Option(help: "Blob directory (PDS_BLOBSTORE_DISK_LOCATION).") var blobstoreDiskLocation: String?
        @Option(help: "PLC directory URL (PDS_DID_PLC_URL).") var didPlcURL: String?
        @Option(help: "Comma-separated crawler URLs (PDS_CRAWLERS).") var crawlers: String?
        @Option(help: "Comma-separated handle domains (PDS_SERVICE_HANDLE_DOMAINS).") var serviceHandleDomains: String?
        @Option(help: "Require invite codes: true/false (PDS_INVITE_REQUIRED).") var inviteRequired: Bool?
        @Option(help: "Maximum blob size in bytes (PDS_BLOB_UPLOAD_LIMIT).") var blobUploadLimit: Int?
        @Option(help: "AppView URL (PDS_BSKY_APP_VIEW_URL).") var bskyAppViewURL: String?
        @Option(help: "AppView DID (PDS_BSKY_APP_VIEW_DID).") var bskyAppViewDID: String?
        @Option(help: "Public base URL clients use (PDS_PUBLIC_URL).") var publicURL: String?
        @Option(help: "DNS server for handle TXT lookups, host:port (PDS_DNS_RESOLVER; default /etc/resolv.conf).") var dnsResolver: String?

        var overrides: RelayConfigOverrides {
            var o = RelayConfigOverrides()
            o.hostname = hostname
            o.port = port
            o.bindAddress = bind
            o.dataDirectory = dataDirectory
            o.blobstoreLocation = blobstoreDiskLocation
            o.plcURL = didPlcURL
            o.crawlers = crawlers.map { $0.split(separator: ",").map(String.init) }
            o.serviceHandleDomains = serviceHandleDomains.map { $0.split(separator: ",").map(String.init) }
            o.inviteRequired = inviteRequired
            o.blobUploadLimit = blobUploadLimit
            o.appViewURL = bskyAppViewURL
            o.appViewDID = bskyAppViewDID
            o.publicURL = publicURL
            o.dnsResolver = dnsResolver
            return o
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the relay (embedded default: SQLite under ./data, 127.0.0.1:2583).")

        @OptionGroup var options: Options

        func run() async throws {
            let config = try RelayConfig.load(overrides: options.overrides)
            var logger = Logger(label: "dpds.relay")
            logger.logLevel = .info
            let server = try RelayServer(config: config, logger: logger)
            try await server.run(handleSignals: true) { port in
                // A plain line on stdout that scripts and tests can wait for.
                // Written unbuffered: a pipe reader must see it now, not at exit.
                FileHandle.standardOutput.write(Data("dpds relay listening on \(config.bindAddress):\(port)\n".utf8))
            }
        }
    }

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mint an invite code (for PDS_INVITE_REQUIRED=true).")

        @OptionGroup var options: Options
        @Option(help: "How many accounts the code may create.") var uses: Int = 1

        func run() async throws {
            let config = try RelayConfig.load(overrides: options.overrides)
            let environment = try RelayEnvironment(config: config, logger: Logger(label: "dpds.relay"))
            print(try await environment.accounts.createInviteCode(uses: uses, createdAt: RelayClock.now()))
        }
    }

    struct Pair: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a pairing ticket for an account's desktop (line 1), valid 10 minutes, single use.")

        @OptionGroup var options: Options
        @Option(help: "The account's handle.") var handle: String

        func run() async throws {
            let config = try RelayConfig.load(overrides: options.overrides)
            var quiet = Logger(label: "dpds.relay")
            quiet.logLevel = .error  // line 1 of the output is the ticket, for scripts
            let environment = try RelayEnvironment(config: config, logger: quiet)
            guard let account = try await environment.accounts.account(handle: handle.lowercased()) else {
                throw ValidationError("no account with handle \(handle)")
            }
            let ticket = try await environment.enrollment.createTicket(did: account.did)
            print(ticket.text)
            print("")
            // Our own encoder (Sources/Device/Pairing/QR): byte mode, level M, quiet zone included.
            print(try QRCode(text: ticket.text).terminalText())
            print("")
            print("Give it to the desktop: dpds device pair '<ticket>' --dir DIR  (expires in 10 minutes, single use)")
        }
    }

    struct Devices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List paired desktops (one per account).", subcommands: [List.self, Revoke.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            @OptionGroup var options: Options

            func run() async throws {
                let config = try RelayConfig.load(overrides: options.overrides)
                let environment = try RelayEnvironment(config: config, logger: Logger(label: "dpds.relay"))
                let devices = try await environment.enrollment.store.devices()
                if devices.isEmpty { print("no paired desktops") }
                for d in devices {
                    let handle = try await environment.accounts.account(did: d.did)?.handle ?? "?"
                    let id = d.endpointID.isEmpty ? "(revoked)" : d.endpointID
                    print("\(d.did)\t\(handle)\t\(id)\t\(d.enrolled ? "enrolled" : "pairing")")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Unbind an account's desktop so another one can pair (its writes get 503 until then).")

            @OptionGroup var options: Options
            @Option(help: "The account's handle.") var handle: String

            func run() async throws {
                let config = try RelayConfig.load(overrides: options.overrides)
                let environment = try RelayEnvironment(config: config, logger: Logger(label: "dpds.relay"))
                guard let account = try await environment.accounts.account(handle: handle.lowercased()) else {
                    throw ValidationError("no account with handle \(handle)")
                }
                let revoked = try await environment.enrollment.store.revoke(did: account.did)
                print(revoked ? "revoked the desktop of \(account.did)" : "\(account.did) has no paired desktop")
            }
        }
    }
}
