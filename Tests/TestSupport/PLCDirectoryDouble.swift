import Foundation
import Hummingbird
import Logging
import Protocol

/// Stands in for the external PLC directory (https://plc.directory, the did-method-plc server)
/// on 127.0.0.1 and a free port, so tests publish and resolve did:plc identities without the
/// network. Same routes and shapes as the real one: `POST /{did}` (op verified against the chain,
/// 400 with a message otherwise), `GET /{did}` (DID document), `/{did}/log`, `/log/audit`,
/// `/log/last`, `/data`. Not doubled: nullification by a higher rotation key (an op must build on
/// the latest one), rate limits, `/export`.
public final class PLCDirectoryDouble: Sendable {
    public let baseURL: String
    public let state: PLCDirectoryState
    private let task: Task<Void, any Error>

    private init(baseURL: String, state: PLCDirectoryState, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.state = state
        self.task = task
    }

    /// Returns once the socket listens.
    public static func start() async throws -> PLCDirectoryDouble {
        let state = PLCDirectoryState()
        let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "plc-double")
        logger.logLevel = .warning
        let app = Application(
            router: router(state),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "plc-double"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var iterator = ready.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw PLCDirectoryDoubleError.didNotStart
        }
        return PLCDirectoryDouble(baseURL: "http://127.0.0.1:\(port)", state: state, task: task)
    }

    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// The DID's accepted ops, oldest first.
    public func log(did: String) async -> [PLCSignedOperation] { await state.ops(did: did) }

    static func router(_ state: PLCDirectoryState) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/:did") { request, context -> Response in
            let did = context.parameters.get("did") ?? ""
            let body = try await request.body.collect(upTo: 1 << 20)
            do {
                let op = try PLCSignedOperation(json: Array(buffer: body))
                try await state.submit(did: did, op: op)
                return json(.ok, "")
            } catch let error as PLCError {
                return json(.badRequest, DataModelJSON.encodeString(.map(["message": .string(error.description)])))
            }
        }
        router.get("/:did") { _, context in await answer(state, context) { did, entries in
            guard let stateNow = entries.last?.op.op.state else { return nil }
            return DIDDocument(did: did, state: stateNow).dataValue
        } }
        router.get("/:did/data") { _, context in await answer(state, context) { did, entries in
            guard let s = entries.last?.op.op.state else { return nil }
            return .map(["did": .string(did), "rotationKeys": .array(s.rotationKeys.map(DataValue.string)),
                         "verificationMethods": .map(s.verificationMethods.mapValues(DataValue.string)),
                         "alsoKnownAs": .array(s.alsoKnownAs.map(DataValue.string)),
                         "services": .map(s.services.mapValues { .map(["type": .string($0.type), "endpoint": .string($0.endpoint)]) })])
        } }
        router.get("/:did/log") { _, context in await answer(state, context) { _, entries in
            guard entries.last?.op.op.state != nil else { return nil }
            return .array(entries.map(\.op.dataValue))
        } }
        router.get("/:did/log/last") { _, context in await answer(state, context) { _, entries in entries.last?.op.dataValue } }
        router.get("/:did/log/audit") { _, context in await answer(state, context) { did, entries in
            .array(entries.map { .map(["did": .string(did), "operation": $0.op.dataValue, "cid": .string($0.op.cid.string),
                                       "nullified": .bool(false), "createdAt": .string($0.createdAt)]) })
        } }
        return router
    }

    /// 404 for an unknown DID, 410 when `render` gives nothing (tombstoned), else the JSON.
    private static func answer(_ state: PLCDirectoryState, _ context: BasicRequestContext,
                               _ render: @Sendable (String, [PLCDirectoryState.Entry]) -> DataValue?) async -> Response {
        let did = context.parameters.get("did") ?? ""
        let entries = await state.entries(did: did)
        guard !entries.isEmpty else { return json(.notFound, #"{"message":"DID not registered: \#(did)"}"#) }
        guard let value = render(did, entries) else { return json(.gone, #"{"message":"DID not available: \#(did)"}"#) }
        return json(.ok, DataModelJSON.encodeString(value))
    }

    private static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The double's memory: each DID's accepted ops.
public actor PLCDirectoryState {
    public struct Entry: Sendable {
        public let op: PLCSignedOperation
        public let createdAt: String
    }

    private var logs: [String: [Entry]] = [:]

    func entries(did: String) -> [Entry] { logs[did] ?? [] }
    public func ops(did: String) -> [PLCSignedOperation] { (logs[did] ?? []).map(\.op) }

    func submit(did: String, op: PLCSignedOperation) throws(PLCError) {
        var log = logs[did] ?? []
        if let last = log.last {
            guard let current = last.op.op.state else { throw .afterTombstone(index: log.count) }
            _ = try PLCLog.verifyNext(op, after: current, prevCID: last.op.cid, index: log.count)
        } else {
            _ = try PLCLog.verifyGenesis(did: did, op)
        }
        log.append(Entry(op: op, createdAt: ISO8601DateFormatter().string(from: Date())))
        logs[did] = log
    }
}

public enum PLCDirectoryDoubleError: Error { case didNotStart }
