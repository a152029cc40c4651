import CNgtcp2

/// All connections of one endpoint, sans-IO: routes incoming datagrams by destination connection
/// id, accepts new connections when listening, and collects outgoing datagrams and events.
/// The socket layer (`Endpoint`) and the in-memory tests drive it the same way.
public final class EndpointCore {
    public let secretKey: SecretKey
    public let config: TunnelConfig
    let credentials: TLSCredentials
    /// ALPNs accepted from dialers; nil while not listening.
    public var listenALPNs: [String]?
    public private(set) var localAddress: SocketAddress
    var connections: [ConnectionHandle: QuicConnection] = [:]
    private var routes: [[UInt8]: ConnectionHandle] = [:]
    private var routesByHandle: [ConnectionHandle: Set<[UInt8]>] = [:]
    public private(set) var events: [CoreEvent] = []
    private var nextHandle: ConnectionHandle = 1
    /// Datagrams dropped because no connection wanted them (malformed, unknown, refused).
    public private(set) var droppedDatagrams = 0

    public init(secretKey: SecretKey, config: TunnelConfig = TunnelConfig(), localAddress: SocketAddress) throws {
        self.secretKey = secretKey
        self.config = config
        self.localAddress = localAddress
        credentials = try TLSCredentials(secretKey: secretKey)
    }

    public var endpointId: EndpointId { secretKey.endpointId }

    // MARK: inputs

    public func dial(_ id: EndpointId, remote: SocketAddress, alpn: String, now: UInt64) throws -> ConnectionHandle {
        let handle = nextHandle
        nextHandle += 1
        let c = try QuicConnection(handle: handle, role: .dialer(expected: id), config: config, credentials: credentials,
                                   alpns: [alpn], local: localAddress, remote: remote, now: now)
        connections[handle] = c
        collect(c)
        return handle
    }

    public func receive(_ bytes: [UInt8], from remote: SocketAddress, now: UInt64) {
        bytes.withUnsafeBytes { receive($0, from: remote, now: now) }
    }

