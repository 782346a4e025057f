"""Encryption at rest for secret fields (a denouncer's identity).

Fernet (AES-128-CBC with HMAC-SHA256). NGHEDAN_IDENTITY_KEYS holds the keys, newest first:
the first encrypts, every one decrypts, so a new key can be put in front and the old rows
re-encrypted (`rotate`) before the old key is removed.
"""

import base64
import hashlib
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _trial_key() -> bytes:
    # Without configured keys (a trial on one machine), a key derived from the secret key.
    digest = hashlib.sha256(b"nghedan-identity:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys] or [Fernet(_trial_key())])


def keyring() -> MultiFernet:
    return _keyring(tuple(settings.IDENTITY_KEYS))


def seal(data: dict) -> str:
    return keyring().encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def unseal(token: str) -> dict:
    try:
        return json.loads(keyring().decrypt(token.encode()))
    except InvalidToken:
        raise ValueError(
            "Không giải mã được: thiếu khóa cũ trong NGHEDAN_IDENTITY_KEYS. "
            "/ Cannot decrypt: an older key is missing from NGHEDAN_IDENTITY_KEYS."
        ) from None


def rotate(token: str) -> str:
    return keyring().rotate(token.encode()).decode()
