#!/usr/bin/env python3
"""Regenerates the golden vectors of spec/device-relay-protocol.md with cbrrr, an independent
DAG-CBOR implementation: the fields below are the source, the frames are computed here, and the
Swift suite checks its codec and state machines against the result.

    .venv/bin/python spec/vectors/generate.py      (from the repository root)
"""
import json
import os
import sys

import cbrrr

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
HERE = os.path.dirname(os.path.abspath(__file__))


def cid(label, raw=False):
    """A real CIDv1 (sha2-256) of the label's bytes, in the JSON form {"$link": "b..."}."""
    ctor = cbrrr.CID.cidv1_raw_sha256_32_from if raw else cbrrr.CID.cidv1_dag_cbor_sha256_32_from
    return {"$link": ctor(label.encode()).encode()}


def b64(data):
    import base64
    return {"$bytes": base64.b64encode(data).decode().rstrip("=")}


def frame(fields):
    body = cbrrr.encode_dag_cbor(fields, atjson_mode=True)
    assert cbrrr.decode_dag_cbor(body, atjson_mode=True) == fields
    return (len(body).to_bytes(4, "big") + body).hex()


ALL_FEATURES = {
    "commit-buffer": {"v": 1, "retentionDays": 90},
    "firehose-proxy": {"v": 1},
    "blob-forwarding": {"v": 1},
    "request-crawl": {"v": 1},
    "repo-snapshot": {"v": 1},
    "commit-ack-seq": {"v": 1},
}
LIMITS = {
    "maxFrameBytes": 4194304, "maxCommitBytes": 2000000, "maxOpsPerCommit": 200, "maxInFlight": 8,
    "pingIntervalMs": 15000, "pingTimeoutMs": 10000, "offlineAfterMs": 45000, "writeTimeoutMs": 3000,
    "commitAckTimeoutMs": 30000,
}
FREE_GRANTS = {
    "commit-buffer": {"v": 1, "retentionDays": 7},
    "blob-forwarding": {"v": 1, "maxBlobBytes": 104857600},
    "repo-snapshot": {"v": 1},
    "commit-ack-seq": {"v": 1},
}
PRO_GRANTS = dict(FREE_GRANTS, **{
    "commit-buffer": {"v": 1, "retentionDays": 30},
    "firehose-proxy": {"v": 1},
    "request-crawl": {"v": 1},
})
# An unsigned v3 commit, its canonical bytes as pushed.
UNSIGNED = {"did": DID, "version": 3, "data": cid("mst-root-2"), "rev": "3lbx5yqqtkc2a", "prev": None}
UNSIGNED_BYTES = cbrrr.encode_dag_cbor(UNSIGNED, atjson_mode=True)
POST = {"$type": "app.bsky.feed.post", "text": "hello from the desktop", "createdAt": "2026-11-25T10:00:00.000Z"}

PUSH = {
    "t": "commitPush", "id": 1, "did": DID, "rev": "3lbx5yqqtkc2a", "since": "3lbx5ypaaaa2a",
    "prevData": cid("mst-root-1"), "commit": b64(UNSIGNED_BYTES), "blocks": b64(b"\x3a\xa2car-slice"),
    "ops": [{"action": "create", "path": "app.bsky.feed.post/3lbx5yqqtkc2a", "cid": cid("post-1")}],
}
ACK = {"t": "commitAck", "id": 1, "seq": 1042, "cid": cid("signed-commit-2"), "rev": "3lbx5yqqtkc2a",
       "sig": b64(bytes(range(64)))}

