from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from nghedan.cases.imports import FORMATS, import_file, rows_of
from nghedan.lib.refusal import Refused
from nghedan.people.models import Organization, User

ROWS_FAILED = 1
FILE_REFUSED = 2


class Command(BaseCommand):
    help = (
        "Nhập vụ việc từ tệp CSV, XLSX hoặc JSONL, mỗi dòng một vụ việc, dưới tên một cán bộ "
        "tiếp nhận, xử lý. In kết quả từng dòng; thoát với mã 1 nếu có dòng lỗi, 2 nếu không "
        "nhập được tệp. / Import cases from a CSV, XLSX or JSONL file, one case a row, as an "
        "officer who handles cases. Prints each row's outcome; exits 1 if a row failed, 2 if "
        "the file was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp cần nhập / the file to import")
        parser.add_argument(
            "--as", dest="username", required=True,
            help="tên đăng nhập của cán bộ nhập / username of the importing officer",
        )  # fmt: skip
        parser.add_argument(
            "--organization",
            help="mã cơ quan xử lý mọi vụ việc của tệp; mặc định theo quy tắc chuyển xử lý / "
            "code of the organization that handles every case; by default, the routing rules",
        )
        parser.add_argument(
            "--format", choices=FORMATS,
            help="định dạng tệp; mặc định theo đuôi tệp / file format; by default, its extension",
        )  # fmt: skip
        parser.add_argument(
            "--force", action="store_true",
            help="nhập cả khi tệp đã được nhập trước đây / import even if imported before",
        )  # fmt: skip

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp %(path)s: %(error)s.")
                % {"path": path, "error": error.strerror},
                returncode=FILE_REFUSED,
            ) from error
        actor = User.objects.filter(username=options["username"], is_active=True).first()
        if actor is None:
            raise CommandError(
                _("Không có người dùng đang hoạt động nào tên %(username)s.")
                % {"username": options["username"]},
                returncode=FILE_REFUSED,
            )
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(code=options["organization"]).first()
            if organization is None:
                raise CommandError(
                    _("Không có cơ quan nào mang mã %(code)s.") % {"code": options["organization"]},
                    returncode=FILE_REFUSED,
                )
        try:
            report = import_file(
                actor, content, filename=path.name, fmt=options["format"],
                organization=organization, force=options["force"],
            )  # fmt: skip
        except Refused as refusal:
            raise CommandError(refusal.message, returncode=FILE_REFUSED) from refusal
        for warning in report.warnings:
            self.stdout.write(_("Chú ý: %(warning)s") % {"warning": warning})
        for line, outcome, detail in rows_of(report):
            self.stdout.write(
                _("Dòng %(line)s: %(outcome)s · %(detail)s")
                % {"line": line, "outcome": outcome, "detail": detail}
            )
        self.stdout.write(
            _("Tổng cộng %(rows)s dòng: đã nhập %(created)s, lỗi %(failed)s, trùng "
              "%(duplicates)s. Mã kiểm tra của tệp (SHA-256): %(checksum)s.")
            % {"rows": len(report.rows), "created": report.created, "failed": report.failed,
               "duplicates": report.duplicates, "checksum": report.checksum}
        )
        if not report.ok:
            raise CommandError(
                _("%(failed)s dòng chưa nhập được: hãy sửa các dòng đó, chép vào một tệp mới "
                  "(giữ dòng tiêu đề) rồi nhập tệp mới.") % {"failed": report.failed},
                returncode=ROWS_FAILED,
            )
