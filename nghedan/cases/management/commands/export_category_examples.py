from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from nghedan.cases.category_examples import do_export_examples
from nghedan.lib.output_files import file_to_write


class Command(BaseCommand):
    help = (
        "Ghi các vụ việc đã được cán bộ phân loại lĩnh vực thành tệp JSONL để huấn luyện lại "
        "mô hình lĩnh vực: python -m nghedan.vitext train --task category --data … --extra TỆP. "
        "/ Write the cases whose field an officer set as JSONL for retraining the category model."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", help="tệp JSONL cần ghi / the JSONL file to write")

    def handle(self, *args, out, **options):
        path = file_to_write(out)
        count = do_export_examples("manage.py export_category_examples", path)
        self.stdout.write(
            _("Đã ghi %(count)s ví dụ vào %(path)s.") % {"count": count, "path": path}
        )
