from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from nghedan.insight.actions import do_add_feed
from nghedan.insight.models import Text
from nghedan.lib.refusal import Refused


class Command(BaseCommand):
    help = (
        "Đăng ký một nguồn tin RSS/Atom: địa chỉ http(s) hoặc đường dẫn một tệp trên máy chủ. "
        "Tin được lấy ở lần chạy sweep_tasks kế tiếp. / Register an RSS/Atom feed: an http(s) "
        "address or the path of a file on the server. Fetched at the next sweep_tasks run."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="địa chỉ hoặc đường dẫn tệp / address or file path")
        parser.add_argument("--name", required=True, help="tên nguồn tin / the feed's name")
        parser.add_argument(
            "--kind", choices=Text.Kind.values, default=Text.Kind.NEWS,
            help="loại văn bản của nguồn / kind of the feed's texts",
        )  # fmt: skip

    def handle(self, *args, **options):
        url = options["url"].strip()
        web = url.lower().startswith(("http://", "https://"))
        if not web:
            path = Path(url).resolve()
            if not path.is_file():
                raise CommandError(
                    _("Không có tệp %(path)s; hãy ghi địa chỉ http(s) hoặc đường dẫn một tệp "
                      "RSS/Atom có thật.") % {"path": path}
                )  # fmt: skip
            url = str(path)
        try:
            feed = do_add_feed(
                "lệnh add_feed", name=options["name"], url=url, kind=options["kind"],
                allow_files=True,
            )  # fmt: skip
        except Refused as refusal:
            raise CommandError(refusal.message) from refusal
        self.stdout.write(
            _("Đã đăng ký nguồn tin #%(id)s “%(name)s”: %(url)s")
            % {"id": feed.pk, "name": feed.name, "url": feed.url}
        )
