"""Firehose fan-out over real WebSocket connections to a dpds relay (loopback).

Usage: relay_fanout.py BASE_URL SUBSCRIBERS CURSOR
Opens SUBSCRIBERS reading connections plus one that never reads (tiny receive buffer, library
queue of 1), all from CURSOR. Prints "ready" once every connection is open. On the stdin line "cut"
(the relay has dropped the silent one) the silent one starts reading, and must find its stream
ended with a ConsumerTooSlow error frame; on "done LAST_SEQ" (the writer has finished) each reader
must reach LAST_SEQ.
Prints one JSON object: per reader the #commit seqs (first reader in full, the others as "same as
the first"), whether every frame's seq followed the previous one with no gap, and the silent
one's commits and error.
"""
import asyncio
import json
import socket
import sys
from urllib.parse import urlparse

import cbrrr
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

base, count, cursor = sys.argv[1].rstrip('/'), int(sys.argv[2]), int(sys.argv[3])
url = base.replace('http://', 'ws://') + f'/xrpc/com.atproto.sync.subscribeRepos?cursor={cursor}'


class Reader:
    def __init__(self):
        self.commits, self.last_seq, self.contiguous, self.error = [], cursor, True, None
        self.reached = asyncio.Event()
        self.target = None

    def take(self, frame):
        header, body = cbrrr.decode_multi_dag_cbor_in_violation_of_the_spec(frame)
        if header.get('op') == -1:
            self.error = body.get('error')
            return
        seq = body.get('seq')
        if seq is not None:
            if seq != self.last_seq + 1:
                self.contiguous = False
            self.last_seq = seq
        if header.get('t') == '#commit':
            self.commits.append(seq)
        if self.target is not None and self.last_seq >= self.target:
            self.reached.set()

    async def run(self, ws):
        try:
            async for frame in ws:
                self.take(frame)
        except ConnectionClosed:
            pass


async def main():
    loop = asyncio.get_running_loop()
    readers = [Reader() for _ in range(count)]
    # No keepalive pings: the silent one must not be closed by its own (unread) ping timeout.
    sockets = [await connect(url, open_timeout=60, max_size=None, ping_interval=None) for _ in range(count)]
    host = urlparse(base)
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect, so the window stays small
    # A small MSS keeps the server's autotuned send buffer small too (it grows in MSS-sized steps; on
    # loopback's 64 KB MSS it reaches megabytes), so the cut-off comes after tens of events, not hundreds.
    raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    raw.setblocking(False)
    await loop.sock_connect(raw, (host.hostname, host.port))
    silent_ws = await connect(url, sock=raw, open_timeout=60, max_queue=1, max_size=None, ping_interval=None)
    silent_ws.transport.set_write_buffer_limits(0)
    tasks = [asyncio.create_task(r.run(ws)) for r, ws in zip(readers, sockets)]
    print('ready', flush=True)

    silent = Reader()
    async def drain():
        try:
            async for frame in silent_ws:
                silent.take(frame)
                if silent.error:
                    break
        except ConnectionClosed:
            pass

    # "cut": the server has dropped the silent one. It starts reading at once: a closing connection is
    # held open for a bounded time only (Hummingbird's close timeout), then what is unsent is dropped.
    line = await loop.run_in_executor(None, sys.stdin.readline)
    assert line.strip() == 'cut', line
    draining = asyncio.create_task(drain())
    line = await loop.run_in_executor(None, sys.stdin.readline)
    last = int(line.split()[1])
    for r in readers:
        r.target = last
        if r.last_seq >= last:
            r.reached.set()
    await asyncio.wait_for(asyncio.gather(*(r.reached.wait() for r in readers)), timeout=180)
    await asyncio.wait_for(draining, timeout=120)

    for ws in sockets + [silent_ws]:
        await ws.close()
    for t in tasks:
        t.cancel()
    first = readers[0].commits
    print(json.dumps({
        'readers': len(readers),
        'commits': first,
        'allSame': all(r.commits == first for r in readers),
        'allContiguous': all(r.contiguous for r in readers),
        'readerErrors': [r.error for r in readers if r.error],
        'silent': {'commits': silent.commits, 'contiguous': silent.contiguous, 'error': silent.error,
                   'closeCode': silent_ws.close_code, 'closeReason': silent_ws.close_reason},
    }))


asyncio.run(main())
