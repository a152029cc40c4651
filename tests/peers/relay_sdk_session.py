"""Account and session lifecycle against a dpds relay, driven by the PyPI `atproto` SDK.

Usage: relay_sdk_session.py BASE_URL
Exits non-zero on the first failed check; prints a JSON summary of what it checked on success.
"""
import json
import sys
import warnings

import httpx
from atproto import Client, models
from atproto_client import exceptions
from atproto_client.request import Request

from relay_sdk_common import check, checks, client_for

base = sys.argv[1].rstrip('/')


def xrpc_error(call):
    """Runs `call`, which must fail; returns (status, error name, message)."""
    try:
        call()
    except exceptions.RequestErrorBase as e:
        content = e.response.content
        return e.response.status_code, getattr(content, 'error', None), getattr(content, 'message', None)
    print('FAILED: call unexpectedly succeeded', file=sys.stderr)
    sys.exit(1)


client = client_for(base)

# describeServer
desc = client.com.atproto.server.describe_server()
check('describeServer.did', desc.did.startswith('did:web:'), desc.did)
check('describeServer.domains', desc.available_user_domains == ['.test'], desc.available_user_domains)
check('describeServer.invites', desc.invite_code_required is False)

# createAccount
password = 'correct horse battery staple'
created = client.com.atproto.server.create_account(
    models.ComAtprotoServerCreateAccount.Data(handle='alice.test', password=password, email='alice@example.com')
)
check('createAccount.did', created.did.startswith('did:plc:') and len(created.did) == 32, created.did)
check('createAccount.handle', created.handle == 'alice.test')
check('createAccount.tokens', created.access_jwt.count('.') == 2 and created.refresh_jwt.count('.') == 2)

status, error, _ = xrpc_error(lambda: client.com.atproto.server.create_account(
    models.ComAtprotoServerCreateAccount.Data(handle='alice.test', password=password)))
check('createAccount.duplicate', (status, error) == (400, 'HandleNotAvailable'), (status, error))
status, error, _ = xrpc_error(lambda: client.com.atproto.server.create_account(
    models.ComAtprotoServerCreateAccount.Data(handle='bob.example.com', password=password)))
check('createAccount.unsupportedDomain', (status, error) == (400, 'UnsupportedDomain'), (status, error))
status, error, _ = xrpc_error(lambda: client.com.atproto.server.create_account(
    models.ComAtprotoServerCreateAccount.Data(handle='b.test', password=password)))
check('createAccount.shortHandle', (status, error) == (400, 'InvalidHandle'), (status, error))

# createSession through the SDK's own login (its profile fetch meets 501 and is skipped)
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    client.login('alice.test', password)
check('login.session', client._session is not None and client._session.did == created.did)
status, error, _ = xrpc_error(lambda: Client(base_url=base, request=Request(timeout=120)).login('alice.test', 'wrong password', fetch_bsky_profile=False))
check('createSession.wrongPassword', (status, error) == (401, 'AuthenticationRequired'), (status, error))
by_email = Client(base_url=base, request=Request(timeout=120))
by_email.login('alice@example.com', password, fetch_bsky_profile=False)
check('createSession.byEmail', by_email._session.did == created.did)

# getSession
session = client.com.atproto.server.get_session()
check('getSession', session.did == created.did and session.handle == 'alice.test' and session.active is True)

# getServiceAuth: an ES256K JWT signed by the account key, verified with the SDK's crypto
import base64 as _b64

service = client.com.atproto.server.get_service_auth(
    models.ComAtprotoServerGetServiceAuth.Params(aud='did:web:appview.test', lxm='app.bsky.feed.getTimeline'))
head_b64, payload_b64, sig_b64 = service.token.split('.')
unb64 = lambda s: _b64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
header, payload = json.loads(unb64(head_b64)), json.loads(unb64(payload_b64))
check('serviceAuth.claims', header == {'alg': 'ES256K', 'typ': 'JWT'} and payload['iss'] == created.did
      and payload['aud'] == 'did:web:appview.test' and payload['lxm'] == 'app.bsky.feed.getTimeline'
      and 0 < payload['exp'] - payload['iat'] <= 60, (header, payload))
status, error, _ = xrpc_error(lambda: client.com.atproto.server.get_service_auth(
    models.ComAtprotoServerGetServiceAuth.Params(aud='did:web:appview.test', exp=1)))
check('serviceAuth.badExpiration', (status, error) == (400, 'BadExpiration'), (status, error))

# refreshSession rotates: the old refresh token stops working
old_refresh = client._session.refresh_jwt
refreshed = client._refresh_and_set_session()
check('refreshSession.rotated', refreshed.refresh_jwt != old_refresh and refreshed.did == created.did)
status, error, _ = xrpc_error(lambda: client.com.atproto.server.refresh_session(
    headers={'Authorization': f'Bearer {old_refresh}'}, ignore_session_check=True))
check('refreshSession.reuseRejected', (status, error) == (400, 'InvalidToken'), (status, error))
check('getSession.afterRefresh', client.com.atproto.server.get_session().did == created.did)

# deleteSession revokes the refresh token
current_refresh = client._session.refresh_jwt
check('deleteSession', client.com.atproto.server.delete_session(
    headers={'Authorization': f'Bearer {current_refresh}'}, ignore_session_check=True) is True)
status, error, _ = xrpc_error(lambda: client.com.atproto.server.refresh_session(
    headers={'Authorization': f'Bearer {current_refresh}'}, ignore_session_check=True))
check('deleteSession.revoked', (status, error) == (400, 'InvalidToken'), (status, error))

# Error shapes, raw: status, JSON body with exactly error + message
http = httpx.Client(base_url=base, timeout=120)


def raw(method, path, **kw):
    r = http.request(method, path, **kw)
    body = r.json()
    check(f'shape {path}', set(body) == {'error', 'message'} and isinstance(body['message'], str), body)
    return r.status_code, body['error']


check('noAuth', raw('GET', '/xrpc/com.atproto.server.getSession') == (401, 'AuthRequired'))
check('badToken', raw('GET', '/xrpc/com.atproto.server.getSession',
                      headers={'Authorization': 'Bearer not.a.jwt'}) == (400, 'InvalidToken'))
check('refreshAsAccess', raw('GET', '/xrpc/com.atproto.server.getSession',
                             headers={'Authorization': f'Bearer {current_refresh}'}) == (400, 'InvalidToken'))
check('unknownMethod', raw('GET', '/xrpc/com.example.nothing') == (501, 'MethodNotImplemented'))
check('wrongHTTPMethod', raw('GET', '/xrpc/com.atproto.server.createSession') == (400, 'InvalidRequest'))
check('badJSON', raw('POST', '/xrpc/com.atproto.server.createSession', content=b'{nope',
                     headers={'Content-Type': 'application/json'}) == (400, 'InvalidRequest'))
check('missingField', raw('POST', '/xrpc/com.atproto.server.createSession', json={'identifier': 'alice.test'})
      == (400, 'InvalidRequest'))
health = http.get('/xrpc/_health')
check('health', health.status_code == 200 and health.json()['version'].startswith('dpds'))
wellknown = http.get('/.well-known/atproto-did', headers={'Host': 'alice.test'})
check('wellKnown', wellknown.status_code == 200 and wellknown.text == created.did, wellknown.text)
resolved = client.com.atproto.identity.resolve_handle(models.ComAtprotoIdentityResolveHandle.Params(handle='alice.test'))
check('resolveHandle', resolved.did == created.did)

print(json.dumps({'did': created.did, 'serviceToken': service.token, 'checks': checks}))
