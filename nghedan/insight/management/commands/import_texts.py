from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from nghedan.insight.actions import ImportOptions, Outcome, do_import_texts
from nghedan.insight.imports import FORMATS, detect_format, parse, read_news_directory
from nghedan.insight.models import Source, Text
from nghedan.lib.refusal import Refused
from nghedan.people.models import User

ITEMS_REFUSED = 1
FILE_REFUSED = 2


class Command(BaseCommand):
    help = (
        "Nhập văn bản từ bên ngoài: một tệp bài báo .txt (dòng đầu “date YYYY-MM”) hoặc cả "
        "thư mục các tệp đó, JSONL, CSV hoặc RSS/Atom. Mỗi văn bản chỉ lưu một lần. In kết quả "
        "từng dòng; thoát với mã 1 nếu có dòng bị từ chối, 2 nếu không nhập được tệp. / Import "
        "outside texts: a plain-text news file (first line “date YYYY-MM”) or a directory of "
        "them, JSONL, CSV or RSS/Atom. Each text is stored once. Prints each item's outcome; "
        "exits 1 if an item was refused, 2 if the file was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp hoặc thư mục cần nhập / file or directory")
        parser.add_argument(
            "--format", choices=FORMATS,
            help="định dạng; mặc định theo đuôi tệp / format; by default, the file's extension",
        )  # fmt: skip
        parser.add_argument(
            "--kind", choices=Text.Kind.values, default=Text.Kind.NEWS,
            help="loại văn bản khi dòng không ghi / kind of text when a line does not say",
        )  # fmt: skip
        parser.add_argument(
            "--source", default="", help="tên nguồn, ví dụ tên báo / source name, e.g. a paper"
        )
        parser.add_argument(
            "--as", dest="username",
            help="tên đăng nhập của người nhập (không bắt buộc) / username of the importer",
        )  # fmt: skip

    def handle(self, *args, **options):
        path = Path(options["path"])
        actor = self.actor(options["username"])
        try:
            parsed = self.read(path, options["format"])
            batch = do_import_texts(
                actor, parsed,
                ImportOptions(kind=options["kind"], source_name=options["source"],
                              source=Source.COMMAND, file_name=path.name),
            )  # fmt: skip
        except Refused as refusal:
            raise CommandError(refusal.message, returncode=FILE_REFUSED) from refusal
        for warning in batch.warnings:
            self.stdout.write(_("Chú ý: %(warning)s") % {"warning": warning})
        for row in batch.report:
            where = row["file"] or _("dòng %(line)s") % {"line": row["line"]}
            detail = f"#{row['text_id']}" if row["text_id"] else ""
            if row["reason"]:
                detail = f"{detail} {row['reason']}".strip()
            label = Outcome.LABELS.get(row["outcome"], row["outcome"])
            self.stdout.write(f"{where}: {label} · {detail}")
        self.stdout.write(
            _("Tổng cộng: đã nhập %(imported)s, đã cập nhật %(updated)s, đã có sẵn "
              "%(duplicates)s, bị từ chối %(refused)s.")
            % {"imported": batch.imported_count, "updated": batch.updated_count,
               "duplicates": batch.duplicate_count, "refused": batch.refused_count}
        )  # fmt: skip
        if batch.refused_count:
            raise CommandError(
                _("%(count)s văn bản bị từ chối: hãy sửa theo lý do trên rồi nhập lại; văn bản "
                  "đã có sẵn sẽ không bị lưu hai lần.") % {"count": batch.refused_count},
                returncode=ITEMS_REFUSED,
            )  # fmt: skip

    def actor(self, username: str | None):
        if not username:
            return "lệnh import_texts"
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(
                _("Không có người dùng đang hoạt động nào tên %(username)s.")
                % {"username": username},
                returncode=FILE_REFUSED,
            )
        return actor

    def read(self, path: Path, fmt: str | None):
        if path.is_dir():
            if fmt not in (None, "news"):
                raise Refused(
                    "bad_format", _("Một thư mục chỉ nhập được các tệp bài báo .txt (news).")
                )
            return read_news_directory(path)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise Refused(
                "unreadable",
                _("Không đọc được tệp %(path)s: %(error)s.")
                % {"path": path, "error": error.strerror},
            ) from error
        return parse(content, fmt or detect_format(path.name, content), path.name)
