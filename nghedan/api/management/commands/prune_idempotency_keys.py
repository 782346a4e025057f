from django.core.management.base import BaseCommand

from nghedan.api.idempotency import expiry, prune_idempotent_requests


class Command(BaseCommand):
    help = (
        "Xóa các khóa Idempotency-Key đã hết hạn (mặc định sau 24 giờ, NGHEDAN_IDEMPOTENCY_HOURS)."
    )

    def handle(self, *args, **options):
        deleted = prune_idempotent_requests()
        hours = int(expiry().total_seconds() // 3600)
        self.stdout.write(f"Đã xóa {deleted} khóa cũ hơn {hours} giờ.")
