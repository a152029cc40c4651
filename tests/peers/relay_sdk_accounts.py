"""Invite codes and account (de)activation against a dpds relay started with PDS_INVITE_REQUIRED=true,
driven by the PyPI `atproto` SDK. Usage: relay_sdk_accounts.py BASE_URL INVITE_CODE (one use)."""
import sys

from atproto import models

from relay_sdk_common import check, client_for, error_of, finish, login

base, code = sys.argv[1].rstrip('/'), sys.argv[2]
client = client_for(base)
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
relogin = login(base, 'carol.test')
check('deactivated.canLogIn', relogin._session.did == carol.did)
client.com.atproto.server.activate_account()
session = client.com.atproto.server.get_session()
check('activated', session.active is True and session.status is None, session)

finish(did=carol.did)
