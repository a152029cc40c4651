"""Independent K-256 / P-256 peer for dpds: the atproto SDK's crypto (pyca/cryptography, OpenSSL).

Usage:
  crypto_peer.py check   < {"verify": [{"did", "message", "signature"}], "sign": [{"curve", "secret", "message"}]}
      -> {"verified": [bool], "signed": [{"did", "signature"}]}   (hex everywhere; signatures compact low-S)
  crypto_peer.py bench SECONDS
      -> {"k256": {"sign": n_per_s, "verify": n_per_s}, "p256": {...}}
"""
import json
import sys
import time

from atproto_crypto.consts import P256_JWT_ALG, SECP256K1_JWT_ALG
from atproto_crypto.did import format_did_key
from atproto_crypto.verify import verify_signature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

CURVES = {
    "k256": (ec.SECP256K1(), 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141, SECP256K1_JWT_ALG),
    "p256": (ec.SECP256R1(), 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551, P256_JWT_ALG),
}


def private_key(curve: str, secret: bytes) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(secret, "big"), CURVES[curve][0])


def compressed(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


def sign_compact(curve: str, key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(SHA256())))
    order = CURVES[curve][1]
    if s > order // 2:
        s = order - s
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def check() -> None:
    request = json.load(sys.stdin)
    verified = [
        verify_signature(v["did"], bytes.fromhex(v["message"]), bytes.fromhex(v["signature"]))
        for v in request.get("verify", [])
    ]
    signed = []
    for s in request.get("sign", []):
        key = private_key(s["curve"], bytes.fromhex(s["secret"]))
        signed.append({
            "did": format_did_key(CURVES[s["curve"]][2], compressed(key)),
            "signature": sign_compact(s["curve"], key, bytes.fromhex(s["message"])).hex(),
        })
    json.dump({"verified": verified, "signed": signed}, sys.stdout)


def rate(seconds: float, op) -> float:
    count, start = 0, time.perf_counter()
    while True:
        for _ in range(50):
            op()
        count += 50
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def bench(seconds: float) -> None:
    out = {}
    message = b"x" * 200
    for curve in ("k256", "p256"):
        key = ec.generate_private_key(CURVES[curve][0])
        did = format_did_key(CURVES[curve][2], compressed(key))
        signature = sign_compact(curve, key, message)
        out[curve] = {
            "sign": rate(seconds, lambda: sign_compact(curve, key, message)),
            "verify": rate(seconds, lambda: verify_signature(did, message, signature)),
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        check()
    elif sys.argv[1] == "bench":
        bench(float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
