"""Blob upload and fetch against a dpds relay, with the PyPI `atproto` SDK and raw httpx.

Usage: relay_blobs.py BASE_URL upload          -> {"did", "cid", "expected"} (blob still temporary)
       relay_blobs.py BASE_URL fetch DID CID   -> {"checks": [...]} (after the blob was referenced)
The relay must run with PDS_BLOB_UPLOAD_LIMIT=1000.
"""
import base64
import hashlib
import json
import sys

import httpx
from atproto import Client, models
from atproto_client import exceptions
from atproto_client.request import Request

base, mode = sys.argv[1].rstrip('/'), sys.argv[2]
IMAGE = b'\x89PNG\r\n\x1a\n' + bytes(range(200))
checks = []


def check(name, condition, detail=''):
    if not condition:
        print(f'FAILED: {name} {detail}', file=sys.stderr)
        sys.exit(1)
    checks.append(name)


def raw_cid(data):
    cid = b'\x01\x55\x12\x20' + hashlib.sha256(data).digest()
    return 'b' + base64.b32encode(cid).decode().lower().rstrip('=')


http = httpx.Client(base_url=base, timeout=120)

if mode == 'upload':
    client = Client(base_url=base, request=Request(timeout=120))
    client.com.atproto.server.create_account(
        models.ComAtprotoServerCreateAccount.Data(handle='blobby.test', password='pw-blobby'))
    client.login('blobby.test', 'pw-blobby', fetch_bsky_profile=False)
    uploaded = client.upload_blob(IMAGE)
    # The SDK sends no content type of its own choosing here; send one explicitly too.
    token = client._session.access_jwt
    r = http.post('/xrpc/com.atproto.repo.uploadBlob', content=IMAGE,
                  headers={'Authorization': f'Bearer {token}', 'Content-Type': 'image/png'})
    check('upload.status', r.status_code == 200, r.text)
    blob = r.json()['blob']
    check('upload.shape', blob['$type'] == 'blob' and blob['mimeType'] == 'image/png' and blob['size'] == len(IMAGE), blob)
    check('upload.sdk', uploaded.blob.ref.link == blob['ref']['$link'])
    big = http.post('/xrpc/com.atproto.repo.uploadBlob', content=b'x' * 1001,
                    headers={'Authorization': f'Bearer {token}', 'Content-Type': 'image/png'})
    check('upload.tooLarge', big.status_code == 413 and big.json()['error'] == 'PayloadTooLarge', big.text)
    noauth = http.post('/xrpc/com.atproto.repo.uploadBlob', content=IMAGE, headers={'Content-Type': 'image/png'})
    check('upload.noAuth', noauth.status_code == 401)
    temp = http.get('/xrpc/com.atproto.sync.getBlob', params={'did': client._session.did, 'cid': blob['ref']['$link']})
    check('getBlob.temporaryHidden', temp.status_code == 400 and temp.json()['error'] == 'BlobNotFound', temp.text)
    print(json.dumps({'did': client._session.did, 'cid': blob['ref']['$link'], 'expected': raw_cid(IMAGE), 'checks': checks}))
else:
    did, cid = sys.argv[3], sys.argv[4]
    r = http.get('/xrpc/com.atproto.sync.getBlob', params={'did': did, 'cid': cid})
    check('getBlob.status', r.status_code == 200, r.text)
    check('getBlob.bytes', r.content == IMAGE)
    check('getBlob.mime', r.headers['content-type'] == 'image/png', r.headers)
    check('getBlob.csp', "default-src 'none'" in r.headers.get('content-security-policy', ''), r.headers)
    check('getBlob.nosniff', r.headers.get('x-content-type-options') == 'nosniff')
    sdk = Client(base_url=base, request=Request(timeout=120)).com.atproto.sync.get_blob(models.ComAtprotoSyncGetBlob.Params(did=did, cid=cid))
    check('getBlob.sdk', sdk == IMAGE)
    listed = Client(base_url=base, request=Request(timeout=120)).com.atproto.sync.list_blobs(models.ComAtprotoSyncListBlobs.Params(did=did))
    check('listBlobs', listed.cids == [cid], listed.cids)
    bad = http.get('/xrpc/com.atproto.sync.getBlob', params={'did': did, 'cid': 'bnotacid'})
    check('getBlob.badCid', bad.status_code == 400 and bad.json()['error'] == 'InvalidRequest')
    print(json.dumps({'checks': checks}))
