"""A denouncer's identity survives a key rotation, and an old key can then be retired."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from nghedan.cases.models import Kind, SecretIdentity
from nghedan.cases.tests.factories import DENOUNCER, submit
from nghedan.lib import crypto

pytestmark = pytest.mark.django_db


def test_rotation_re_encrypts_with_the_newest_key(demo, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.IDENTITY_KEYS = [old]
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    settings.IDENTITY_KEYS = [new, old]
    call_command("rotate_identity_keys", verbosity=0)
    settings.IDENTITY_KEYS = [new]
    sealed = SecretIdentity.objects.get(case=case).ciphertext
    assert crypto.unseal(sealed)["name"] == DENOUNCER["submitter_name"]


def test_without_the_old_key_the_identity_cannot_be_read(demo, settings):
    settings.IDENTITY_KEYS = [Fernet.generate_key().decode()]
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    settings.IDENTITY_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="thiếu khóa cũ"):
        crypto.unseal(SecretIdentity.objects.get(case=case).ciphertext)
