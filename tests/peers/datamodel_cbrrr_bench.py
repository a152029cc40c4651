"""Times cbrrr on the dpds-bench CBOR corpus: decode every block, and encode the decoded values.

Usage: datamodel_cbrrr_bench.py <framed corpus file> [seconds per round]
Prints {"encode": MB/s, "decode": MB/s}, best of three rounds, MB = 10^6 bytes of DAG-CBOR.
"""
import json
import struct
import sys
import time

import cbrrr


def main():
    data = open(sys.argv[1], "rb").read()
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    blocks, i = [], 0
    while i < len(data):
        (n,) = struct.unpack_from(">I", data, i)
        blocks.append(data[i + 4 : i + 4 + n])
        i += 4 + n
    total = sum(len(b) for b in blocks)
    values = [cbrrr.decode_dag_cbor(b) for b in blocks]
    assert [cbrrr.encode_dag_cbor(v) for v in values] == blocks, "cbrrr does not reproduce the corpus"

    decode, encode = cbrrr.decode_dag_cbor, cbrrr.encode_dag_cbor

    def rate(body):
        best = 0.0
        for _ in range(3):
            start, passes = time.perf_counter(), 0
            while True:
                body()
                passes += 1
                elapsed = time.perf_counter() - start
                if elapsed >= seconds:
                    break
            best = max(best, total * passes / elapsed / 1e6)
        return best

    figures = {
        "encode": rate(lambda: [encode(v) for v in values]),
        "decode": rate(lambda: [decode(b) for b in blocks]),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
