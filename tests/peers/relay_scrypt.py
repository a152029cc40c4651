"""Checks a dpds password hash (`salt:hash`, hex) the way the reference PDS derives it:
scrypt(password, salt-as-text, N=16384, r=8, p=1, 64 bytes). Usage: relay_scrypt.py PASSWORD STORED"""
import hashlib
import sys

password, stored = sys.argv[1], sys.argv[2]
salt, expected = stored.split(':')
derived = hashlib.scrypt(password.encode(), salt=salt.encode(), n=16384, r=8, p=1, dklen=64).hex()
print('match' if derived == expected else f'mismatch {derived}')
