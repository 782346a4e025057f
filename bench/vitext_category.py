#!/usr/bin/env python3
"""Case category (lĩnh vực): the weakly supervised model and the term-list rule, measured on
the team's hand-written case texts.

    .venv/bin/python bench/vitext_category.py [--models nghedan/vitext/models]
                                              [--train --data ../shared/data [--extra F.jsonl]]
                                              [--no-write]

Uses the committed `category` artifact of `--models`; with `--train` (or when there is none)
it trains one in memory with the project's trainer from `--data` (nothing is saved: the
`train` command of `python -m nghedan.vitext` does that).

The evaluation set, `nghedan/vitext/evalsets/category_cases.jsonl`, is small and written by
the Nghe Dân team (see its README): it measures how the weak supervision carries over to
texts shaped like cases, not how the model fares on real intake. Each text is scored as
written (a share is typed without diacritics or with abbreviations) and folded (every
diacritic removed). The baseline is the term-list rule alone (`TermLexicon.label`, "other"
when it abstains), on the same normalized text the model reads. Writes its section of
docs/benchmarks.md (unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import report  # noqa: E402

from nghedan.vitext import features  # noqa: E402
from nghedan.vitext.category_data import CATEGORIES, OTHER, TermLexicon  # noqa: E402
from nghedan.vitext.evaluation import Scores, score  # noqa: E402
from nghedan.vitext.linear import LinearModel, ModelSet  # noqa: E402
from nghedan.vitext.normalize import fold, normalize  # noqa: E402

ROOT = report.ROOT
EVALSET = ROOT / "nghedan" / "vitext" / "evalsets" / "category_cases.jsonl"
MODELS = ROOT / "nghedan" / "vitext" / "models"


def read_evalset() -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines()]
    return [row["text"] for row in rows], [row["label"] for row in rows]


def trained_model(data: Path, extra: list[Path]) -> tuple[LinearModel, str]:
    from nghedan.vitext.training import TASKS, train_task

    start = time.perf_counter()
    outcome = train_task(
        TASKS["category"], data, extra, log=lambda line: print(line, file=sys.stderr)
    )
    took = time.perf_counter() - start
    note = (
        f"trained in memory from `{data}` in {took:.0f} s ({outcome.chosen.kind} "
        f"{outcome.chosen.params}); weak-label dev split: accuracy {outcome.dev.accuracy:.4f}, "
        f"macro-F1 {outcome.dev.macro_f1:.4f}"
    )
    return outcome.model, note


def loaded_model(folder: Path) -> tuple[LinearModel, str]:
    model = LinearModel.load(folder, "category")
    card = json.loads((folder / "category.json").read_text(encoding="utf-8"))
    note = f"the artifact `{(folder / 'category.npz').relative_to(ROOT)}`"
    if card.get("command"):
        note += f" (`{card['command']}`)"
    dev = card.get("dev_scores") or {}
    if "accuracy" in dev:
        note += (
            f"; on its weak-label dev split: accuracy {dev['accuracy']:.4f}, "
            f"macro-F1 {dev.get('macro_f1', float('nan')):.4f}"
        )
    return model, note


def model_predictions(model: LinearModel, texts: list[str]) -> list[str]:
    rows = features.featurize([normalize(text) for text in texts])
    return [label for label, _p in ModelSet([model]).predict(rows)["category"]]


def rule_predictions(lexicon: TermLexicon, texts: list[str]) -> list[str]:
    return [lexicon.label(features.prepare(normalize(text))) or OTHER for text in texts]


def row(name: str, written: Scores, folded: Scores) -> str:
    return (
        f"| {name} | {written.accuracy:.1%} | {written.macro_f1:.3f} | "
        f"{folded.accuracy:.1%} | {folded.macro_f1:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--models", type=Path, default=MODELS)
    parser.add_argument("--train", action="store_true", help="train in memory from --data")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--extra", type=Path, action="append", default=[])
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    texts, truth = read_evalset()
    folded_texts = [fold(text) for text in texts]
    labels = list(CATEGORIES)
    lexicon = TermLexicon.load()
    rule = (
        score(truth, rule_predictions(lexicon, texts), labels),
        score(truth, rule_predictions(lexicon, folded_texts), labels),
    )
    has_artifact = (args.models / "category.npz").exists()
    if args.train or not has_artifact:
        model, note = trained_model(args.data, args.extra)
    else:
        model, note = loaded_model(args.models)
    predicted = model_predictions(model, texts)
    learnt = (
        score(truth, predicted, labels),
        score(truth, model_predictions(model, folded_texts), labels),
    )

    unaccented = [i for i, text in enumerate(texts) if text.isascii()]
    lines = [
        "## Case category (`bench/vitext_category.py`)",
        "",
        f"Measured {report.now()} on {report.machine()}.",
        "",
        f"- Evaluation set: `nghedan/vitext/evalsets/category_cases.jsonl`, {len(texts)} short",
        f"  case texts written by the Nghe Dân team, {len(texts) // len(labels)} per category,",
        f"  {len(unaccented)} of them typed without diacritics, some with abbreviations. Small and",
        "  not real intake: it shows whether weak supervision carries over to texts shaped like",
        "  cases; a 95% interval on an accuracy near 70% is about ±6 points.",
        f"- Model: {note}.",
        "- Baseline: the term-list rule alone (its category when its terms clearly dominate,",
        "  otherwise “other”). The term lists were written before the evaluation set and not",
        "  changed after seeing it; both come from the same team, which favours the rule.",
        "",
        "| classifier | accuracy as written | macro-F1 as written | accuracy folded | "
        "macro-F1 folded |",
        "|---|---:|---:|---:|---:|",
        row("term-list rule", *rule),
        row("category model", *learnt),
        "",
        "F1 per category (model, as written): "
        + ", ".join(f"{label} {learnt[0].f1[label]:.2f}" for label in labels)
        + ".",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        report.write_section("vitext_category", body)


if __name__ == "__main__":
    main()
