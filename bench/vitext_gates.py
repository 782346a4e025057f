#!/usr/bin/env python3
"""What the Analyzer answers and what it withholds, model by model, on texts of every kind,
in docs/benchmarks.md.

    .venv/bin/python bench/vitext_gates.py --data ../shared/data [--no-write]

Each model learnt from one kind of text (students' feedback, comments under news, social-media
comments, news articles, weak labels of case fields). Its gate (linear.Gate, set by the
training command) withholds the label when a text is unlike that kind, too long for it, or when
the model is unsure. This reads each data set through the Analyzer and gives, per model, the
share of texts labelled; then the labels given to the demo's outside texts. Never run by the
test suite.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path
from typing import get_args

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import report  # noqa: E402

from nghedan.vitext.analyzer import CLASSIFIERS, Analyzer  # noqa: E402
from nghedan.vitext.result import WithheldReason  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO_TEXTS = ROOT / "nghedan" / "insight" / "fixtures" / "demo_texts.jsonl"
CASE_TEXTS = ROOT / "nghedan" / "vitext" / "evalsets" / "category_cases.jsonl"
SAMPLE = 1000  # texts read from each large file (its first ones)
REASONS = get_args(WithheldReason)


def first_texts(path: Path, limit: int | None = SAMPLE) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    texts = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                texts.append(json.loads(line)["text"])
            if limit and len(texts) >= limit:
                break
    return texts


def corpora(data: Path) -> dict[str, list[str]]:
    return {
        "UIT-VSFC dev (students' feedback)": first_texts(data / "uit_vsfc" / "dev.jsonl.gz"),
        "ViCTSD valid (comments under news)": first_texts(data / "victsd" / "valid.jsonl.gz"),
        "ViHSD dev (social-media comments)": first_texts(data / "vihsd" / "dev.jsonl.gz"),
        "VNTC (news articles)": first_texts(data / "vntc" / "train.jsonl.gz"),
        "tc201805 (news title and summary)": first_texts(data / "tc201805" / "train.jsonl.gz"),
        "demo outside texts (news, comments, reports)": first_texts(DEMO_TEXTS, None),
        "case evaluation set (citizens' petitions)": first_texts(CASE_TEXTS, None),
    }


def answered_row(name: str, results: list, fields: list[str]) -> str:
    cells = []
    for field in fields:
        given = sum(1 for r in results if getattr(r, field) is not None)
        reasons = Counter(w.reason for r in results for w in r.withheld if w.field == field)
        why = ", ".join(
            f"{reason.replace('_', ' ')} {reasons[reason] / len(results):.1%}"
            for reason in REASONS
            if reasons[reason]
        )
        cells.append(f"{given / len(results):.0%}" + (f" ({why})" if why else ""))
    return f"| {name} | {len(results):,} | " + " | ".join(cells) + " |"


def demo_labels(results: list, fields: list[str]) -> list[str]:
    lines = [
        "| model | labels given to the demo's outside texts | the same without the gates |",
        "|---|---|---|",
    ]
    for field in fields:
        given = Counter(getattr(r, field).name for r in results if getattr(r, field) is not None)
        would = given + Counter(w.label for r in results for w in r.withheld if w.field == field)
        withheld = sum(1 for r in results if getattr(r, field) is None)
        shown = f"{_counts(given) or '–'}; withheld {withheld}"
        lines.append(f"| {field} | {shown} | {_counts(would)} |")
    return lines


def _counts(counter: Counter) -> str:
    return ", ".join(f"{label} {count}" for label, count in counter.most_common())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    analyzer = Analyzer(extractors=False)
    fields = [name for name in CLASSIFIERS if name in analyzer.model_names]
    lines = [
        "## Vitext answers and withheld labels (bench/vitext_gates.py)",
        "",
        f"Measured {report.now()} on {report.machine()}. Each cell: the share of texts the model "
        "labels, then the shares withheld as unfamiliar, too long or unsure (see each model "
        f"card). Large files: their first {SAMPLE:,} texts.",
        "",
        "| texts | rows | " + " | ".join(fields) + " |",
        "|---|---:|" + "---:|" * len(fields),
    ]
    demo: list = []
    for name, texts in corpora(args.data).items():
        results = analyzer.analyze_many(texts)
        lines.append(answered_row(name, results, fields))
        print(lines[-1], file=sys.stderr)
        if name.startswith("demo"):
            demo = results
    lines += ["", *demo_labels(demo, fields)]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        report.write_section("vitext-gates", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
