import CNgtcp2
#if canImport(Glibc)
import Glibc
#endif

/// One QUIC connection, sans-IO: datagrams and time go in (`receive`, `handleExpiry`), datagrams
/// (`flush`) and events (`events`) come out. Not thread-safe: its owner serialises every call.
final class QuicConnection {
    enum Role { case dialer(expected: EndpointId), listener }

    let handle: ConnectionHandle
    let role: Role
    let config: TunnelConfig
    private(set) var conn: OpaquePointer?
    private var tls: TLSSession?
    let connRef: UnsafeMutablePointer<ngtcp2_crypto_conn_ref>
    private(set) var remoteId: EndpointId?
    private(set) var alpn: String?
    private(set) var isEstablished = false
    private(set) var closeError: TunnelError?
    private var authFailure: TunnelError?
    var events: [CoreEvent] = []
    /// Connection ids we issued (true) or retired (false), for the endpoint's packet routing.
    var cidChanges: [(issued: Bool, cid: [UInt8])] = []
    var streams: [Int64: StreamState] = [:]
    private var sendCursor = 0
    private var outbox: [Datagram] = []
    private(set) var bytesSent: UInt64 = 0
    private(set) var bytesReceived: UInt64 = 0
    private(set) var localAddress: SocketAddress
    var isServer: Bool { if case .listener = role { return true } else { return false } }

    /// `DPDS_NGTCP2_LOG=1` prints ngtcp2's packet and frame log to stderr (debugging aid).
    static let traceToStderr = getenv("DPDS_NGTCP2_LOG").map { String(cString: $0) == "1" } ?? false

    /// 16-byte connection ids everywhere: the endpoint decodes short headers with this length.
    static let cidLength = 16

    init(handle: ConnectionHandle, role: Role, config: TunnelConfig, credentials: TLSCredentials,
         alpns: [String], local: SocketAddress, remote: SocketAddress, now: UInt64,
         clientInitial: (dcid: [UInt8], scid: [UInt8])? = nil) throws {
        self.handle = handle
        self.role = role
        self.config = config
        self.localAddress = local
        connRef = .allocate(capacity: 1)
        connRef.initialize(to: ngtcp2_crypto_conn_ref(get_conn: getConnThunk, user_data: nil))
        connRef.pointee.user_data = Unmanaged.passUnretained(self).toOpaque()

        var settings = ngtcp2_settings()
        cngtcp2_settings_default(&settings)
        settings.initial_ts = now
        settings.max_window = config.maxConnectionWindow
        settings.max_stream_window = config.maxStreamWindow
        settings.handshake_timeout = TunnelConfig.nanoseconds(config.handshakeTimeout)
        if Self.traceToStderr { cngtcp2_settings_log_to_stderr(&settings) }
        var params = ngtcp2_transport_params()
        cngtcp2_transport_params_default(&params)
        params.initial_max_stream_data_bidi_local = config.streamWindow
        params.initial_max_stream_data_bidi_remote = config.streamWindow
        params.initial_max_stream_data_uni = config.streamWindow
        params.initial_max_data = config.connectionWindow
        params.initial_max_streams_bidi = config.maxStreamsBidi
        params.initial_max_streams_uni = config.maxStreamsUni
        params.max_idle_timeout = TunnelConfig.nanoseconds(config.idleTimeout)
        params.active_connection_id_limit = 8

        var scid = Self.randomCID(Self.cidLength)
        var callbacks = Self.callbacks(isServer: clientInitial != nil)
        var newConn: OpaquePointer?
        let user = Unmanaged.passUnretained(self).toOpaque()
        let rv: Int32 = withPath(local: local, remote: remote) { path in
            if let initial = clientInitial {
                params.original_dcid = Self.cid(initial.dcid)
                var dcid = Self.cid(initial.scid)
                return cngtcp2_conn_server_new(&newConn, &dcid, &scid, path, 1, &callbacks, &settings, &params, user)
            }
            var dcid = Self.randomCID(Self.cidLength)
            return cngtcp2_conn_client_new(&newConn, &dcid, &scid, path, 1, &callbacks, &settings, &params, user)
        }
        cidChanges.append((true, Self.bytes(scid)))
        // From here on deinit frees whatever was made, also when a later step throws.
        try Check.ngtcp2(rv)
        conn = newConn
        let session = try TLSSession(isServer: clientInitial != nil, credentials: credentials, alpns: alpns, connRef: connRef)
        tls = session
        ngtcp2_conn_set_tls_native_handle(newConn, UnsafeMutableRawPointer(session.session))
        if let keepAlive = config.keepAlive {
            ngtcp2_conn_set_keep_alive_timeout(newConn, TunnelConfig.nanoseconds(keepAlive))
        }
    }

