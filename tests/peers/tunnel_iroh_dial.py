"""iroh endpoint that dials ENDPOINT_ID@HOST:PORT with ALPN, echoes N bytes on each of S concurrent
bidirectional streams and prints one JSON line: {"ok":true,...} or {"ok":false,"error":...}."""
import asyncio
import os
import sys
import time

import iroh
from tunnel_iroh_common import bind, describe, emit


async def one_stream(conn, payload):
    bi = await conn.open_bi()
    send = bi.send()
    await send.write_all(payload)
    await send.finish()
    back = await bi.recv().read_to_end(len(payload) + 1)
    return back == payload


async def main():
    target, alpn, nbytes, nstreams = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    node_hex, addr = target.split("@")
    ep = await bind([])
    try:
        t0 = time.perf_counter()
        conn = await ep.connect(iroh.EndpointAddr(iroh.EndpointId.from_string(node_hex), None, [addr]), alpn.encode())
        handshake_ms = (time.perf_counter() - t0) * 1000
        payload = os.urandom(nbytes)
        t1 = time.perf_counter()
        oks = await asyncio.gather(*[one_stream(conn, payload) for _ in range(nstreams)])
        secs = time.perf_counter() - t1
        remote = conn.remote_id().to_bytes().hex()
        conn.close(0, b"done")
        emit({"ok": all(oks), "streams": nstreams, "bytes": nbytes, "handshake_ms": handshake_ms,
              "secs": secs, "remote": remote})
    except Exception as e:
        emit({"ok": False, "error": describe(e)})
    finally:
        await ep.close()


if __name__ == "__main__":
    asyncio.run(main())
