"""The atproto SDK at a relay an account has just moved to: log in, then list every record.

argv: base_url handle password did collection...
stdout: {"did": ..., "records": {"<collection>/<rkey>": <value json>}, "pds": <service endpoint of the session's DID doc>}
"""
import json
import sys

from atproto import Client
from atproto_client.request import Request

base, handle, password, did, *collections = sys.argv[1:]
client = Client(base_url=base.rstrip('/'), request=Request(timeout=120))
client.login(handle, password, fetch_bsky_profile=False)
session = client.com.atproto.server.get_session()
if session.did != did or session.active is False:
    print(f'FAILED: logged in as {session.did} (active {session.active}), expected {did}', file=sys.stderr)
    sys.exit(1)
records = {}
for collection in collections:
    cursor = None
    while True:
        page = client.com.atproto.repo.list_records({'repo': did, 'collection': collection, 'limit': 100, 'cursor': cursor})
        for record in page.records:
            rkey = record.uri.split('/')[-1]
            records[f'{collection}/{rkey}'] = json.loads(json.dumps(record.value.model_dump(by_alias=True, exclude_none=True)
                                                                    if hasattr(record.value, 'model_dump') else record.value, default=str))
        cursor = page.cursor
        if not cursor or not page.records:
            break
print(json.dumps({'did': session.did, 'records': records}))
