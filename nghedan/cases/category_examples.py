"""Learning from officers: every case whose field (lĩnh vực) an officer confirmed or corrected
is a labelled example for the language engine's category model.

A correction ("reclassified") is the strongest signal: the engine or the citizen chose one
field and the officer who read the case chose another. A confirmation ("classified") counts
too. Denunciations are left out: their content is kept among as few people as possible.
"""

import json
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.db.models import Exists, OuterRef

from nghedan.audit.chain import record
from nghedan.cases.models import Case, CaseEvent, Kind

OFFICER_ACTIONS = ("classified", "reclassified")
MAX_TEXT = 4000  # the start of a long description says what it is about


def labelled_cases():
    by_officer = CaseEvent.objects.filter(
        case=OuterRef("pk"), action__in=OFFICER_ACTIONS, actor__isnull=False
    )
    corrected = CaseEvent.objects.filter(case=OuterRef("pk"), action="reclassified")
    return (
        Case.objects.exclude(kind=Kind.DENUNCIATION)
        .filter(Exists(by_officer))
        .annotate(corrected=Exists(corrected))
        .select_related("category")
        .only("pk", "title", "description", "category__code")
        .order_by("pk")
    )


def examples() -> Iterator[dict]:
    for case in labelled_cases().iterator(chunk_size=2000):
        yield {
            "text": f"{case.title}\n{case.description[:MAX_TEXT]}",
            "label": case.category.code,
            "source": "officer_correction" if case.corrected else "officer",
        }


@transaction.atomic
def do_export_examples(actor, path: Path) -> int:
    """Write the examples as JSONL (the format `python -m nghedan.vitext train --extra` reads);
    the export of case texts is itself recorded."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for example in examples():
            out.write(json.dumps(example, ensure_ascii=False) + "\n")
            count += 1
    record(actor, "case.export", ("cases.export", "category_examples"), path=str(path),
           count=count)  # fmt: skip
    return count
