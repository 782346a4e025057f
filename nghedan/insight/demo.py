"""Texts from outside for the Hồ Chí Minh City demo: short news items, readers' comments and
grassroots reports written for the demo (fixtures/demo_texts.jsonl), so that the analysts'
page has something to read from the first start.

They go in through the same import action as a real file, so they are audited and annotated
in the background like any import. Each line gives its date as a number of days before the
day of loading (`days_ago`), so the demo always shows the last few months. Loading twice adds
nothing: texts already stored are left out, and with none missing no import is made.
"""

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from nghedan.insight.actions import ImportOptions, do_import_texts
from nghedan.insight.fingerprints import body_digest
from nghedan.insight.imports import parse
from nghedan.insight.models import ImportBatch, Source, Text

DEMO_TEXTS = Path(__file__).resolve().parent / "fixtures" / "demo_texts.jsonl"
DEMO_ACTOR = "dữ liệu mẫu"
DEMO_SOURCE = "Dữ liệu mẫu Nghe Dân"


def demo_items(today: date) -> list[dict[str, Any]]:
    """The demo file's items, each dated `days_ago` days before `today`, oldest first: the
    list page shows the last imported first, so the newest come at the top."""
    items = []
    for line in DEMO_TEXTS.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        days_ago = int(item.pop("days_ago", 0))
        item["date"] = (today - timedelta(days=days_ago)).isoformat()
        items.append(item)
    return sorted(items, key=lambda item: item["date"])


def load_demo_texts(today: date | None = None) -> ImportBatch | None:
    """Import the demo texts not stored yet; the batch, or None when all were there."""
    items = demo_items(today or timezone.localdate())
    stored = set(
        Text.objects.filter(
            body_digest__in=[body_digest(item["text"]) for item in items]
        ).values_list("body_digest", flat=True)
    )
    missing = [item for item in items if body_digest(item["text"]) not in stored]
    if not missing:
        return None
    content = "\n".join(json.dumps(item, ensure_ascii=False) for item in missing)
    parsed = parse(content.encode("utf-8"), "jsonl", DEMO_TEXTS.name)
    options = ImportOptions(
        kind=Text.Kind.NEWS, source_name=DEMO_SOURCE, source=Source.COMMAND,
        file_name=DEMO_TEXTS.name,
    )  # fmt: skip
    return do_import_texts(DEMO_ACTOR, parsed, options)
