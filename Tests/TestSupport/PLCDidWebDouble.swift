import Foundation
import Hummingbird
import Logging
import Protocol

/// Stands in for a did:web host (the web server at `https://<host>/.well-known/did.json` that a
/// did:web user controls). It listens on localhost so `did:web:localhost%3A<port>` resolves over
/// http, as atproto allows for development; `document` is whatever the test publishes there.
public final class PLCDidWebDouble: Sendable {
    public let port: Int
    private let documentBox: DocumentBox
    private let task: Task<Void, any Error>

    /// `did:web:localhost%3A<port>`.
    public var did: String { "did:web:localhost%3A\(port)" }

    private init(port: Int, box: DocumentBox, task: Task<Void, any Error>) {
        self.port = port
        self.documentBox = box
        self.task = task
    }

    public func publish(_ document: DIDDocument) async { await documentBox.set(document) }

    public static func start() async throws -> PLCDidWebDouble {
        let box = DocumentBox()
        let router = Router()
        router.get("/.well-known/did.json") { _, _ -> Response in
            guard let doc = await box.document else { return Response(status: .notFound) }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: doc.json)))
        }
        let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "did-web-double")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = ready.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw PLCDirectoryDoubleError.didNotStart
        }
        return PLCDidWebDouble(port: port, box: box, task: task)
    }

    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    private actor DocumentBox {
        var document: DIDDocument?
        func set(_ d: DIDDocument) { document = d }
    }
}
