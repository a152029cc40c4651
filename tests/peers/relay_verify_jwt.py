"""Verifies a JWT's signature with the atproto SDK's crypto. Usage: relay_verify_jwt.py DID_KEY TOKEN"""
import base64
import sys

from atproto_crypto.verify import verify_signature

did_key, token = sys.argv[1], sys.argv[2]
head, payload, sig = token.split('.')
signature = base64.urlsafe_b64decode(sig + '=' * (-len(sig) % 4))
print('valid' if verify_signature(did_key, f'{head}.{payload}'.encode(), signature) else 'invalid')
