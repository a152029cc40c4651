import CNgtcp2

/// ngtcp2's callbacks: `@convention(c)` thunks that unwrap the `QuicConnection` from user data.
/// The crypto ones come straight from ngtcp2_crypto_gnutls.
extension QuicConnection {
    static func callbacks(isServer: Bool) -> ngtcp2_callbacks {
        var cb = ngtcp2_callbacks()
        if isServer {
            cb.recv_client_initial = ngtcp2_crypto_recv_client_initial_cb
        } else {
            cb.client_initial = ngtcp2_crypto_client_initial_cb
            cb.recv_retry = ngtcp2_crypto_recv_retry_cb
        }
        cb.recv_crypto_data = ngtcp2_crypto_recv_crypto_data_cb
        cb.encrypt = ngtcp2_crypto_encrypt_cb
        cb.decrypt = ngtcp2_crypto_decrypt_cb
        cb.hp_mask = ngtcp2_crypto_hp_mask_cb
        cb.update_key = ngtcp2_crypto_update_key_cb
        cb.delete_crypto_aead_ctx = ngtcp2_crypto_delete_crypto_aead_ctx_cb
        cb.delete_crypto_cipher_ctx = ngtcp2_crypto_delete_crypto_cipher_ctx_cb
        cb.get_path_challenge_data = ngtcp2_crypto_get_path_challenge_data_cb
        cb.version_negotiation = ngtcp2_crypto_version_negotiation_cb
        cb.rand = { dest, len, _ in
            guard let dest else { return }
            QuicConnection.fillRandom(UnsafeMutableRawBufferPointer(start: dest, count: len))
        }
        cb.get_new_connection_id = { _, cid, token, len, user in
            guard let cid, let token else { return NGTCP2_ERR_CALLBACK_FAILURE }
            let c = QuicConnection.from(user)
            cid.pointee = QuicConnection.randomCID(len)
            QuicConnection.fillRandom(UnsafeMutableRawBufferPointer(start: token, count: Int(NGTCP2_STATELESS_RESET_TOKENLEN)))
            c.cidChanges.append((true, QuicConnection.bytes(cid.pointee)))
            return 0
        }
        cb.remove_connection_id = { _, cid, user in
            guard let cid else { return 0 }
            QuicConnection.from(user).cidChanges.append((false, QuicConnection.bytes(cid.pointee)))
            return 0
        }
        cb.handshake_completed = { _, user in QuicConnection.from(user).handshakeCompleted() }
        cb.stream_open = { _, id, user in
            let c = QuicConnection.from(user)
            let state = c.stream(id)
            if !StreamKind.isBidirectional(id) { state.send.finRequested = true; state.send.finSent = true }
            c.events.append(.streamOpened(c.handle, id))
            return 0
        }
        cb.recv_stream_data = { _, flags, id, _, data, len, user, _ in
            let c = QuicConnection.from(user)
            let state = c.stream(id)
            if let data, len > 0 { state.receive.append(UnsafeRawBufferPointer(start: data, count: len)) }
            if flags & UInt32(NGTCP2_STREAM_DATA_FLAG_FIN) != 0 { state.receive.finished = true }
            c.events.append(.readable(c.handle, id))
            return 0
        }
        cb.acked_stream_data_offset = { _, id, offset, len, user, _ in
            let c = QuicConnection.from(user)
            guard let state = c.streams[id] else { return 0 }
            state.send.acknowledge(upTo: offset + len)
            c.events.append(.writable(c.handle, id))
            return 0
        }
        cb.extend_max_stream_data = { _, id, _, user, _ in
            let c = QuicConnection.from(user)
            c.streams[id]?.blocked = false
            return 0
        }
        cb.extend_max_local_streams_bidi = { _, _, user in
            let c = QuicConnection.from(user)
            c.events.append(.streamsAvailable(c.handle))
            return 0
        }
        cb.extend_max_local_streams_uni = cb.extend_max_local_streams_bidi
        cb.stream_reset = { _, id, _, code, user, _ in
            let c = QuicConnection.from(user)
            c.stream(id).receive.resetCode = code
            c.events.append(.readable(c.handle, id))
            return 0
        }
        cb.stream_stop_sending = { _, id, code, user, _ in
            let c = QuicConnection.from(user)
            c.stream(id).sendStopped = code
            c.events.append(.writable(c.handle, id))
            return 0
        }
        cb.stream_close = { conn, flags, id, code, user, _ in
            let c = QuicConnection.from(user)
            // ngtcp2 leaves stream credit to the application: give the peer back the stream it used.
            if !StreamKind.isLocallyInitiated(id, isServer: c.isServer) {
                if StreamKind.isBidirectional(id) { ngtcp2_conn_extend_max_streams_bidi(conn, 1) } else { ngtcp2_conn_extend_max_streams_uni(conn, 1) }
            }
            guard let state = c.streams[id] else { return 0 }
            state.closedByTransport = true
            state.send.releaseAll()
            let appError = flags & UInt32(NGTCP2_STREAM_CLOSE_FLAG_APP_ERROR_CODE_SET) != 0
            if !state.receive.finished, state.receive.resetCode == nil, appError, StreamKind.isBidirectional(id) || !StreamKind.isLocallyInitiated(id, isServer: c.isServer) {
                state.receive.resetCode = code
            }
            if state.canDiscard { c.streams[id] = nil }
            c.events.append(.readable(c.handle, id))
            c.events.append(.writable(c.handle, id))
            return 0
        }
        return cb
    }

    static func from(_ user: UnsafeMutableRawPointer?) -> QuicConnection {
        Unmanaged<QuicConnection>.fromOpaque(user!).takeUnretainedValue()
    }

    static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        var rng = SystemRandomNumberGenerator()
        for i in 0..<buffer.count { buffer[i] = UInt8.random(in: 0...255, using: &rng) }
    }

    static func randomCID(_ length: Int) -> ngtcp2_cid {
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeMutableBytes { fillRandom($0) }
        return cid(bytes)
    }

    static func cid(_ bytes: [UInt8]) -> ngtcp2_cid {
        var c = ngtcp2_cid()
        ngtcp2_cid_init(&c, bytes, bytes.count)
        return c
    }

    static func bytes(_ cid: ngtcp2_cid) -> [UInt8] {
        withUnsafeBytes(of: cid.data) { Array($0.prefix(cid.datalen)) }
    }

    static func address(_ addr: ngtcp2_addr) -> SocketAddress {
        addr.addr.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(copying: $0, length: addr.addrlen) }
    }
}

let getConnThunk: @convention(c) (UnsafeMutablePointer<ngtcp2_crypto_conn_ref>?) -> OpaquePointer? = { ref in
    guard let ref, let user = ref.pointee.user_data else { return nil }
    return Unmanaged<QuicConnection>.fromOpaque(user).takeUnretainedValue().conn
}