    public func receive(_ bytes: UnsafeRawBufferPointer, from remote: SocketAddress, now: UInt64) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { droppedDatagrams += 1; return }
        var vc = ngtcp2_version_cid()
        guard ngtcp2_pkt_decode_version_cid(&vc, base, bytes.count, QuicConnection.cidLength) == 0, let dcidPtr = vc.dcid else {
            droppedDatagrams += 1
            return
        }
        let dcid = Array(UnsafeBufferPointer(start: dcidPtr, count: vc.dcidlen))
        if let handle = routes[dcid], let c = connections[handle] {
            c.receive(bytes, remote: remote, now: now)
            collect(c)
            return
        }
        accept(bytes, base: base, remote: remote, now: now)
    }

    /// A long-header Initial from a new dialer starts a server connection when we listen.
    private func accept(_ bytes: UnsafeRawBufferPointer, base: UnsafePointer<UInt8>, remote: SocketAddress, now: UInt64) {
        guard let alpns = listenALPNs else { droppedDatagrams += 1; return }
        var hd = ngtcp2_pkt_hd()
        guard ngtcp2_accept(&hd, base, bytes.count) == 0 else { droppedDatagrams += 1; return }
        let handle = nextHandle
        nextHandle += 1
        do {
            let c = try QuicConnection(handle: handle, role: .listener, config: config, credentials: credentials, alpns: alpns,
                                       local: localAddress, remote: remote, now: now,
                                       clientInitial: (QuicConnection.bytes(hd.dcid), QuicConnection.bytes(hd.scid)))
            connections[handle] = c
            addRoute(QuicConnection.bytes(hd.dcid), handle)
            c.receive(bytes, remote: remote, now: now)
            collect(c)
        } catch {
            droppedDatagrams += 1
        }
    }

    public func handleTimers(now: UInt64) {
        for c in connections.values where c.expiry <= now {
            c.handleExpiry(now: now)
            collect(c)
        }
    }

    // MARK: outputs

    /// The earliest time `handleTimers` has work, or nil when nothing is pending.
    public var nextDeadline: UInt64? {
        let t = connections.values.map(\.expiry).min() ?? .max
        return t == .max ? nil : t
    }

    /// Everything ready to send, as copies (the in-memory tests' form).
    public func flush(now: UInt64) -> [Datagram] {
        var out: [Datagram] = []
        flush(now: now) { batch, local in
            for p in batch.packets { out.append(Datagram(bytes: Array(batch.bytes(of: p)), remote: p.remote, local: local)) }
        }
        return out
    }

    /// Everything ready to send, one connection's packets at a time in a reused buffer (valid
    /// only during `send`), with the local address they leave from.
    public func flush(now: UInt64, send: (SendBatch, SocketAddress) -> Void) {
        for c in connections.values {
            c.flush(now: now, into: sendBatch)
            collect(c)
            if !sendBatch.packets.isEmpty { send(sendBatch, c.localAddress) }
            sendBatch.removeAll()
        }
    }

    private let sendBatch = SendBatch()

    public func takeEvents() -> [CoreEvent] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    // MARK: connection operations

    func connection(_ handle: ConnectionHandle) throws -> QuicConnection {
        guard let c = connections[handle] else { throw TunnelError.endpointClosed }
        return c
    }

    public func remoteId(_ handle: ConnectionHandle) -> EndpointId? { connections[handle]?.remoteId }
    public func alpn(_ handle: ConnectionHandle) -> String? { connections[handle]?.alpn }
    public func stats(_ handle: ConnectionHandle) -> ConnectionStats? { connections[handle]?.stats() }

    public func openStream(_ handle: ConnectionHandle, bidirectional: Bool = true) throws -> Int64? {
        try connection(handle).openStream(bidirectional: bidirectional)
    }

    public func write(_ handle: ConnectionHandle, stream: Int64, _ bytes: [UInt8], fin: Bool = false) throws {
        try bytes.withUnsafeBytes { try connection(handle).write(stream: stream, $0, fin: fin) }
    }

    public func write(_ handle: ConnectionHandle, stream: Int64, _ bytes: UnsafeRawBufferPointer, fin: Bool) throws {
        try connection(handle).write(stream: stream, bytes, fin: fin)
    }

    public func unacknowledged(_ handle: ConnectionHandle, stream: Int64) throws -> UInt64 {
        try connection(handle).unacknowledged(stream: stream)
    }

    public func read(_ handle: ConnectionHandle, stream: Int64, max: Int = 1 << 16) throws -> StreamRead {
        let c = try connection(handle)
        return try c.read(stream: stream, max: max)
    }

    public func resetStream(_ handle: ConnectionHandle, stream: Int64, code: UInt64) {
        connections[handle]?.reset(stream: stream, code: code)
    }

    public func close(_ handle: ConnectionHandle, code: UInt64, reason: String = "", now: UInt64) {
        guard let c = connections[handle] else { return }
        c.close(code: code, reason: reason, now: now)
        collect(c)
    }

    /// The socket moved (NAT rebinding, new network): every dialed connection migrates its path.
    public func rebind(to local: SocketAddress, now: UInt64) {
        localAddress = local
        for c in connections.values where !c.isServer {
            do { try c.migrate(to: local, now: now) } catch { /* a connection that cannot migrate idles out */ }
            collect(c)
        }
    }

    /// Forgets a closed connection once its last datagrams (the CONNECTION_CLOSE) have been taken.
    public func release(_ handle: ConnectionHandle) {
        connections[handle] = nil
        for cid in routesByHandle.removeValue(forKey: handle) ?? [] { routes[cid] = nil }
    }

    // MARK: bookkeeping

    private func collect(_ c: QuicConnection) {
        for change in c.cidChanges {
            if change.issued { addRoute(change.cid, c.handle) } else {
                routes[change.cid] = nil
                routesByHandle[c.handle]?.remove(change.cid)
            }
        }
        c.cidChanges.removeAll()
        if !c.events.isEmpty {
            events.append(contentsOf: c.events)
            c.events.removeAll()
        }
    }

    private func addRoute(_ cid: [UInt8], _ handle: ConnectionHandle) {
        routes[cid] = handle
        routesByHandle[handle, default: []].insert(cid)
    }
}