    deinit {
        // ngtcp2 goes first: stream buffers and the TLS session must outlive it.
        if let conn { ngtcp2_conn_del(conn) }
        connRef.deallocate()
    }

    // MARK: input

    func receive(_ bytes: UnsafeRawBufferPointer, remote: SocketAddress, now: UInt64) {
        guard let conn, closeError == nil else { return }
        bytesReceived += UInt64(bytes.count)
        let rv = withPath(local: localAddress, remote: remote) { path in
            cngtcp2_conn_read_pkt(conn, path, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count, now)
        }
        if rv != 0 { fail(libraryError: rv, now: now) }
    }

    /// When the connection next needs `handleExpiry`. ngtcp2 keeps reporting a pacing deadline
    /// that has passed while the congestion window is full; once handled at a time, it is
    /// re-checked a millisecond later instead of in a busy loop.
    var expiry: UInt64 {
        guard let conn, closeError == nil else { return .max }
        let t = ngtcp2_conn_get_expiry(conn)
        if let handled = expiryHandledAt, t <= handled { return handled + 1_000_000 }
        return t
    }

    private var expiryHandledAt: UInt64?

    func handleExpiry(now: UInt64) {
        guard let conn, closeError == nil, ngtcp2_conn_get_expiry(conn) <= now else { return }
        expiryHandledAt = now
        let rv = ngtcp2_conn_handle_expiry(conn, now)
        if rv != 0 { fail(libraryError: rv, now: now) }
    }

    // MARK: streams

    /// Opens a stream, or returns nil while the peer's stream limit is reached (wait for
    /// `.streamsAvailable`).
    func openStream(bidirectional: Bool) throws -> Int64? {
        guard let conn else { throw TunnelError.endpointClosed }
        if let closeError { throw closeError }
        var id: Int64 = -1
        let rv = bidirectional ? ngtcp2_conn_open_bidi_stream(conn, &id, nil) : ngtcp2_conn_open_uni_stream(conn, &id, nil)
        if rv == NGTCP2_ERR_STREAM_ID_BLOCKED { return nil }
        try Check.ngtcp2(rv)
        streams[id] = StreamState(readerDone: !bidirectional)
        return id
    }

    /// Queues bytes (copied) and optionally the end of the stream; `flush` sends them.
    func write(stream id: Int64, _ bytes: UnsafeRawBufferPointer, fin: Bool) throws {
        if let closeError { throw closeError }
        guard let state = streams[id], !state.send.finRequested else { throw TunnelError.streamClosed }
        if let code = state.sendStopped { throw TunnelError.streamReset(code: code) }
        state.send.append(bytes)
        if fin { state.send.finRequested = true }
    }

    /// Bytes written to the stream and not yet acknowledged (the writer's backpressure measure).
    func unacknowledged(stream id: Int64) throws -> UInt64 {
        if let closeError { throw closeError }
        guard let state = streams[id] else { return 0 }
        if let code = state.sendStopped { throw TunnelError.streamReset(code: code) }
        return state.send.unacknowledged
    }

