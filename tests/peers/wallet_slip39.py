"""SLIP-0039 peer for the wallet tests: the reference shamir-mnemonic implementation.

stdin: JSON list of jobs; stdout: JSON list of results, same order.
  {"op": "combine", "mnemonics": [...], "passphrase": "..."} -> {"secret": hex} or {"error": msg}
  {"op": "split", "secret": hex, "passphrase": "...", "threshold": t, "count": n, "exponent": e,
   "extendable": bool} -> {"mnemonics": [...]}
"""
import json
import sys

import shamir_mnemonic


def run(job):
    passphrase = job.get("passphrase", "").encode()
    if job["op"] == "combine":
        try:
            return {"secret": shamir_mnemonic.combine_mnemonics(job["mnemonics"], passphrase).hex()}
        except Exception as exc:  # the test checks the refusal, not the text
            return {"error": str(exc)}
    if job["op"] == "split":
        groups = shamir_mnemonic.generate_mnemonics(
            1, [(job["threshold"], job["count"])], bytes.fromhex(job["secret"]), passphrase,
            extendable=job.get("extendable", True), iteration_exponent=job.get("exponent", 1))
        return {"mnemonics": groups[0]}
    raise ValueError(job["op"])


print(json.dumps([run(job) for job in json.load(sys.stdin)]))
