from django.core.management.base import BaseCommand, CommandError

from nghedan.cases.demo import load_demo_cases
from nghedan.insight.demo import load_demo_texts
from nghedan.people.demo import DEMO_PASSWORD, load_demo, login_table
from nghedan.places.models import Commune


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu TP. Hồ Chí Minh / Load the Hồ Chí Minh City demo (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="In danh sách tài khoản mẫu / Print the demo logins",
        )

    def handle(self, *args, **options):
        if not Commune.objects.filter(province__code="79").exists():
            raise CommandError(
                "Chưa có dữ liệu địa danh. Hãy chạy `manage.py load_places` trước. "
                "/ Reference places are missing: run `manage.py load_places` first."
            )
        load_demo()
        load_demo_cases()
        load_demo_texts()
        if options["print_logins"]:
            self.stdout.write(f"Tài khoản mẫu (mật khẩu chung / shared password: {DEMO_PASSWORD})")
            for username, full_name, role in login_table():
                self.stdout.write(f"  {username:<22} {full_name:<18} {role}")
        elif options["verbosity"]:
            self.stdout.write("Đã nạp dữ liệu mẫu. / Demo data loaded.")
