"""Learning from analysts: every label an analyst gave a text is a training row for the
language engine's model of that field, in the format `python -m nghedan.vitext train --extra`
reads. The public training sets hold students' feedback, comments and news of other years;
these rows are the city's own texts, which those sets lack."""

import json
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from nghedan.audit.chain import record
from nghedan.insight.actions import engine_input
from nghedan.insight.models import AnalystLabel


def label_rows(field: str) -> Iterator[dict]:
    """One row per analyst's label of `field`: the text as the engine reads it, the label,
    and a comment's article title (read by the models of comments in their article)."""
    labels = AnalystLabel.objects.filter(field=field).select_related("text").order_by("pk")
    for label in labels.iterator(chunk_size=500):
        read = engine_input(label.text)
        row = {"text": read.text, "label": label.label, "source": "analyst"}
        if read.context:
            row["article_title"] = read.context
        yield row


@transaction.atomic
def do_export_labels(actor, field: str, path: Path) -> int:
    """Write the rows as JSONL; the export of the texts is itself recorded."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in label_rows(field):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    record(actor, "insight.export_labels", ("insight.export", field), path=str(path), count=count)
    return count
