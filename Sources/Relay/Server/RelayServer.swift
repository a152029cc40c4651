import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Protocol
import ServiceLifecycle
import UnixSignals

/// The relay's HTTP + WebSocket server. `run` returns after a graceful shutdown: on SIGTERM/SIGINT
/// when `handleSignals`, when `shutdown` is triggered, or (abruptly) when the calling task is cancelled.
public struct RelayServer: Sendable {
    public let environment: RelayEnvironment

    public init(environment: RelayEnvironment) {
        self.environment = environment
    }

    public init(config: RelayConfig, logger: Logger) throws {
        environment = try RelayEnvironment(config: config, logger: logger)
    }

    /// `onReady` gets the bound port once the socket listens (the readiness event tests wait on).
    public func run(handleSignals: Bool = false, shutdown: RelayShutdown? = nil,
                    onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let config = environment.config
        let logger = environment.logger
        let crawlers = environment.crawlers
        // Before any new commit: announce heads a crash left ahead of the firehose.
        try await FirehoseReconciler.run(environment)
        let app = Application(
            router: httpRouter(),
            server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter()),
            configuration: .init(address: .hostname(config.bindAddress, port: config.port), serverName: "dpds"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? config.port
                logger.info("relay listening", metadata: ["address": "\(config.bindAddress):\(port)", "hostname": "\(config.hostname)"])
                crawlers.notifyAll()
                await onReady(port)
            },
            logger: logger
        )
        let group = ServiceGroup(
            services: [app, BlobGarbageCollector(blobs: environment.blobs, logger: logger),
                       EnrollmentService(enrollment: environment.enrollment)],
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger
        )
        if let shutdown, !shutdown.attach(group) { return }
        defer { environment.crawlers.cancelAll() }
        try await group.run()
    }

    func httpRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let dispatcher = XRPCDispatcher(environment: environment)
        let env = environment
        router.get("/") { _, _ in
            "This is an AT Protocol Personal Data Server (dpds). Most API routes are under /xrpc/\n"
        }
        router.get("/xrpc/_health") { _, _ -> Response in
            let body = try JSONEncoder.xrpc.encode(["version": "dpds \(ProtocolModule.version)"])
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Array(body))))
        }
        router.get("/.well-known/atproto-did") { request, _ -> Response in
            try await WellKnown.atprotoDID(request: request, environment: env)
        }
        router.get("/.well-known/did.json") { _, _ -> Response in
            WellKnown.serviceDIDDocument(environment: env)
        }
        router.get("/xrpc/:nsid") { request, context -> Response in
            await dispatcher.respond(nsid: context.parameters.get("nsid") ?? "", request: request, logger: context.logger)
        }
        router.post("/xrpc/:nsid") { request, context -> Response in
            await dispatcher.respond(nsid: context.parameters.get("nsid") ?? "", request: request, logger: context.logger)
        }
        return router
    }

    func webSocketRouter() -> Router<SubscribeReposContext> {
        let router = Router(context: SubscribeReposContext.self)
        let session = FirehoseSession(sequencer: environment.sequencer, hub: environment.hub)
        router.ws("/xrpc/com.atproto.sync.subscribeRepos") { inbound, outbound, context in
            let cursorText = context.request.uri.queryParameters["cursor"].map(String.init)
            try await SubscribeRepos.serve(session: session, cursorText: cursorText, channel: context.requestContext.channel,
                                           inbound: inbound, outbound: outbound)
        }
        return router
    }
}
