from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from nghedan.insight.labels import FIELD_TITLES
from nghedan.insight.training_rows import do_export_labels
from nghedan.lib.output_files import file_to_write


class Command(BaseCommand):
    help = (
        "Ghi nhãn do phân tích viên gán cho một trường (sentiment, moderation, …) thành tệp "
        "JSONL để huấn luyện lại mô hình đó: python -m nghedan.vitext train --task TRƯỜNG "
        "--data … --extra TỆP. / Write the analysts' labels of one field as JSONL for "
        "retraining that field's model."
    )

    def add_arguments(self, parser):
        parser.add_argument("field", help=", ".join(FIELD_TITLES))
        parser.add_argument("out", help="tệp JSONL cần ghi / the JSONL file to write")

    def handle(self, *args, field, out, **options):
        if field not in FIELD_TITLES:
            raise CommandError(
                _("Không có trường “%(field)s”: hãy chọn một trong %(fields)s.")
                % {"field": field, "fields": ", ".join(FIELD_TITLES)}
            )
        path = file_to_write(out)
        count = do_export_labels("manage.py export_text_labels", field, path)
        self.stdout.write(_("Đã ghi %(count)s nhãn vào %(path)s.") % {"count": count, "path": path})
