"""The atproto SDK resolves a DID through a PLC directory and checks the repo a PDS serves for it.
Usage: plc_sdk_resolve.py RELAY_URL PLC_URL DID. Prints JSON: handle, pds, signing_key (did:key),
and whether getRepo's commit signature verifies against that key."""
import json
import sys
import urllib.request

import cbrrr
from atproto_crypto.verify import verify_signature
from atproto_identity.resolver import IdResolver


def varint(data: bytes, i: int) -> tuple:
    value, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def root_commit(car: bytes) -> dict:
    """The CAR's root block decoded by cbrrr (which keeps CIDs as CIDs, so it re-encodes exactly)."""
    n, i = varint(car, 0)
    root = bytes(cbrrr.decode_dag_cbor(car[i:i + n])["roots"][0])[-36:]
    i += n
    while i < len(car):
        n, j = varint(car, i)
        block = car[j:j + n]
        if block[:36] == root:
            return cbrrr.decode_dag_cbor(block[36:])
        i = j + n
    raise SystemExit("root block not in CAR")


def main() -> None:
    relay, plc, did = sys.argv[1:4]
    data = IdResolver(plc_url=plc).did.resolve_atproto_data(did)
    with urllib.request.urlopen(f"{relay}/xrpc/com.atproto.sync.getRepo?did={did}", timeout=60) as response:
        commit = root_commit(response.read())
    sig = commit.pop("sig")
    ok = verify_signature(data.signing_key, cbrrr.encode_dag_cbor(commit), sig)
    print(json.dumps({"handle": data.handle, "pds": data.pds, "signing_key": data.signing_key,
                      "commit_did": commit["did"], "commit_sig_ok": ok}))


if __name__ == "__main__":
    main()
