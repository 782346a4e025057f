#!/usr/bin/env python3
"""Every Vitext task's score on its dev split, beside the baseline, in docs/benchmarks.md.

    .venv/bin/python bench/vitext_scores.py --data ../shared/data [--tasks topic,sentiment]
                                            [--no-baseline] [--no-write]

For each task: the committed model (nghedan/vitext/models) scored on the task's dev split
(the same split as in its model card), on the same texts typed without diacritics, and the
baseline. A model that reads a comment with its article's title is scored as the Analyzer
applies it (in place of the plain model, where its context policy allows), and the
baseline of the issue trained on the same train split: TF-IDF over syllable 1-2 grams with a
linear SVM (scikit-learn, used here only). Writes its section of docs/benchmarks.md (unless
--no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import report  # noqa: E402

from nghedan.vitext.analyzer import FIELD_OF_IN_ARTICLE, MODELS_DIR, Analyzer  # noqa: E402
from nghedan.vitext.evaluation import Scores, score  # noqa: E402
from nghedan.vitext.features import featurize  # noqa: E402
from nghedan.vitext.linear import LinearModel, ModelSet, available  # noqa: E402
from nghedan.vitext.normalize import fold, normalize  # noqa: E402
from nghedan.vitext.training import TASKS, Split, labels_of  # noqa: E402

TARGETS = {
    "topic": "accuracy ≥ 0.95",
    "sentiment": "accuracy ≥ 0.92",
    "toxicity": "macro-F1 ≥ 0.72",
    "constructiveness": "macro-F1 ≥ 0.82",
    "constructiveness_in_article": "macro-F1 ≥ 0.82 (with the article's title)",
    "toxicity_in_article": "macro-F1 ≥ 0.72 (with the article's title)",
    "moderation": "macro-F1 ≥ 0.65",
}


def model_scores(model: LinearModel, dev: Split, labels: list[str], folded: bool) -> Scores:
    def read(text: str) -> str:
        return normalize(fold(text) if folded else text)

    contexts = [read(c) for c in dev.contexts] if dev.contexts else None
    answers = ModelSet([model]).predict(featurize([read(t) for t in dev.texts], contexts))
    answers = answers[model.name]
    return score(dev.labels, [label for label, _ in answers], labels)


def engine_scores(name: str, dev: Split, labels: list[str], folded: bool) -> Scores:
    """The dev split read by the Analyzer with each comment's context, as a deployment reads it."""
    field = FIELD_OF_IN_ARTICLE[name]

    def read(text: str) -> str:
        return fold(text) if folded else text

    found = Analyzer(extractors=False).analyze_many(
        [read(t) for t in dev.texts], [read(c) for c in dev.contexts]
    )
    # A text the engine does not classify (not Vietnamese enough) counts as the first label.
    read_as = [getattr(a, field).name if getattr(a, field) else labels[0] for a in found]
    return score(dev.labels, read_as, labels)


def baseline_scores(train: Split, dev: Split, labels: list[str]) -> Scores:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, lowercase=True),
        LinearSVC(C=0.5),
    )
    pipeline.fit(train.texts, train.labels)
    return score(dev.labels, list(pipeline.predict(dev.texts)), labels)


def context_note(name: str, model: LinearModel, train: Split, dev: Split) -> str:
    """How much of dev sits under a context (an article) already seen in train, and what the
    model card measured for new ones."""
    seen = set(train.contexts)
    shared = sum(1 for c in dev.contexts if c in seen)
    extra = model.meta.get("extra_scores", {})
    new = extra.get("train_new_articles_out_of_fold", {}).get("macro_f1", float("nan"))
    plain = extra.get("train_new_articles_out_of_fold_without_title", {})
    without = plain.get("macro_f1", float("nan"))
    if model.meta.get("context_policy") == "known":
        policy = (
            f"It did worse than the plain features under new articles ({new:.4f} against "
            f"{without:.4f}; train out of fold, folds grouped by article, from its model card), "
            "so the Analyzer uses it only for comments under the "
            f"{len(model.meta['known_contexts']):,} articles it was trained on; the others get "
            "the plain model."
        )
    else:
        policy = (
            f"Under new articles (train out of fold, folds grouped by article; from its model "
            f"card) it scores {new:.4f}, against {without:.4f} without the title, so the "
            "Analyzer uses it for every comment given with its article's title."
        )
    return (
        f"\n`{name}` reads each comment with its article's title ({model.meta['context_field']}). "
        f"{shared:,} of the {len(dev):,} dev comments sit under an article that also has "
        f"comments in train, which the dev score rewards. {policy}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--tasks",
        default=(
            "topic,sentiment,toxicity,toxicity_in_article,constructiveness,"
            "constructiveness_in_article,moderation"
        ),
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    lines = [
        "## Vitext dev scores (bench/vitext_scores.py)",
        "",
        f"Measured {report.now()} on {report.machine()}. Dev splits as in each model card "
        "(VNTC: a seeded 10% of its train split; the others: their official dev/valid split). "
        "Baseline: TF-IDF over syllable 1-2 grams + LinearSVC (C=0.5), trained on the same "
        "train split.",
        "",
        "| task | target | rows | Vitext accuracy | Vitext macro-F1 | without diacritics "
        "acc. / macro-F1 | baseline accuracy | baseline macro-F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = available(MODELS_DIR)
    notes: list[str] = []
    for name in args.tasks.split(","):
        task = TASKS[name]
        if name not in names:
            lines.append(f"| {name} | {TARGETS.get(name, '')} | not trained | | | | | |")
            continue
        started = time.perf_counter()
        train, dev = task.build(args.data, [])
        labels = labels_of(task, train)
        model = LinearModel.load(MODELS_DIR, name)
        if name in FIELD_OF_IN_ARTICLE:
            mine, plain = (engine_scores(name, dev, labels, folded) for folded in (False, True))
        else:
            mine, plain = (model_scores(model, dev, labels, folded) for folded in (False, True))
        base = None if args.no_baseline else baseline_scores(train, dev, labels)
        base_cells = f"{base.accuracy:.4f} | {base.macro_f1:.4f}" if base else "not run | not run"
        lines.append(
            f"| {name} | {TARGETS.get(name, '')} | {mine.rows} | {mine.accuracy:.4f} | "
            f"{mine.macro_f1:.4f} | {plain.accuracy:.4f} / {plain.macro_f1:.4f} | {base_cells} |"
        )
        print(lines[-1], f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        if task.context_field:
            notes.append(context_note(name, model, train, dev))
    text = "\n".join(lines + notes)
    print(text)
    if not args.no_write:
        report.write_section("vitext-scores", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