MESSAGES = [
    ("hello-pairing", {"t": "hello", "versions": [0], "did": DID, "pairingToken": "pair-7f3k-q9xw-2m8d-hv4c",
                       "features": ALL_FEATURES, "software": "dpds/0.1.0"}),
    ("hello-known-device", {"t": "hello", "versions": [0], "did": DID, "features": ALL_FEATURES,
                            "software": "dpds/0.1.0", "rev": "3lbx5yqqtkc2a"}),
    ("welcome-free", {"t": "welcome", "version": 0, "tier": "free", "features": FREE_GRANTS, "limits": LIMITS,
                      "paired": True}),
    ("welcome-pro-with-head", {"t": "welcome", "version": 0, "tier": "pro", "features": PRO_GRANTS,
                               "limits": LIMITS, "seq": 1042, "rev": "3lbx5yqqtkc2a", "paired": False}),
    ("reject-version", {"t": "reject", "code": "unsupported-version", "message": "no common minor version",
                        "versions": [0]}),
    ("reject-token", {"t": "reject", "code": "invalid-pairing-token", "message": "pairing token already used"}),
    ("commit-push", PUSH),
    ("commit-push-first", {"t": "commitPush", "id": 2, "did": DID, "rev": "3lbx5ypaaaa2a",
                           "commit": b64(b"\xa0"), "blocks": b64(b""), "ops": []}),
    ("commit-ack", ACK),
    ("commit-ack-no-seq", {"t": "commitAck", "id": 3, "cid": cid("signed-commit-2"), "rev": "3lbx5yqqtkc2a",
                           "sig": b64(bytes(64))}),
    ("commit-reject", {"t": "commitReject", "id": 4, "code": "prev-data-mismatch",
                       "message": "prevData does not match the head"}),
    ("write-request", {"t": "writeRequest", "id": 1, "did": DID, "ttlMs": 3000,
                       "writes": [{"action": "create", "collection": "app.bsky.feed.post", "value": POST}]}),
    ("write-request-swap", {"t": "writeRequest", "id": 2, "did": DID, "ttlMs": 2500,
                            "swapCommit": cid("signed-commit-2"),
                            "writes": [{"action": "delete", "collection": "app.bsky.feed.post",
                                        "rkey": "3lbx5yqqtkc2a", "swapRecord": cid("post-1")},
                                       {"action": "update", "collection": "app.bsky.actor.profile",
                                        "rkey": "self", "value": {"$type": "app.bsky.actor.profile",
                                                                  "displayName": "Desk"}}]}),
    ("write-result-ok", {"t": "writeResult", "id": 1,
                         "results": [{"uri": f"at://{DID}/app.bsky.feed.post/3lbx5yqqtkc2a", "cid": cid("post-1")}],
                         "commitCid": cid("signed-commit-2"), "rev": "3lbx5yqqtkc2a"}),
    ("write-result-error", {"t": "writeResult", "id": 2, "error": "InvalidSwap",
                            "message": "swapCommit does not match the head"}),
    ("ping", {"t": "ping", "nonce": 1, "time": 1764064800000, "status": "ok"}),
    ("pong", {"t": "pong", "nonce": 1, "time": 52000, "echo": 1764064800000, "status": "ok"}),
    ("ping-draining", {"t": "ping", "nonce": 9, "time": 77, "status": "draining"}),
    ("blob-fetch", {"t": "blobFetch", "id": 5, "did": DID, "cid": cid("image-1", raw=True)}),
    ("blob-result-stored", {"t": "blobResult", "id": 6, "cid": cid("image-2", raw=True), "size": 183204,
                            "mimeType": "image/jpeg"}),
    ("blob-result-missing", {"t": "blobResult", "id": 5, "error": "BlobNotFound", "message": "no such blob"}),
    ("blob-header-upload", {"t": "blobHeader", "id": 6, "did": DID, "size": 183204, "mimeType": "image/jpeg"}),
    ("blob-header-fetch", {"t": "blobHeader", "id": 5, "did": DID, "size": 5120, "mimeType": "image/png",
                           "cid": cid("image-1", raw=True)}),
    ("snapshot-request", {"t": "snapshotRequest", "id": 7, "did": DID, "reason": "paired"}),
    ("snapshot-result-ok", {"t": "snapshotResult", "id": 7}),
    ("snapshot-result-error", {"t": "snapshotResult", "id": 7, "error": "InternalError",
                               "message": "repository busy"}),
    ("snapshot-header", {"t": "snapshotHeader", "id": 7, "did": DID, "rev": "3lbx5yqqtkc2a",
                         "commit": cid("signed-commit-2"), "size": 1048576}),
    ("firehose-event", {"t": "firehoseEvent", "seq": 8123456789, "event": b64(b"\xa2\x61t\x67#commit\x62op\x01")}),
]

