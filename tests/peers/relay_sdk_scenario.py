"""The issue's SDK scenario against a dpds relay run as a child process, in phases so the test can
RESTART the relay between them (state carried in a JSON file):

  write  : create account, log in, post, like, upload an image and post it embedded, 4 more posts
  read   : (after a restart) session survives, getRecord, getBlob, listRecords paged both ways,
           putRecord + stale swapRecord -> InvalidSwap, deleteRecord, refreshSession
  verify : (after a restart) sync.getRepo to CAR_OUT (the test checks it with atmst/cbrrr against the
           key in the DID document, printed here), the SDK firehose client sees every #commit in seq
           order with the right ops and blobs, a reconnect with a cursor replays exactly the rest,
           deleteSession revokes the refresh token.

Usage: relay_sdk_scenario.py BASE_URL STATE_FILE PHASE [CAR_OUT]"""
import base64
import json
import os
import sys

import httpx
from atproto import CAR, FirehoseSubscribeReposClient, models, parse_subscribe_repos_message

from relay_sdk_common import check, client_for, create_and_login, error_of, finish, login

base, state_file, phase = sys.argv[1].rstrip('/'), sys.argv[2], sys.argv[3]
state = json.load(open(state_file)) if os.path.exists(state_file) else {}
NOW = '2026-01-01T00:00:00.000Z'
POST = 'app.bsky.feed.post'
LIKE = 'app.bsky.feed.like'
# An 8x8 PNG is not needed: the relay keeps bytes and mime type as given; these bytes are a PNG header.
IMAGE = b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 4


def save():
    with open(state_file, 'w') as f:
        json.dump(state, f)


def rkey(uri):
    return uri.rsplit('/', 1)[1]


if phase == 'write':
    client = create_and_login(base, 'scenario.test', email='scenario@example.com')
    did = client._session.did
    check('account.did', did.startswith('did:'), did)
    repo = client.com.atproto.repo
    ops = []

    def create(collection, record):
        made = repo.create_record(models.ComAtprotoRepoCreateRecord.Data(repo=did, collection=collection, record=record))
        ops.append(['create', f'{collection}/{rkey(made.uri)}'])
        return made

    post = create(POST, models.AppBskyFeedPost.Record(text='hello from the SDK scenario', created_at=NOW))
    like = create(LIKE, models.AppBskyFeedLike.Record(
        subject=models.ComAtprotoRepoStrongRef.Main(uri=post.uri, cid=post.cid), created_at=NOW))
    uploaded = client.com.atproto.repo.upload_blob(IMAGE, headers={'Content-Type': 'image/png'})
    check('uploadBlob.mime', uploaded.blob.mime_type == 'image/png' and uploaded.blob.size == len(IMAGE))
    image_post = create(POST, models.AppBskyFeedPost.Record(
        text='a picture', created_at=NOW,
        embed=models.AppBskyEmbedImages.Main(images=[models.AppBskyEmbedImages.Image(alt='bytes', image=uploaded.blob)])))
    for i in range(4):
        create(POST, models.AppBskyFeedPost.Record(text=f'post {i}', created_at=NOW))
    state.update(did=did, session=client.export_session_string(), post=[post.uri, post.cid], like=like.uri,
                 image_post=image_post.uri, blob=uploaded.blob.ref.link, ops=ops)
    save()
    finish(did=did)

elif phase == 'read':
    did = state['did']
    client = login(base, session_string=state['session'])
    check('session.survivesRestart', client.com.atproto.server.get_session().did == did)
    repo = client.com.atproto.repo
    post_uri, post_cid = state['post']
    got = repo.get_record(models.ComAtprotoRepoGetRecord.Params(repo=did, collection=POST, rkey=rkey(post_uri)))
    check('getRecord', got.cid == post_cid and got.value.text == 'hello from the SDK scenario')
    pic = repo.get_record(models.ComAtprotoRepoGetRecord.Params(repo=did, collection=POST, rkey=rkey(state['image_post'])))
    check('getRecord.embed', pic.value.embed.images[0].image.ref.link == state['blob'])
    blob = client.com.atproto.sync.get_blob(models.ComAtprotoSyncGetBlob.Params(did=did, cid=state['blob']))
    check('getBlob.bytes', blob == IMAGE)

    def pages(reverse):
        uris, cursor, count = [], None, 0
        while True:
            page = repo.list_records(models.ComAtprotoRepoListRecords.Params(
                repo=did, collection=POST, limit=2, cursor=cursor, reverse=reverse))
            uris += [r.uri for r in page.records]
            count += 1
            cursor = page.cursor
            if not cursor:
                return uris, count
    forward, n_forward = pages(False)
    backward, n_backward = pages(True)
    check('listRecords.forward', len(forward) == 6 and n_forward >= 3, forward)
    check('listRecords.backward', backward == list(reversed(forward)) and n_backward >= 3)

    edited = models.AppBskyFeedPost.Record(text='edited', created_at=NOW)
    put = repo.put_record(models.ComAtprotoRepoPutRecord.Data(
        repo=did, collection=POST, rkey=rkey(post_uri), record=edited, swap_record=post_cid))
    check('putRecord', put.cid != post_cid)
    check('putRecord.staleSwap', error_of(lambda: repo.put_record(models.ComAtprotoRepoPutRecord.Data(
        repo=did, collection=POST, rkey=rkey(post_uri), record=edited, swap_record=post_cid))) == (400, 'InvalidSwap'))
    repo.delete_record(models.ComAtprotoRepoDeleteRecord.Data(repo=did, collection=LIKE, rkey=rkey(state['like'])))
    check('deleteRecord', error_of(lambda: repo.get_record(models.ComAtprotoRepoGetRecord.Params(
        repo=did, collection=LIKE, rkey=rkey(state['like'])))) == (400, 'RecordNotFound'))
    state['ops'] += [['update', f'{POST}/{rkey(post_uri)}'], ['delete', f'{LIKE}/{rkey(state["like"])}']]

    old_refresh = client._session.refresh_jwt
    refreshed = client._refresh_and_set_session()
    check('refreshSession', refreshed.refresh_jwt != old_refresh)
    state['session'] = client.export_session_string()
    save()
    finish(did=did)

