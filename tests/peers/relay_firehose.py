"""Reads a dpds relay's subscribeRepos with the PyPI `atproto` SDK's firehose client.

Usage: relay_firehose.py BASE_URL CURSOR COUNT
Collects COUNT messages starting after CURSOR, parses each with the SDK's models, prints
[{"seq", "type", "did"}...] as JSON. Mode `raw` (CURSOR given as raw:N) instead returns the first frame's
header and body, decoded by cbrrr, so error frames (FutureCursor) can be checked.
"""
import json
import sys

base, cursor_arg, count = sys.argv[1].rstrip('/'), sys.argv[2], int(sys.argv[3])
ws_base = base.replace('http://', 'ws://') + '/xrpc'

if cursor_arg.startswith('raw:'):
    import cbrrr
    from websockets.sync.client import connect

    with connect(f'{ws_base}/com.atproto.sync.subscribeRepos?cursor={cursor_arg[4:]}', open_timeout=30) as ws:
        frame = ws.recv(timeout=60)
    header, body = cbrrr.decode_multi_dag_cbor_in_violation_of_the_spec(frame)
    print(json.dumps({'header': header, 'body': {k: v for k, v in body.items() if isinstance(v, (str, int, bool))}}))
    sys.exit(0)

from atproto import FirehoseSubscribeReposClient, models, parse_subscribe_repos_message

received = []
client = FirehoseSubscribeReposClient({'cursor': int(cursor_arg)}, base_uri=ws_base, recv_timeout=60)


def on_message(message):
    event = parse_subscribe_repos_message(message)
    kind = {
        models.ComAtprotoSyncSubscribeRepos.Commit: '#commit',
        models.ComAtprotoSyncSubscribeRepos.Identity: '#identity',
        models.ComAtprotoSyncSubscribeRepos.Account: '#account',
        models.ComAtprotoSyncSubscribeRepos.Sync: '#sync',
        models.ComAtprotoSyncSubscribeRepos.Info: '#info',
    }.get(type(event), str(type(event)))
    if kind == '#info':
        received.append({'type': kind, 'name': event.name})
    else:
        did = getattr(event, 'repo', None) or getattr(event, 'did', None)
        received.append({'seq': event.seq, 'type': kind, 'did': did, 'time': event.time})
    if len([r for r in received if r['type'] != '#info']) >= count:
        client.stop()


client.start(on_message)
print(json.dumps(received))
