"""Invite codes and account (de)activation against a dpds relay started with PDS_INVITE_REQUIRED=true,
driven by the PyPI `atproto` SDK. Usage: relay_sdk_accounts.py BASE_URL INVITE_CODE (one use)."""
import json
import sys

from atproto import Client, models
from atproto_client import exceptions
from atproto_client.request import Request

base, code = sys.argv[1].rstrip('/'), sys.argv[2]
checks = []


def check(name, condition, detail=''):
    if not condition:
        print(f'FAILED: {name} {detail}', file=sys.stderr)
        sys.exit(1)
    checks.append(name)


def error_of(call):
    try:
        call()
    except exceptions.RequestErrorBase as e:
        return e.response.status_code, getattr(e.response.content, 'error', None)
    return None


client = Client(base_url=base, request=Request(timeout=120))
check('describeServer.invites', client.com.atproto.server.describe_server().invite_code_required is True)


def create(handle, invite):
    return client.com.atproto.server.create_account(
        models.ComAtprotoServerCreateAccount.Data(handle=handle, password='pw-' + handle, invite_code=invite))


check('invite.missing', error_of(lambda: create('carol.test', None)) == (400, 'InvalidInviteCode'))
check('invite.bogus', error_of(lambda: create('carol.test', 'invite-bogus')) == (400, 'InvalidInviteCode'))
carol = create('carol.test', code)
check('invite.used', carol.handle == 'carol.test')
check('invite.exhausted', error_of(lambda: create('dave.test', code)) == (400, 'InvalidInviteCode'))

client.login('carol.test', 'pw-carol.test', fetch_bsky_profile=False)
client.com.atproto.server.deactivate_account(models.ComAtprotoServerDeactivateAccount.Data())
session = client.com.atproto.server.get_session()
check('deactivated', session.active is False and session.status == 'deactivated', session)
relogin = Client(base_url=base, request=Request(timeout=120))
relogin.login('carol.test', 'pw-carol.test', fetch_bsky_profile=False)
check('deactivated.canLogIn', relogin._session.did == carol.did)
client.com.atproto.server.activate_account()
session = client.com.atproto.server.get_session()
check('activated', session.active is True and session.status is None, session)

print(json.dumps({'did': carol.did, 'checks': checks}))
