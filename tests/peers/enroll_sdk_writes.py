"""Enrolled writes through the PyPI `atproto` SDK against a dpds relay whose account is held by a
paired desktop. Usage: enroll_sdk_writes.py BASE_URL HANDLE PASSWORD PHASE, PHASE one of
  enrolled: createRecord, getRecord, listRecords, putRecord (good, then stale swapRecord ->
            InvalidSwap), deleteRecord -> RecordNotFound, sync.getRepo holds the edit;
  offline:  (the desktop is stopped) createRecord -> 503 DeviceOffline with Retry-After, while
            getRecord and listRecords still answer.
Prints {"checks": [...], "did": ..., "uris": [...]}."""
import sys

from atproto import CAR, models
from atproto_client import exceptions

from relay_sdk_common import check, error_of, finish, login

base, handle, password, phase = sys.argv[1].rstrip('/'), sys.argv[2], sys.argv[3], sys.argv[4]
client = login(base, handle, password)
did = client._session.did
repo = client.com.atproto.repo
NOW = '2026-11-25T12:00:00.000Z'


def post(text, rkey=None):
    return repo.create_record(models.ComAtprotoRepoCreateRecord.Data(
        repo=did, collection='app.bsky.feed.post', rkey=rkey,
        record={'$type': 'app.bsky.feed.post', 'text': text, 'createdAt': NOW}))


def get(rkey):
    return repo.get_record(models.ComAtprotoRepoGetRecord.Params(repo=did, collection='app.bsky.feed.post', rkey=rkey))


def listed():
    return repo.list_records(models.ComAtprotoRepoListRecords.Params(repo=did, collection='app.bsky.feed.post', limit=100))


if phase == 'enrolled':
    first = post('written through the relay, stored on the desktop')
    check('createRecord.uri', first.uri.startswith(f'at://{did}/app.bsky.feed.post/'), first.uri)
    check('createRecord.commit', first.commit is not None and first.commit.rev != '')
    rkey = first.uri.rsplit('/', 1)[1]
    got = get(rkey)
    check('getRecord.cid', got.cid == first.cid, (got.cid, first.cid))
    check('getRecord.text', got.value.text == 'written through the relay, stored on the desktop')
    second = post('second', rkey='3kzzzzzzzzz22')
    check('createRecord.rkey', second.uri.endswith('/3kzzzzzzzzz22'))
    check('createRecord.duplicate', error_of(lambda: post('again', rkey='3kzzzzzzzzz22')) == (400, 'InvalidSwap'))
    check('listRecords.both', {r.uri for r in listed().records} >= {first.uri, second.uri})

    stale = got.cid
    edited = repo.put_record(models.ComAtprotoRepoPutRecord.Data(
        repo=did, collection='app.bsky.feed.post', rkey=rkey, swap_record=stale,
        record={'$type': 'app.bsky.feed.post', 'text': 'edited on the desktop', 'createdAt': NOW}))
    check('putRecord.newCid', edited.cid != stale)
    check('putRecord.staleSwap', error_of(lambda: repo.put_record(models.ComAtprotoRepoPutRecord.Data(
        repo=did, collection='app.bsky.feed.post', rkey=rkey, swap_record=stale,
        record={'$type': 'app.bsky.feed.post', 'text': 'lost update', 'createdAt': NOW}))) == (400, 'InvalidSwap'))
    check('getRecord.edited', get(rkey).value.text == 'edited on the desktop')

    repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(repo=did, collection='app.bsky.feed.post',
                                                              rkey='3kzzzzzzzzz22'))
    check('deleteRecord.gone', error_of(lambda: get('3kzzzzzzzzz22')) == (400, 'RecordNotFound'))
    check('deleteRecord.missing', error_of(lambda: repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(
        repo=did, collection='app.bsky.feed.post', rkey='3kzzzzzzzzz22', swap_record=stale))) == (400, 'InvalidSwap'))

    latest = client.com.atproto.sync.get_latest_commit(models.ComAtprotoSyncGetLatestCommit.Params(did=did))
    car = CAR.from_bytes(client.com.atproto.sync.get_repo(models.ComAtprotoSyncGetRepo.Params(did=did)))
    check('sync.getRepo.root', str(car.root) == latest.cid, (str(car.root), latest.cid))
    check('sync.getRepo.edit', any(isinstance(b, dict) and b.get('text') == 'edited on the desktop' for b in car.blocks.values()))
    finish(did=did, uris=[r.uri for r in listed().records])
elif phase == 'offline':
    try:
        post('while the desktop sleeps')
        check('createRecord.offline', False, 'the write succeeded')
    except exceptions.RequestErrorBase as e:
        r = e.response
        check('createRecord.503', r.status_code == 503, r.status_code)
        check('createRecord.DeviceOffline', getattr(r.content, 'error', None) == 'DeviceOffline', r.content)
        check('createRecord.RetryAfter', r.headers.get('retry-after') == '30', r.headers)
    records = listed().records
    check('listRecords.offline', len(records) >= 1, len(records))
    check('getRecord.offline', get(records[0].uri.rsplit('/', 1)[1]).cid == records[0].cid)
    finish(did=did, uris=[r.uri for r in records])
else:
    sys.exit(f'unknown phase {phase}')