    func read(stream id: Int64, max: Int) throws -> StreamRead {
        guard let state = streams[id] else {
            if let closeError { throw closeError }
            return .end
        }
        if state.receive.count > 0 {
            let data = state.receive.read(max: max)
            if let conn {
                ngtcp2_conn_extend_max_stream_offset(conn, id, UInt64(data.count))
                ngtcp2_conn_extend_max_offset(conn, UInt64(data.count))
            }
            return .data(data)
        }
        if let code = state.receive.resetCode { finishReading(id, state); return .reset(code) }
        if state.receive.finished { finishReading(id, state); return .end }
        if let closeError { throw closeError }
        return .wouldBlock
    }

    private func finishReading(_ id: Int64, _ state: StreamState) {
        state.readerDone = true
        if state.canDiscard { streams[id] = nil }
    }

    /// Abandons both directions of a stream with an application error code.
    func reset(stream id: Int64, code: UInt64) {
        guard let conn, closeError == nil, let state = streams[id] else { return }
        state.readerDone = true
        ngtcp2_conn_shutdown_stream(conn, id, code)
    }

    // MARK: close

    /// Closes with an application error code; the CONNECTION_CLOSE goes out on the next `flush`.
    func close(code: UInt64, reason: String, now: UInt64) {
        guard conn != nil, closeError == nil else { return }
        sendClose(reason: reason, now: now) { ccerr, reason, len in
            ngtcp2_connection_close_error_set_application_error(&ccerr, code, reason, len)
        }
        finish(.closedLocally(code: code))
    }

    private func sendClose(reason: String, now: UInt64,
                           _ setError: (inout ngtcp2_connection_close_error, UnsafePointer<UInt8>?, Int) -> Void) {
        guard let conn else { return }
        var ccerr = ngtcp2_connection_close_error()
        ngtcp2_connection_close_error_default(&ccerr)
        var reasonBytes = Array(reason.utf8.prefix(256))
        var buf = [UInt8](repeating: 0, count: 1500)
        var ps = ngtcp2_path_storage()
        ngtcp2_path_storage_zero(&ps)
        let n = reasonBytes.withUnsafeMutableBufferPointer { r in
            setError(&ccerr, UnsafePointer(r.baseAddress), r.count)
            return cngtcp2_conn_write_connection_close(conn, &ps.path, &buf, buf.count, &ccerr, now)
        }
        if n > 0 { outbox.append(Datagram(bytes: Array(buf[0..<n]), remote: Self.address(ps.path.remote), local: localAddress)) }
    }

    /// Turns a negative ngtcp2 return into the connection's end, sending a CONNECTION_CLOSE when
    /// the protocol calls for one.
    private func fail(libraryError rv: Int32, now: UInt64) {
        guard let conn, closeError == nil else { return }
        switch rv {
        case NGTCP2_ERR_DRAINING, NGTCP2_ERR_CLOSING:
            finish(remoteCloseError())
        case NGTCP2_ERR_IDLE_CLOSE:
            finish(.idleTimeout)
        case NGTCP2_ERR_HANDSHAKE_TIMEOUT:
            finish(.handshakeTimeout)
        case NGTCP2_ERR_DROP_CONN:
            finish(authFailure ?? .handshakeFailed("connection dropped"))
        case NGTCP2_ERR_CRYPTO, NGTCP2_ERR_CALLBACK_FAILURE where authFailure != nil,
             NGTCP2_ERR_CRYPTO:
            // Alert 42 (bad_certificate) when our peer check refused: iroh then reports "error 42".
            var alert = ngtcp2_conn_get_tls_alert(conn)
            if authFailure != nil, alert == 0 || alert == 80 { alert = 42 }
            if alert == 0 { alert = 80 }
            sendClose(reason: "", now: now) { ccerr, reason, len in
                ngtcp2_connection_close_error_set_transport_error_tls_alert(&ccerr, alert, reason, len)
            }
            finish(authFailure ?? TunnelError.fromTLSAlert(alert))
        default:
            sendClose(reason: "", now: now) { ccerr, reason, len in
                ngtcp2_connection_close_error_set_transport_error_liberr(&ccerr, rv, reason, len)
            }
            finish(TunnelError.ngtcp2(code: rv, message: String(cString: ngtcp2_strerror(rv))))
        }
    }

