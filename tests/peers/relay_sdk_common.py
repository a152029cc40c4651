"""What every relay_sdk_*.py script repeats: a checklist that fails loudly, XRPC error capture, and
an SDK client for a dpds relay (created account, logged in without the AppView profile lookup)."""
import json
import sys

from atproto import Client, models
from atproto_client import exceptions
from atproto_client.request import Request

checks = []


def check(name, condition, detail=''):
    """Records a passed check; on failure prints it to stderr and exits non-zero."""
    if not condition:
        print(f'FAILED: {name} {detail}', file=sys.stderr)
        sys.exit(1)
    checks.append(name)


def error_of(call):
    """Runs `call`; returns (status, error name) if it failed with an XRPC error, else None."""
    try:
        call()
    except exceptions.RequestErrorBase as e:
        return e.response.status_code, getattr(e.response.content, 'error', None)
    return None


def client_for(base):
    return Client(base_url=base.rstrip('/'), request=Request(timeout=120))


def create_and_login(base, handle, password=None, **account):
    """Creates `handle` on the relay and returns a client logged in as it."""
    password = password or 'pw-' + handle
    client = client_for(base)
    client.com.atproto.server.create_account(
        models.ComAtprotoServerCreateAccount.Data(handle=handle, password=password, **account))
    client.login(handle, password, fetch_bsky_profile=False)
    return client


def login(base, handle=None, password=None, session_string=None):
    client = client_for(base)
    if session_string:
        client.login(session_string=session_string, fetch_bsky_profile=False)
    else:
        client.login(handle, password or 'pw-' + handle, fetch_bsky_profile=False)
    return client


def finish(**extra):
    print(json.dumps({'checks': checks, **extra}))
