"""iroh endpoint that echoes every bidirectional stream back to its sender.

Prints {"endpoint_id":..., "addrs":[...]} when ready, then one JSON line per connection event
({"event":"closed"|"error", ...}). Runs until stdin closes or it is killed."""
import asyncio
import sys

import iroh
from tunnel_iroh_common import bind, describe, emit, loopback_addrs


async def echo_stream(bi):
    data = await bi.recv().read_to_end(1 << 30)
    send = bi.send()
    await send.write_all(data)
    await send.finish()


async def serve_conn(incoming):
    try:
        accepting = await incoming.accept()
        conn = await accepting.connect()
    except Exception as e:  # handshake failures are what the auth tests look for
        emit({"event": "error", "message": describe(e)})
        return
    emit({"event": "connected", "remote": conn.remote_id().to_bytes().hex()})
    tasks = []
    try:
        while True:
            bi = await conn.accept_bi()
            tasks.append(asyncio.ensure_future(echo_stream(bi)))
    except Exception as e:
        emit({"event": "closed", "message": describe(e)})


async def main():
    alpn = sys.argv[1]
    ep = await bind([alpn], sys.argv[2] if len(sys.argv) > 2 else None)
    emit({"endpoint_id": ep.id().to_bytes().hex(), "addrs": loopback_addrs(ep)})
    loop = asyncio.get_running_loop()
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    while True:
        accept = asyncio.ensure_future(ep.accept_next())
        done, _ = await asyncio.wait([accept, stdin_closed], return_when=asyncio.FIRST_COMPLETED)
        if stdin_closed in done:
            break
        incoming = accept.result()
        if incoming is None:
            break
        asyncio.ensure_future(serve_conn(incoming))
    await ep.close()


if __name__ == "__main__":
    asyncio.run(main())
