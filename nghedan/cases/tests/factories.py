"""Cases for tests, made through the same action as every channel."""

from datetime import date
from pathlib import Path

from nghedan.cases import actions, counts, deadlines
from nghedan.cases.models import CaseDeadline, Category, Kind
from nghedan.places.models import Commune

SAI_GON = "26740"
DENOUNCER = {
    "submitter_name": "Trương Văn Bí Mật",
    "submitter_phone": "0912 345 678",
    "submitter_address": "18 Hẻm Kín, phường Sài Gòn",
}


def submit(kind=Kind.FEEDBACK, category="infrastructure", commune=SAI_GON, **fields):
    defaults = {
        "channel": "web",
        "title": "Ổ gà lớn trước số 12 Lê Lợi",
        "description": "Ổ gà sâu khoảng 20 cm, xe máy đã ngã hai lần trong tuần.",
        "submitter_name": "Nguyễn Văn An",
        "submitter_phone": "0909 123 456",
        "submitter_email": "an@example.vn",
        "submitter_address": "12 Lê Lợi, phường Sài Gòn",
    }
    return actions.do_submit_case(
        None,
        kind=kind,
        category=Category.objects.get(code=category),
        commune=Commune.objects.get(code=commune) if commune else None,
        **{**defaults, **fields},
    )


def set_due(case, due_on: date, **fields) -> None:
    """Move every deadline of the case to `due_on`, as time would, keeping the case's kept
    due date and counts right."""
    with counts.tracking(case.pk):
        CaseDeadline.objects.filter(case=case).update(due_on=due_on, **fields)
        deadlines.refresh_open_due(case)


def stored_files(media: Path) -> list[Path]:
    """The files stored under the test's media folder (the `media` fixture)."""
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []
