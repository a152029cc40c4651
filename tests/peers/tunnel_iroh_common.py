"""Shared helpers for the iroh-side tunnel peers: an iroh endpoint on loopback, relays disabled."""
import json
import sys

import iroh


async def bind(alpns, secret_hex=None):
    opts = iroh.EndpointOptions(
        preset=iroh.preset_minimal(),
        bind_addr="127.0.0.1:0",
        relay_mode=iroh.RelayMode.disabled(),
        alpns=[a.encode() for a in alpns],
        secret_key=bytes.fromhex(secret_hex) if secret_hex else None,
    )
    return await iroh.Endpoint.bind(opts)


def emit(obj):
    """One JSON line on stdout: the Swift side waits on these, never on sleeps."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def loopback_addrs(ep):
    return [a for a in ep.addr().direct_addresses() if a.startswith("127.0.0.1:")]


def describe(error):
    """IrohError's str() is empty; its message() says what happened."""
    return error.message() if hasattr(error, "message") else repr(error)