    private func remoteCloseError() -> TunnelError {
        guard let conn else { return .endpointClosed }
        var ccerr = ngtcp2_connection_close_error()
        ngtcp2_conn_get_connection_close_error(conn, &ccerr)
        let reason = ccerr.reason.map { String(decoding: UnsafeBufferPointer(start: $0, count: ccerr.reasonlen), as: UTF8.self) } ?? ""
        switch ccerr.type {
        case NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_APPLICATION:
            return .closedByPeer(code: ccerr.error_code, reason: reason)
        case NGTCP2_CONNECTION_CLOSE_ERROR_CODE_TYPE_TRANSPORT_IDLE_CLOSE:
            return .idleTimeout
        default:
            if ccerr.error_code & ~0xff == 0x100 { return .fromTLSAlert(UInt8(ccerr.error_code & 0xff), reason: reason) }
            return .transportError(code: ccerr.error_code, reason: reason)
        }
    }

    private func finish(_ error: TunnelError) {
        guard closeError == nil else { return }
        closeError = error
        events.append(.closed(handle, error))
    }

    // MARK: output

    /// Everything ready to send now: queued closes, then stream data round-robin over the streams
    /// with something to send, within what congestion control and pacing allow. ngtcp2 writes
    /// each packet straight into `batch`.
    func flush(now: UInt64, into batch: SendBatch) {
        for d in outbox { batch.append(d.bytes, remote: d.remote) }
        outbox.removeAll()
        guard let conn, closeError == nil else { return }
        var ps = ngtcp2_path_storage()
        ngtcp2_path_storage_zero(&ps)
        let quantum = ngtcp2_conn_get_send_quantum(conn)
        let maxPackets = Swift.max(1, Swift.min(64, quantum / 1200))
        var packets = 0, guardCount = 0
        var skip = Set<Int64>()
        while packets < maxPackets, guardCount < 10_000, batch.hasRoomForPacket {
            guardCount += 1
            let (id, state) = nextStream(skip: skip)
            var vecs = state?.send.unsentVectors(max: 16) ?? []
            var datalen: ngtcp2_ssize = -1
            // MORE only with stream data: with no stream (id -1) ngtcp2 answers WRITE_MORE and the
            // packet never closes, so PTO probes without stream data were never sent.
            var flags = id >= 0 ? UInt32(NGTCP2_WRITE_STREAM_FLAG_MORE) : 0
            let finNow = state.map { $0.send.finRequested && !$0.send.finSent } ?? false
            if finNow { flags |= UInt32(NGTCP2_WRITE_STREAM_FLAG_FIN) }
            let nvec = vecs.count
            let dest = batch.freeSpace
            let nwrite: ngtcp2_ssize = vecs.withUnsafeMutableBufferPointer { v in
                var iov = v.map { ngtcp2_vec(base: UnsafeMutablePointer(mutating: $0.0.assumingMemoryBound(to: UInt8.self)), len: $0.1) }
                return cngtcp2_conn_writev_stream(conn, &ps.path, dest.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                  SendBatch.maxPacket, &datalen, flags, id, &iov, nvec, now)
            }
            if let state, datalen >= 0 {
                state.send.markSent(Int(datalen))
                if finNow, state.send.sent == state.send.written { state.send.finSent = true }
            }
            if nwrite < 0 {
                switch Int32(nwrite) {
                case NGTCP2_ERR_WRITE_MORE:
                    if let state, !state.send.hasUnsent { skip.insert(id) } else if datalen <= 0 { skip.insert(id) }
                    continue
                case NGTCP2_ERR_STREAM_DATA_BLOCKED:
                    state?.blocked = true
                    continue
                case NGTCP2_ERR_STREAM_SHUT_WR, NGTCP2_ERR_STREAM_NOT_FOUND:
                    state?.send.releaseAll()
                    continue
                default:
                    fail(libraryError: Int32(nwrite), now: now)
                    for d in outbox { batch.append(d.bytes, remote: d.remote) }
                    outbox.removeAll()
                    return
                }
            }
            if nwrite == 0 { break }
            bytesSent += UInt64(nwrite)
            batch.commit(length: Int(nwrite), remote: Self.address(ps.path.remote))
            packets += 1
            skip.removeAll()
        }
        // No pacing before the handshake completes: ngtcp2 0.12 paces the first Initial with the
        // initial RTT guess (333 ms) over the initial window, 1200 * 333 / 15720 = 25 ms, so a
        // client's Finished waited ~25 ms after a fast server flight. An application closing
        // right after `dial` then aborted iroh's handshake, and iroh stalled the next one: the
        // 94 ms ours -> iroh median. The bytes sent meanwhile are paced from the next call on.
        if isEstablished { ngtcp2_conn_update_pkt_tx_time(conn, now) }
    }

