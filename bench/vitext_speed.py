#!/usr/bin/env python3
"""How fast Vitext reads news-length texts, beside a scikit-learn baseline, on one core.

    .venv/bin/python bench/vitext_speed.py [--data ../shared/data] [--texts 600] [--runs 5]
                                           [--no-write]

Texts: VNTC articles (the seeded dev part) when --data is given, else a generated corpus of
news-like Vietnamese texts of the same length. Measures, in one process pinned to one core
(numpy's threads limited to one): the Analyzer's load time; characters per second of
`analyze_many` for the models alone and for the whole analysis (models, extractors,
signature), median of --runs runs; peak memory (ru_maxrss); artifact sizes; and the
baseline the issue names (TF-IDF over syllable 1-2 grams + LinearSVC, topic only),
trained on VNTC's train part, timed on the same texts (vectorize + predict). Also the whole
analysis of comments (ViCTSD's valid split with --data, else generated ones), alone and with
their article's title, which adds the in-article models.
Writes its section of docs/benchmarks.md (unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import quiet  # noqa: E402
import report  # noqa: E402

from nghedan.vitext.analyzer import MODELS_DIR, Analyzer  # noqa: E402

NEWS_WORDS = (
    "người dân phản ánh tình trạng ngập nước trên đường sau cơn mưa lớn chiều qua khiến "
    "nhiều phương tiện chết máy ủy ban nhân dân phường cho biết đã chỉ đạo lực lượng chức "
    "năng khảo sát và đề xuất giải pháp cải tạo hệ thống thoát nước trong năm nay theo kế "
    "hoạch của thành phố đội tuyển bóng đá thắng trận giá cổ phiếu tăng bệnh viện tiếp nhận "
    "bệnh nhân công an điều tra vụ việc học sinh sinh viên giáo dục văn hóa khoa học"
)


def generated_corpus(count: int, seed: int = 7) -> list[str]:
    """News-like texts about as long as VNTC articles (about 2,200 characters)."""
    rng = random.Random(seed)
    words = NEWS_WORDS.split()
    texts = []
    for _ in range(count):
        sentences = []
        while sum(len(s) for s in sentences) < 2200:
            chosen = [rng.choice(words) for _ in range(rng.randint(12, 30))]
            sentences.append(" ".join(chosen).capitalize() + ".")
        texts.append(" ".join(sentences))
    return texts


def vntc_texts(data: Path, count: int) -> tuple[list[str], list[str], list[str]]:
    """(train texts, train labels, dev texts): the same seeded split as the topic model."""
    from nghedan.vitext.training import TASKS

    train, dev = TASKS["topic"].build(data, [])
    return train.texts, train.labels, dev.texts[:count]


def comments(data: Path | None, count: int) -> tuple[list[str], list[str], str]:
    """(comments, their articles' titles, where they come from)."""
    if data:
        from nghedan.vitext.training import TASKS

        _, dev = TASKS["constructiveness_in_article"].build(data, [])
        return dev.texts[:count], dev.contexts[:count], "ViCTSD valid"
    rng = random.Random(9)
    words = NEWS_WORDS.split()
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 40))) for _ in range(count)]
    return texts, ["Thành phố nạo vét kênh trước mùa mưa"] * count, "generated"


def best_of(runs: int, function) -> list[float]:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return durations


def baseline(train_texts: list[str], train_labels: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, lowercase=True),
        LinearSVC(C=0.5),
    )
    return model.fit(train_texts, train_labels)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--texts", type=int, default=600)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-train", type=int, default=8000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    if args.data:
        train_texts, train_labels, texts = vntc_texts(args.data, args.texts)
        source = f"VNTC dev part, {len(texts)} articles"
    else:
        texts = generated_corpus(args.texts)
        train_texts, train_labels = generated_corpus(400, seed=8), ["a", "b"] * 200
        source = f"generated news-like corpus, {len(texts)} texts"
    chars = sum(len(t) for t in texts)

    load = quiet.wait_for_quiet(patience=60)
    started = time.perf_counter()
    models_only = Analyzer(extractors=False)
    models_seconds = time.perf_counter() - started
    started = time.perf_counter()
    full = Analyzer()
    full_seconds = time.perf_counter() - started
    full.analyze_many(texts[:10])
    models_only.analyze_many(texts[:10])

    rows = []
    for name, analyzer in (
        ("Vitext: normalization + features + all models", models_only),
        ("Vitext: whole analyze_many (+ extractors, signature)", full),
    ):
        durations = best_of(args.runs, lambda a=analyzer: a.analyze_many(texts))
        rows.append((name, chars / report.median(durations), chars / min(durations)))

    notes, titles, where = comments(args.data, 2000)
    note_chars = sum(len(t) for t in notes)
    label = f"{where}, {len(notes):,} comments, average {note_chars // len(notes)} characters"
    for name, given in (
        (f"Vitext: whole analyze_many on comments ({label})", None),
        ("the same comments with their article's title", titles),
    ):
        durations = best_of(args.runs, lambda g=given: full.analyze_many(notes, g))
        rows.append((name, note_chars / report.median(durations), note_chars / min(durations)))

    model = baseline(train_texts[: args.baseline_train], train_labels[: args.baseline_train])
    durations = best_of(args.runs, lambda: model.predict(texts))
    rows.append(
        (
            "Baseline: TF-IDF 1-2 grams + LinearSVC (topic only)",
            chars / report.median(durations),
            chars / min(durations),
        )
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = {p.name: p.stat().st_size for p in sorted(MODELS_DIR.glob("*.npz"))}

    body = [
        "## Vitext speed (bench/vitext_speed.py)",
        "",
        f"Measured {report.now()} on {report.machine()}, one core; texts: {source}, "
        f"{chars:,} characters, average {chars // max(len(texts), 1):,}; machine load before "
        f"the run {load:.2f} CPU (a shared machine: compare ratios).",
        "",
        "| what | chars/s (median) | chars/s (best run) |",
        "|---|---:|---:|",
    ]
    body += [f"| {name} | {median:,.0f} | {best:,.0f} |" for name, median, best in rows]
    body += [
        "",
        f"Models ({', '.join([*full.model_names, *full.in_article.models])}) loaded in "
        f"{models_seconds:.2f} s; a second "
        f"Analyzer with the extractors ({', '.join(full.extractors) or 'none'}) in "
        f"{full_seconds:.2f} s. Peak memory of the process (models twice, the baseline and "
        f"{'the VNTC train split' if args.data else 'the texts'}): {peak_mb:,.0f} MB.",
        "",
        "| artifact | size |",
        "|---|---:|",
    ]
    body += [f"| {name} | {size / 1e6:.2f} MB |" for name, size in sizes.items()]
    body.append(f"| total | {sum(sizes.values()) / 1e6:.2f} MB |")
    text = "\n".join(body)
    print(text)
    if not args.no_write:
        report.write_section("vitext-speed", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
