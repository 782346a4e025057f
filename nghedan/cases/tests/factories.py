"""Cases for tests, made through the same action as every channel."""

from nghedan.cases import actions
from nghedan.cases.models import Category, Kind
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
