from django.core.management.base import BaseCommand
from django.db import transaction

from nghedan.audit.chain import record
from nghedan.cases.models import SecretIdentity
from nghedan.lib import crypto


class Command(BaseCommand):
    help = (
        "Mã hóa lại danh tính người tố cáo bằng khóa mới nhất / Re-encrypt denouncers' "
        "identities with the newest key in NGHEDAN_IDENTITY_KEYS."
    )

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for identity in SecretIdentity.objects.select_for_update().iterator():
                identity.ciphertext = crypto.rotate(identity.ciphertext)
                identity.save(update_fields=["ciphertext"])
                count += 1
            record("rotate_identity_keys", "cases.identity_rotation", ("cases.secretidentity", "*"),
                   count=count)  # fmt: skip
        self.stdout.write(
            f"Đã mã hóa lại {count} danh tính. Có thể bỏ khóa cũ khỏi NGHEDAN_IDENTITY_KEYS. "
            f"/ Re-encrypted {count} identities; the old key may now be removed."
        )
