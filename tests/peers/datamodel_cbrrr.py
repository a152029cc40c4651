"""cbrrr as an independent DAG-CBOR peer for the Swift codec tests.

Framing on stdin and stdout: each item is a 4-byte big-endian length, then that many bytes.

  roundtrip         read items, decode each with cbrrr, re-encode, write the results
  generate N SEED   write N random data-model values encoded by cbrrr (seeded, deterministic)
"""
import random
import struct
import sys

import cbrrr


def read_items(stream):
    data = stream.read()
    items, i = [], 0
    while i < len(data):
        (n,) = struct.unpack_from(">I", data, i)
        items.append(data[i + 4 : i + 4 + n])
        i += 4 + n
    return items


def write_items(stream, items):
    for item in items:
        stream.write(struct.pack(">I", len(item)))
        stream.write(item)
    stream.flush()


CHARS = ["a", "b", "z", "A", "0", " ", "$", '"', "\\", "\n", "\x00", "\x7f",
         "é", "ñ", "©", "⽘", "☎", "𓋓", "😀", "👨‍👩‍👧", "\ufeff"]
BOUNDARY_INTS = [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1,
                 -1, -24, -25, -256, -257, -65536, -65537, -(2**32), -(2**32) - 1, -(2**63)]


def random_string(rng, max_len):
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, max_len)))


def random_value(rng, depth=0):
    kind = rng.randint(0, 6 if depth >= 5 else 9)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind in (2, 3):
        pick = rng.randint(0, 2)
        if pick == 0:
            return rng.choice(BOUNDARY_INTS)
        if pick == 1:
            return rng.randint(-1000, 1000)
        return rng.randint(-(2**63), 2**63 - 1)
    if kind == 4:
        return random_string(rng, 30)
    if kind == 5:
        return rng.randbytes(rng.randint(0, 70))
    if kind == 6:
        prefix = cbrrr.CID.CIDV1_DAG_CBOR_SHA256_32_PFX if rng.random() < 0.5 else cbrrr.CID.CIDV1_RAW_SHA256_32_PFX
        return cbrrr.CID(prefix + rng.randbytes(32))
    if kind == 7:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    return {random_string(rng, 4): random_value(rng, depth + 1) for _ in range(rng.randint(0, 8))}


def main():
    mode = sys.argv[1]
    if mode == "roundtrip":
        items = read_items(sys.stdin.buffer)
        write_items(sys.stdout.buffer, [cbrrr.encode_dag_cbor(cbrrr.decode_dag_cbor(x)) for x in items])
    elif mode == "generate":
        count, seed = int(sys.argv[2]), int(sys.argv[3])
        rng = random.Random(seed)
        write_items(sys.stdout.buffer, [cbrrr.encode_dag_cbor(random_value(rng)) for _ in range(count)])
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