    /// Round-robin pick among streams with unsent data that flow control lets through.
    private func nextStream(skip: Set<Int64>) -> (Int64, StreamState?) {
        let ready = streams.filter { !$0.value.blocked && $0.value.send.hasUnsent && !skip.contains($0.key) }
            .keys.sorted()
        guard !ready.isEmpty else { return (-1, nil) }
        sendCursor = (sendCursor + 1) % ready.count
        let id = ready[sendCursor]
        return (id, streams[id])
    }

    // MARK: migration and stats

    /// Moves the connection to a new local address (a rebinding or a network change on the
    /// dialing side); QUIC path validation follows on the next flush.
    func migrate(to local: SocketAddress, now: UInt64) throws {
        guard let conn, closeError == nil else { return }
        let remote = Self.address(ngtcp2_conn_get_path(conn).pointee.remote)
        let rv = withPath(local: local, remote: remote) { ngtcp2_conn_initiate_immediate_migration(conn, $0, now) }
        try Check.ngtcp2(rv)
        localAddress = local
    }

    var remoteAddress: SocketAddress? {
        guard let conn else { return nil }
        return Self.address(ngtcp2_conn_get_path(conn).pointee.remote)
    }

    func stats() -> ConnectionStats {
        var s = ngtcp2_conn_stat()
        if let conn { cngtcp2_conn_get_conn_stat(conn, &s) }
        return ConnectionStats(smoothedRTT: .nanoseconds(Int64(s.smoothed_rtt)), minRTT: .nanoseconds(Int64(min(s.min_rtt, UInt64(Int64.max)))),
                               latestRTT: .nanoseconds(Int64(s.latest_rtt)), congestionWindow: s.cwnd,
                               bytesInFlight: s.bytes_in_flight, bytesSent: bytesSent, bytesReceived: bytesReceived,
                               ptoCount: UInt64(s.pto_count))
    }

    // MARK: callbacks from ngtcp2 / GnuTLS (on this connection's caller's thread)

    /// The raw-public-key check (see `TLSCredentials`): a dialer insists on the id it dialed, a
    /// listener records the id the client proved.
    func verifyPeer(session: gnutls_session_t) -> Bool {
        switch PeerCertificate.endpointId(session: session) {
        case .failure(let error):
            authFailure = error
            return false
        case .success(let id):
            if case .dialer(let expected) = role, id != expected {
                authFailure = .authenticationFailed("peer key \(id) is not the dialed endpoint id \(expected)")
                return false
            }
            remoteId = id
            return true
        }
    }

    func handshakeCompleted() -> Int32 {
        alpn = tls?.selectedALPN
        guard remoteId != nil else {
            authFailure = .authenticationFailed("peer presented no key")
            return NGTCP2_ERR_CALLBACK_FAILURE
        }
        guard alpn != nil else {
            authFailure = .alpnMismatch
            return NGTCP2_ERR_CALLBACK_FAILURE
        }
        isEstablished = true
        events.append(.established(handle))
        return 0
    }

    func stream(_ id: Int64) -> StreamState {
        if let s = streams[id] { return s }
        let s = StreamState()
        streams[id] = s
        return s
    }
}
