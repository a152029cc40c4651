"""Repo endpoints against a dpds relay, driven by the PyPI `atproto` SDK: post, like, get, list
(both ways, paged), putRecord with a stale swapRecord -> InvalidSwap, delete, describeRepo.
Usage: relay_sdk_repo.py BASE_URL [CAR_OUT]. Prints {"checks": [...], "did": ...}."""
import sys

from atproto import models

from relay_sdk_common import check, create_and_login, error_of, finish

base = sys.argv[1].rstrip('/')
client = create_and_login(base, 'bob.test', 'pw-bob')
did = client._session.did
repo = client.com.atproto.repo

NOW = '2026-01-01T00:00:00.000Z'


def create(collection, record):
    return repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=did, collection=collection, record={'$type': collection, 'createdAt': NOW, **record}))


# The SDK's send_post/like helpers need an app.bsky profile (AppView proxy, not here yet): plain repo calls.
post = create('app.bsky.feed.post', {'text': 'hello from dpds'})
check('post.uri', post.uri.startswith(f'at://{did}/app.bsky.feed.post/'), post.uri)
like = create('app.bsky.feed.like', {'subject': {'uri': post.uri, 'cid': post.cid}})
check('like.uri', like.uri.startswith(f'at://{did}/app.bsky.feed.like/'), like.uri)

rkey = post.uri.rsplit('/', 1)[1]
got = repo.get_record(models.ComAtprotoRepoGetRecord.Params(repo=did, collection='app.bsky.feed.post', rkey=rkey))
check('getRecord.cid', got.cid == post.cid)
check('getRecord.text', got.value.text == 'hello from dpds')
check('getRecord.missing', error_of(lambda: repo.get_record(models.ComAtprotoRepoGetRecord.Params(
    repo=did, collection='app.bsky.feed.post', rkey='nope'))) == (400, 'RecordNotFound'))

for i in range(4):
    create('app.bsky.feed.post', {'text': f'post {i}'})
forward, cursor = [], None
while True:
    page = repo.list_records(models.ComAtprotoRepoListRecords.Params(
        repo=did, collection='app.bsky.feed.post', limit=2, cursor=cursor))
    forward += [r.uri for r in page.records]
    cursor = page.cursor
    if not cursor:
        break
check('listRecords.count', len(forward) == 5, forward)
backward = repo.list_records(models.ComAtprotoRepoListRecords.Params(
    repo=did, collection='app.bsky.feed.post', limit=100, reverse=True))
check('listRecords.reverse', [r.uri for r in backward.records] == list(reversed(forward)))

stale = got.cid
updated = repo.put_record(models.ComAtprotoRepoPutRecord.Data(
    repo=did, collection='app.bsky.feed.post', rkey=rkey,
    record={'$type': 'app.bsky.feed.post', 'text': 'edited', 'createdAt': '2026-01-01T00:00:00.000Z'}, swap_record=stale))
check('putRecord.newCid', updated.cid != stale)
check('putRecord.staleSwap', error_of(lambda: repo.put_record(models.ComAtprotoRepoPutRecord.Data(
    repo=did, collection='app.bsky.feed.post', rkey=rkey,
    record={'$type': 'app.bsky.feed.post', 'text': 'again', 'createdAt': '2026-01-01T00:00:00.000Z'},
    swap_record=stale))) == (400, 'InvalidSwap'))

repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(
    repo=did, collection='app.bsky.feed.like', rkey=like.uri.rsplit('/', 1)[1]))
check('deleteRecord.gone', error_of(lambda: repo.get_record(models.ComAtprotoRepoGetRecord.Params(
    repo=did, collection='app.bsky.feed.like', rkey=like.uri.rsplit('/', 1)[1]))) == (400, 'RecordNotFound'))

described = repo.describe_repo(models.ComAtprotoRepoDescribeRepo.Params(repo='bob.test'))
check('describeRepo.did', described.did == did)
check('describeRepo.collections', 'app.bsky.feed.post' in described.collections, described.collections)

from atproto import CAR

latest = client.com.atproto.sync.get_latest_commit(models.ComAtprotoSyncGetLatestCommit.Params(did=did))
car_bytes = client.com.atproto.sync.get_repo(models.ComAtprotoSyncGetRepo.Params(did=did))
if len(sys.argv) > 2:  # for repo_atmst.py check-car (atmst + cbrrr + signature)
    with open(sys.argv[2], 'wb') as f:
        f.write(car_bytes)
car = CAR.from_bytes(car_bytes)
check('sync.getRepo.root', str(car.root) == latest.cid, (str(car.root), latest.cid))
check('sync.getRepo.hasPost', any(b.get('text') == 'edited' for b in car.blocks.values() if isinstance(b, dict)))
proof = CAR.from_bytes(client.com.atproto.sync.get_record(models.ComAtprotoSyncGetRecord.Params(
    did=did, collection='app.bsky.feed.post', rkey=rkey)))
check('sync.getRecord.root', str(proof.root) == latest.cid)
check('sync.getRecord.record', any(b.get('text') == 'edited' for b in proof.blocks.values() if isinstance(b, dict)))
check('sync.getRepo.missing', error_of(lambda: client.com.atproto.sync.get_repo(
    models.ComAtprotoSyncGetRepo.Params(did='did:plc:nobody'))) == (400, 'RepoNotFound'))

finish(did=did)