elif phase == 'verify':
    did = state['did']
    client = login(base, session_string=state['session'])
    check('refreshedSession.survivesRestart', client.com.atproto.server.get_session().did == did)
    # The DID document as this PDS serves it (describeRepo), raw: the SDK types it as unknown.
    described = httpx.get(f'{base}/xrpc/com.atproto.repo.describeRepo', params={'repo': did}, timeout=120).json()
    methods = described['didDoc']['verificationMethod']
    key = 'did:key:' + next(m['publicKeyMultibase'] for m in methods if m['id'].endswith('#atproto'))
    car_bytes = client.com.atproto.sync.get_repo(models.ComAtprotoSyncGetRepo.Params(did=did))
    with open(sys.argv[4], 'wb') as f:
        f.write(car_bytes)
    latest = client.com.atproto.sync.get_latest_commit(models.ComAtprotoSyncGetLatestCommit.Params(did=did))
    check('getRepo.root', str(CAR.from_bytes(car_bytes).root) == latest.cid)

    ws_base = base.replace('http://', 'ws://') + '/xrpc'
    expected_commits = 1 + len(state['ops'])   # genesis, then one commit per write

    def follow(cursor):
        events = []
        firehose = FirehoseSubscribeReposClient({'cursor': cursor}, base_uri=ws_base, recv_timeout=60)

        def on_message(message):
            event = parse_subscribe_repos_message(message)
            entry = {'seq': event.seq, 'type': type(event).__name__}
            if isinstance(event, models.ComAtprotoSyncSubscribeRepos.Commit) and event.repo == did:
                entry['ops'] = [[op.action, op.path] for op in event.ops]
                entry['blobs'] = [str(b) for b in event.blobs]
                entry['commit'] = str(event.commit)
            events.append(entry)
            if len([e for e in events if 'ops' in e]) >= expected_commits - (0 if cursor == 0 else state['skip']):
                firehose.stop()

        firehose.start(on_message)
        return events

    everything = follow(0)
    seqs = [e['seq'] for e in everything]
    check('firehose.seqOrder', seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs)
    commits = [e for e in everything if 'ops' in e]
    check('firehose.genesis', commits[0]['ops'] == [])
    check('firehose.ops', [c['ops'][0] for c in commits[1:]] == state['ops'], [c['ops'] for c in commits])
    image = [c for c in commits if c['ops'] and c['ops'][0][1] == f'{POST}/{rkey(state["image_post"])}']
    check('firehose.blobs', image[0]['blobs'] == [state['blob']], image)
    check('firehose.head', commits[-1]['commit'] == latest.cid)

    middle = commits[len(commits) // 2]['seq']
    state['skip'] = len([c for c in commits if c['seq'] <= middle])
    resumed = follow(middle)
    check('firehose.resume', [e['seq'] for e in resumed] == [s for s in seqs if s > middle],
          ([e['seq'] for e in resumed], seqs, middle))

    refresh = client._session.refresh_jwt
    check('deleteSession', client.com.atproto.server.delete_session(
        headers={'Authorization': f'Bearer {refresh}'}, ignore_session_check=True) is True)
    check('deleteSession.revoked', error_of(lambda: client.com.atproto.server.refresh_session(
        headers={'Authorization': f'Bearer {refresh}'}, ignore_session_check=True)) is not None)
    finish(did=did, key=key, records=6, commits=len(commits))
