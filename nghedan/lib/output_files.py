"""The file a management command is asked to write."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def file_to_write(out: str) -> Path:
    """`out` as a path, refused with a clear message when its folder does not exist (before
    anything is read from the database or written)."""
    path = Path(out)
    if not path.parent.is_dir():
        raise CommandError(
            _("Không có thư mục %(folder)s: hãy tạo thư mục trước hoặc chọn đường dẫn khác.")
            % {"folder": path.parent}
        )
    return path
