"""iroh side of `dpds-bench tunnel`. Streams start with one mode byte: b"E" echo the rest back,
b"S" sink: read to the end, answer with the byte count as ASCII.

  server ALPN                      -> prints {"endpoint_id":..,"addrs":[..]}, serves until stdin closes
  client ID@ADDR ALPN RTTS BULK    -> prints {"handshake_ms":..,"rtt_ms":[..],"bulk_secs":..}
"""
import asyncio
import sys
import time

import iroh
from tunnel_iroh_common import bind, describe, emit, loopback_addrs


async def serve_stream(bi):
    try:
        await _serve_stream(bi)
    except Exception as e:
        sys.stderr.write("serve_stream: %s\n" % describe(e))


async def _serve_stream(bi):
    recv, send = bi.recv(), bi.send()
    mode = await recv.read_exact(1)
    data = await recv.read_to_end(1 << 30)
    await send.write_all(data if mode == b"E" else str(len(data)).encode())
    await send.finish()


async def serve_conn(incoming):
    tasks = set()  # asyncio keeps only weak references to tasks
    try:
        conn = await (await incoming.accept()).connect()
        while True:
            task = asyncio.ensure_future(serve_stream(await conn.accept_bi()))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    except Exception as e:
        sys.stderr.write("serve_conn: %s\n" % describe(e))


async def server(alpn):
    ep = await bind([alpn])
    emit({"endpoint_id": ep.id().to_bytes().hex(), "addrs": loopback_addrs(ep)})
    loop = asyncio.get_running_loop()
    stdin_closed = loop.run_in_executor(None, sys.stdin.read)
    conns = set()
    while True:
        accept = asyncio.ensure_future(ep.accept_next())
        done, _ = await asyncio.wait([accept, stdin_closed], return_when=asyncio.FIRST_COMPLETED)
        if stdin_closed in done or accept.result() is None:
            break
        conns.add(asyncio.ensure_future(serve_conn(accept.result())))
    await ep.close()


async def client(target, alpn, rtts, bulk):
    node_hex, addr = target.split("@")
    ep = await bind([])
    t0 = time.perf_counter()
    conn = await ep.connect(iroh.EndpointAddr(iroh.EndpointId.from_string(node_hex), None, [addr]), alpn.encode())
    handshake_ms = (time.perf_counter() - t0) * 1000
    samples = []
    for _ in range(rtts):
        t = time.perf_counter()
        bi = await conn.open_bi()
        await bi.send().write_all(b"E" + b"x" * 32)
        await bi.send().finish()
        await bi.recv().read_to_end(64)
        samples.append((time.perf_counter() - t) * 1000)
    bulk_secs = None
    if bulk:
        chunk = b"\0" * (1 << 20)
        t = time.perf_counter()
        bi = await conn.open_bi()
        send = bi.send()
        await send.write_all(b"S")
        left = bulk
        while left:
            n = min(left, len(chunk))
            await send.write_all(chunk[:n])
            left -= n
        await send.finish()
        got = int(await bi.recv().read_to_end(64))
        assert got == bulk, got
        bulk_secs = time.perf_counter() - t
    conn.close(0, b"done")
    await ep.close()
    emit({"handshake_ms": handshake_ms, "rtt_ms": samples, "bulk_secs": bulk_secs})


def _main():
    if sys.argv[1] == "server":
        asyncio.run(server(sys.argv[2]))
    else:
        asyncio.run(client(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])))


if __name__ == "__main__":
    try:
        _main()
    except iroh.IrohError as e:
        sys.exit("iroh error: %s" % e.message())
