from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from nghedan.insight.actions import ANNOTATION_CHUNK, do_annotate_texts
from nghedan.insight.models import Text


class Command(BaseCommand):
    help = (
        "Phân tích (lại) văn bản bằng bộ phân tích tiếng Việt, ngay tại đây: --missing những "
        "văn bản chưa phân tích (mặc định), --all mọi văn bản (sau khi huấn luyện lại mô hình). "
        "/ (Re)annotate texts with the language engine, here and now: --missing those never "
        "annotated (the default), --all every text (after the models were retrained)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="mọi văn bản / every text")
        which.add_argument(
            "--missing", action="store_true", help="văn bản chưa phân tích / not yet annotated"
        )

    def handle(self, *args, **options):
        texts = Text.objects.order_by("pk")
        if not options["all"]:
            texts = texts.filter(annotation__isnull=True)
        ids = list(texts.values_list("pk", flat=True))
        done = 0
        try:
            for start in range(0, len(ids), ANNOTATION_CHUNK):
                done += do_annotate_texts(ids[start : start + ANNOTATION_CHUNK])
                self.stdout.write(_("Đã phân tích %(done)s/%(total)s văn bản.")
                                  % {"done": done, "total": len(ids)})  # fmt: skip
        except ImportError as error:
            raise CommandError(
                _("Chưa có bộ phân tích tiếng Việt (nghedan.vitext): %(error)s.") % {"error": error}
            ) from error
        if not ids:
            self.stdout.write(_("Không có văn bản nào cần phân tích."))