# Conversations: the frames each side sends, in order. `at` is the sender's monotonic ms.
HELLO_PAIR = dict(MESSAGES[0][1])
CONVERSATIONS = [
    {
        "name": "pairing-push-write-ping",
        "description": "First contact on a pro relay: pairing, a commit push and its ack, a proxied write "
                       "answered after its commit is acked, and a ping.",
        "relay": {"tier": "pro", "head": {}},
        "steps": [
            {"from": "device", "at": 0, "fields": HELLO_PAIR},
            {"from": "relay", "at": 5, "fields": {"t": "welcome", "version": 0, "tier": "pro",
                                                  "features": PRO_GRANTS, "limits": LIMITS, "paired": True}},
            {"from": "device", "at": 10, "fields": {k: v for k, v in PUSH.items() if k not in ("since", "prevData")}},
            {"from": "relay", "at": 20, "fields": ACK},
            {"from": "relay", "at": 100, "fields": {"t": "writeRequest", "id": 1, "did": DID, "ttlMs": 3000,
                                                    "writes": [{"action": "create",
                                                                "collection": "app.bsky.feed.post",
                                                                "value": POST}]}},
            {"from": "device", "at": 150, "fields": dict(PUSH, id=2, rev="3lbx5yzzzzz2a", since="3lbx5yqqtkc2a",
                                                         prevData=cid("mst-root-2"))},
            {"from": "relay", "at": 160, "fields": dict(ACK, id=2, seq=1043, rev="3lbx5yzzzzz2a",
                                                        cid=cid("signed-commit-3"))},
            {"from": "device", "at": 170, "fields": {"t": "writeResult", "id": 1, "results": [
                {"uri": f"at://{DID}/app.bsky.feed.post/3lbx5yzzzzz2a", "cid": cid("post-2")}],
                "commitCid": cid("signed-commit-3"), "rev": "3lbx5yzzzzz2a"}},
            {"from": "device", "at": 15170, "fields": {"t": "ping", "nonce": 1, "time": 15170, "status": "ok"}},
            {"from": "relay", "at": 15170, "fields": {"t": "pong", "nonce": 1, "time": 15170, "echo": 15170,
                                                      "status": "ok"}},
        ],
    },
    {
        "name": "version-mismatch",
        "description": "The device offers only minor version 5; the relay speaks 0 and rejects before "
                       "looking at the pairing token, which stays unused.",
        "relay": {"tier": "free", "head": {}},
        "steps": [
            {"from": "device", "at": 0, "fields": dict(HELLO_PAIR, versions=[5])},
            {"from": "relay", "at": 1, "fields": {"t": "reject", "code": "unsupported-version",
                                                  "message": "no common minor version", "versions": [0]}},
        ],
    },
    {
        "name": "pairing-token-replay",
        "description": "A second hello with an already consumed pairing token is rejected.",
        "relay": {"tier": "free", "head": {}, "tokenAlreadyUsed": True},
        "steps": [
            {"from": "device", "at": 0, "fields": HELLO_PAIR},
            {"from": "relay", "at": 1, "fields": {"t": "reject", "code": "invalid-pairing-token",
                                                  "message": "pairing token already used"}},
        ],
    },
    {
        "name": "reconnect-duplicate-push",
        "description": "After a lost ack the known device reconnects; welcome shows rev R signed at seq 1042; "
                       "the device re-pushes R and gets the stored ack with the same seq.",
        "relay": {"tier": "free", "head": {"seq": 1042, "rev": "3lbx5yqqtkc2a"}},
        "steps": [
            {"from": "device", "at": 0, "fields": MESSAGES[1][1]},
            {"from": "relay", "at": 2, "fields": {"t": "welcome", "version": 0, "tier": "free",
                                                  "features": FREE_GRANTS, "limits": LIMITS, "seq": 1042,
                                                  "rev": "3lbx5yqqtkc2a", "paired": False}},
            {"from": "device", "at": 3, "fields": PUSH},
            {"from": "relay", "at": 4, "fields": ACK},
        ],
    },
]


def render():
    messages = [{"name": name, "type": fields["t"], "fields": fields, "frame": frame(fields)}
                for name, fields in MESSAGES]
    for conversation in CONVERSATIONS:
        for step in conversation["steps"]:
            step["type"] = step["fields"]["t"]
            step["frame"] = frame(step["fields"])
    header = {"spec": "spec/device-relay-protocol.md", "protocol": "1.0",
              "generator": "spec/vectors/generate.py (cbrrr)",
              "frame": "4-byte big-endian body length, then the DAG-CBOR body; fields in the atproto JSON data model"}
    return {
        "messages.json": json.dumps(dict(header, vectors=messages), indent=1) + "\n",
        "conversations.json": json.dumps(dict(header, conversations=CONVERSATIONS), indent=1) + "\n",
    }, len(messages)


def main():
    """Writes the vector files; with --check, only compares them and exits 1 on any drift."""
    files, count = render()
    check = "--check" in sys.argv[1:]
    stale = []
    for name, text in files.items():
        path = os.path.join(HERE, name)
        if check:
            with open(path) as f:
                if f.read() != text:
                    stale.append(name)
        else:
            with open(path, "w") as f:
                f.write(text)
    if stale:
        print("stale: " + ", ".join(stale) + " (run spec/vectors/generate.py)")
        sys.exit(1)
    print(f"{count} message vectors, {len(CONVERSATIONS)} conversations" + (" up to date" if check else ""))


if __name__ == "__main__":
    main()
