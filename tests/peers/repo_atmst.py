"""Independent repo peer for dpds: atmst (MST) + cbrrr (DAG-CBOR) + the atproto SDK's signature check.

Usage:
  repo_atmst.py roots            < {"sets": [[[key, cid], ...], ...]}  -> ["bafy...root", ...]
  repo_atmst.py check-car PATH DIDKEY   -> {"did", "rev", "data", "records", "sig_ok", "root_ok", "records_ok"}
  repo_atmst.py write-car PATH COUNT SEED  -> {"did_key", "did", "records", "data"}   (atmst-built repo, K-256 signed)
  repo_atmst.py bench COUNT      -> {"build_per_s", "build_s", "peak_rss_mb", "commits_per_s"}
"""
import json
import random
import resource
import sys
import time

from atproto_crypto.consts import SECP256K1_JWT_ALG
from atproto_crypto.did import format_did_key
from atproto_crypto.verify import verify_signature
from atmst.blockstore import MemoryBlockStore
from atmst.blockstore.car_file import ReadOnlyCARBlockStore, encode_varint
from atmst.mst.node_store import NodeStore
from atmst.mst.node_walker import NodeWalker
from atmst.mst.node_wrangler import NodeWrangler
from cbrrr import CID, decode_dag_cbor, encode_dag_cbor
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

K256_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def build(pairs):
    ns = NodeStore(MemoryBlockStore())
    wrangler = NodeWrangler(ns)
    root = ns.get_node(None).cid
    for key, cid in pairs:
        root = wrangler.put_record(root, key, cid)
    return ns, root


def roots():
    request = json.load(sys.stdin)
    out = []
    for pairs in request["sets"]:
        _, root = build([(k, CID.decode(v)) for k, v in pairs])
        out.append(root.encode("base32"))
    json.dump(out, sys.stdout)


def check_car(path, did_key):
    with open(path, "rb") as f:
        bs = ReadOnlyCARBlockStore(f)
        commit = decode_dag_cbor(bs.get_block(bytes(bs.car_root)))
        unsigned = {k: v for k, v in commit.items() if k != "sig"}
        sig_ok = verify_signature(did_key, encode_dag_cbor(unsigned), commit["sig"])
        pairs = list(NodeWalker(NodeStore(bs), commit["data"]).iter_kv())
        records_ok = True
        for _, v in pairs:
            record = decode_dag_cbor(bs.get_block(bytes(v)))
            records_ok = records_ok and encode_dag_cbor(record) == bs.get_block(bytes(v))
        _, rebuilt = build(random.Random(7).sample(pairs, len(pairs)))
        json.dump({
            "did": commit["did"], "rev": commit["rev"], "version": commit["version"],
            "data": commit["data"].encode("base32"), "records": len(pairs),
            "sig_ok": sig_ok, "root_ok": rebuilt == commit["data"], "records_ok": records_ok,
        }, sys.stdout)


def sign_k256(key, message):
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(SHA256())))
    if s > K256_ORDER // 2:
        s = K256_ORDER - s
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def write_car(path, count, seed):
    rng = random.Random(seed)
    key = ec.derive_private_key(rng.randrange(1, K256_ORDER), ec.SECP256K1())
    did_key = format_did_key(SECP256K1_JWT_ALG, key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint))
    records = {}
    for i in range(count):
        collection = rng.choice(["app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.graph.follow"])
        rkey = "3l" + "".join(rng.choice("234567abcdefghijklmnopqrstuvwxyz") for _ in range(11))
        body = encode_dag_cbor({"$type": collection, "text": f"record {i}", "n": i})
        records[f"{collection}/{rkey}"] = body
    ns, root = build([(k, CID.cidv1_dag_cbor_sha256_32_from(v)) for k, v in records.items()])
    commit = {"did": "did:plc:atmstpeer", "version": 3, "data": root, "rev": "3lbcdefghijk2", "prev": None}
    commit["sig"] = sign_k256(key, encode_dag_cbor(commit))
    commit_bytes = encode_dag_cbor(commit)
    commit_cid = CID.cidv1_dag_cbor_sha256_32_from(commit_bytes)
    with open(path, "wb") as f:
        header = encode_dag_cbor({"version": 1, "roots": [commit_cid]})
        f.write(encode_varint(len(header)) + header)
        blocks = [(bytes(commit_cid), commit_bytes)]
        for k, v in NodeWalker(ns, root).iter_kv():
            blocks.append((bytes(v), records[k]))
        for cid in node_cids(ns, root):
            blocks.append((bytes(cid), ns.bs.get_block(bytes(cid))))
        for cid, data in blocks:
            f.write(encode_varint(len(cid) + len(data)) + cid + data)
    json.dump({"did_key": did_key, "did": commit["did"], "records": len(records), "data": root.encode("base32")}, sys.stdout)


def node_cids(ns, cid):
    if cid is None:
        return []
    node = ns.get_node(cid)
    out = [cid]
    for sub in node.subtrees:
        out += node_cids(ns, sub)
    return out


def bench(count):
    rng = random.Random(1)
    pairs = [(f"app.bsky.feed.post/3l{i:011d}", CID.cidv1_dag_cbor_sha256_32_from(rng.randbytes(16))) for i in range(count)]
    rng.shuffle(pairs)
    start = time.perf_counter()
    ns, root = build(pairs)
    build_s = time.perf_counter() - start
    wrangler = NodeWrangler(ns)
    n = min(2000, count)
    start = time.perf_counter()
    for i in range(n):
        root = wrangler.put_record(root, f"app.bsky.feed.like/3m{i:011d}", pairs[i][1])
        root.encode("base32")
    commit_s = time.perf_counter() - start
    json.dump({"build_s": build_s, "build_per_s": count / build_s,
               "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               "commits_per_s": n / commit_s, "root": root.encode("base32")}, sys.stdout)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "roots":
        roots()
    elif mode == "check-car":
        check_car(sys.argv[2], sys.argv[3])
    elif mode == "write-car":
        write_car(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "bench":
        bench(int(sys.argv[2]))
    else:
        sys.exit(f"unknown mode {mode}")
