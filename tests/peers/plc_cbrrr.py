"""Independent check of our did:plc ops: for each JSON op on stdin (one per line) print one JSON
line with cbrrr's DAG-CBOR of the signed op (hex), its CID, the DID it would create as a genesis,
and whether the atproto SDK's crypto accepts `sig` by any of `rotation_keys` (given per line)."""
import base64
import hashlib
import json
import sys

import cbrrr
from atproto_crypto.verify import verify_signature


def b32(data: bytes) -> str:
    return base64.b32encode(data).decode().lower().rstrip("=")


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        op = case["op"]
        signed = cbrrr.encode_dag_cbor(op)
        unsigned = cbrrr.encode_dag_cbor({k: v for k, v in op.items() if k != "sig"})
        digest = hashlib.sha256(signed).digest()
        cid = "b" + b32(bytes([0x01, 0x71, 0x12, 0x20]) + digest)
        sig = base64.urlsafe_b64decode(op["sig"] + "=" * (-len(op["sig"]) % 4))
        ok = any(verify_signature(k, unsigned, sig) for k in case["keys"])
        print(json.dumps({"cbor": signed.hex(), "cid": cid, "did": "did:plc:" + b32(digest)[:24], "sig_ok": ok}))


if __name__ == "__main__":
    main()
