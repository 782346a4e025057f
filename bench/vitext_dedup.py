#!/usr/bin/env python3
"""Near-duplicate signatures (nghedan/vitext/signatures.py): precision, recall and speed.

    .venv/bin/python bench/vitext_dedup.py --data ../shared/data [--docs 4000] [--seed 7]
                                           [--shingles 2,3,4] [--no-write]

The labelled set is built here, at run time, from the data folder (nothing of it is kept):

- Corpus: `--docs` VNTC articles (seeded sample) cut to news length (first 3,000 chars), and
  as many tc201805 title + summary snippets (about 300 chars, close to a citizen's case).
- Repeats found inside VNTC: every pair of the sample with the same folded text (exact), and
  every pair whose exact Jaccard index of 3-syllable shingles is at least 0.5 (near),
  found with a permissive banding (64 bands × 2 rows, which misses a pair of Jaccard 0.5 with
  probability 10^-8) and checked on the full shingle sets.
- Edited copies of sampled texts: words dropped (10%), words replaced (10%), sentences
  shuffled, diacritics removed, a paragraph added, words dropped and diacritics removed
  together, and the text split in two (each half against the whole).
- Negatives: unrelated pairs (different topics), same-topic pairs, and "same topic,
  different matter": for each sampled article, the article of the same topic that shares
  most of its words (unigram Jaccard) while its shingle Jaccard stays below 0.3.

Decision measured: the LSH index (bands × rows of signatures.py) gives candidates, and a pair
is called a duplicate when `resemblance` ≥ LIKELY. Pair-level precision and recall are over
the labelled pairs; the search-level figures query every edited copy against an index of the
whole corpus and count what else comes back. Speed is `signature()` on the VNTC texts in one
process (chars/s), then indexing and querying. Writes its section of docs/benchmarks.md
(unless --no-write). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import cast

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import report  # noqa: E402

from nghedan.vitext import signatures  # noqa: E402

NEWS_CHARS = 3000
SENTENCE = re.compile(r"(?<=[.!?])\s+")


# --- data ------------------------------------------------------------------------------------


def read_rows(path: Path, limit: int | None = None) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in islice(lines, limit)]


def fold(text: str) -> str:
    bare = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


@dataclass
class Doc:
    key: str
    text: str
    topic: str


FILLERS = 300  # texts outside the corpus, for replacement words and added paragraphs


def sample_docs(data: Path, count: int, rng: random.Random) -> tuple[list[Doc], list[Doc]]:
    """`count` + FILLERS VNTC articles cut to news length and as many tc201805 snippets."""
    vntc = read_rows(data / "vntc" / "train.jsonl.gz")
    picked = rng.sample(vntc, count + FILLERS)
    news = [Doc(f"v{r['id']}", r["text"][:NEWS_CHARS], r["label"]) for r in picked]
    snippets = read_rows(data / "tc201805" / "train.jsonl.gz", 60_000)
    short = [
        Doc(f"t{r['id']}", r["text"], r["label"]) for r in rng.sample(snippets, count + FILLERS)
    ]
    return news, short


# --- edits -----------------------------------------------------------------------------------


def drop_words(text: str, share: float, rng: random.Random) -> str:
    return " ".join(w for w in text.split(" ") if rng.random() >= share)


def replace_words(text: str, share: float, vocabulary: list[str], rng: random.Random) -> str:
    return " ".join(rng.choice(vocabulary) if rng.random() < share else w for w in text.split(" "))


def shuffle_sentences(text: str, rng: random.Random) -> str:
    sentences = SENTENCE.split(text)
    rng.shuffle(sentences)
    return " ".join(sentences)


def halves(text: str) -> tuple[str, str]:
    words = text.split(" ")
    middle = len(words) // 2
    return " ".join(words[:middle]), " ".join(words[middle:])


def edited_pairs(
    docs: list[Doc], others: list[Doc], rng: random.Random
) -> list[tuple[str, str, str]]:
    """(kind, original text, edited text) for every doc and every kind of edit. `others`
    (texts outside the corpus) give the replacement words and the added paragraphs."""
    vocabulary = [w for d in others[:200] for w in d.text.split(" ")]
    pairs = []
    for doc in docs:
        text, other = doc.text, rng.choice(others).text
        first, second = halves(text)
        pairs += [
            ("re-sent unchanged", text, text),
            ("10% words dropped", text, drop_words(text, 0.1, rng)),
            ("10% words replaced", text, replace_words(text, 0.1, vocabulary, rng)),
            ("sentences shuffled", text, shuffle_sentences(text, rng)),
            ("diacritics removed", text, fold(text)),
            ("a paragraph added", text, text + "\n" + other[: max(200, len(text) // 3)]),
            ("5% dropped + no diacritics", text, fold(drop_words(text, 0.05, rng))),
            ("split: first half", text, first),
            ("split: second half", text, second),
        ]
    return pairs


# --- ground truth inside VNTC ----------------------------------------------------------------


def exact_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if a.size == 0 or b.size == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / (a.size + b.size - shared)


def repeats_inside(docs: list[Doc]) -> tuple[list[tuple[int, int, float]], dict[str, np.ndarray]]:
    """Pairs (i, j, exact Jaccard) of the sample with Jaccard ≥ 0.5, found with permissive
    banding on the signatures and checked on the full shingle sets."""
    shingles = {d.key: signatures.shingle_hashes(d.text) for d in docs}
    index = signatures.LshIndex(bands=64, rows=2)
    for position, doc in enumerate(docs):
        index.add(position, signatures.signature_of_hashes(shingles[doc.key]))
    found: list[tuple[int, int, float]] = []
    for first, second, _score in index.pairs(threshold=0.0):
        i, j = cast(int, first), cast(int, second)
        jaccard = exact_jaccard(shingles[docs[i].key], shingles[docs[j].key])
        if jaccard >= 0.5:
            found.append((i, j, jaccard))
    return found, shingles


def hard_negatives(
    docs: list[Doc], shingles: dict[str, np.ndarray], rng: random.Random, count: int
) -> list[tuple[str, str]]:
    """Same topic, many shared words, few shared shingles: another matter told alike."""
    words = {d.key: set(fold(d.text).lower().split()) for d in docs}
    by_topic: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_topic[doc.topic].append(doc)
    pairs = []
    for doc in rng.sample(docs, count):
        pool = [d for d in rng.sample(by_topic[doc.topic], min(150, len(by_topic[doc.topic])))]
        best, best_score = None, -1.0
        for other in pool:
            if other.key == doc.key:
                continue
            union = words[doc.key] | words[other.key]
            score = len(words[doc.key] & words[other.key]) / max(1, len(union))
            if score > best_score and exact_jaccard(shingles[doc.key], shingles[other.key]) < 0.3:
                best, best_score = other, score
        if best is not None:
            pairs.append((doc.text, best.text))
    return pairs


# --- measuring -------------------------------------------------------------------------------


def found_as_duplicate(a: str, b: str) -> tuple[bool, float]:
    """Whether the index holding `b` offers it for `a`, and their resemblance."""
    sig_a, sig_b = signatures.signature(a), signatures.signature(b)
    index = signatures.LshIndex()
    index.add("b", sig_b)
    score = signatures.resemblance(sig_a, sig_b)
    return ("b" in index.query(sig_a) and score >= signatures.LIKELY), score


@dataclass
class Tally:
    found: int = 0
    total: int = 0
    scores: list[float] | None = None

    def add(self, hit: bool, score: float) -> None:
        self.found += hit
        self.total += 1
        self.scores = (self.scores or []) + [score]

    @property
    def rate(self) -> float:
        return self.found / self.total if self.total else float("nan")


def pair_tables(
    positives: dict[str, list[tuple[str, str]]], negatives: dict[str, list[tuple[str, str]]]
) -> tuple[dict[str, Tally], dict[str, Tally]]:
    found = {kind: Tally() for kind in positives}
    false = {kind: Tally() for kind in negatives}
    for kind, pairs in positives.items():
        for a, b in pairs:
            found[kind].add(*found_as_duplicate(b, a))
    for kind, pairs in negatives.items():
        for a, b in pairs:
            false[kind].add(*found_as_duplicate(b, a))
    return found, false


def search_level(
    corpus: list[Doc], queries: list[tuple[str, str, str]], known: dict[str, set[str]]
) -> tuple[int, int, int, int, float, float]:
    """Index the corpus, query every edited copy: (found, queries, returned, wrong, index
    seconds, query seconds). A returned text is wrong unless it is the source or one of its
    known repeats."""
    index = signatures.LshIndex()
    start = time.process_time()
    for doc in corpus:
        index.add(doc.key, signatures.signature(doc.text))
    indexed = time.process_time() - start
    source_of = {doc.text: doc.key for doc in corpus}
    found = returned = wrong = 0
    start = time.process_time()
    for _kind, original, edited in queries:
        source = source_of[original]
        hits = {key for key, _score in index.duplicates(signatures.signature(edited))}
        found += source in hits
        returned += len(hits)
        wrong += len(hits - {source} - known.get(source, set()))
    return found, len(queries), returned, wrong, indexed, time.process_time() - start


CASES = Path(__file__).resolve().parent.parent / "nghedan/vitext/evalsets/category_cases.jsonl"


def case_pairs_found() -> tuple[int, int]:
    """(pairs offered, pairs in all) among the hand-written case texts of the category
    evaluation set: every one is a different matter, many share places and formulas."""
    texts = [json.loads(line)["text"] for line in CASES.read_text(encoding="utf-8").splitlines()]
    index = signatures.LshIndex()
    for position, text in enumerate(texts):
        index.add(position, signatures.signature(text))
    return len(index.pairs()), len(texts) * (len(texts) - 1) // 2


def speed(texts: list[str], rounds: int = 3) -> float:
    """Characters per second of CPU time (one core), best of `rounds`: on a shared machine the
    process's CPU time is what it would take alone, wall time is not."""
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            signatures.signature(text)
        best = min(best, time.process_time() - start)
    return chars / best


# --- report ----------------------------------------------------------------------------------


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def measure_setting(
    positives: dict[str, list[tuple[str, str]]], negatives: dict[str, list[tuple[str, str]]]
) -> tuple[dict[str, Tally], dict[str, Tally], float, float]:
    found, false = pair_tables(positives, negatives)
    true_positive = sum(t.found for t in found.values())
    false_positive = sum(t.found for t in false.values())
    recall = true_positive / sum(t.total for t in found.values())
    precision = true_positive / max(1, true_positive + false_positive)
    return found, false, precision, recall


def median(values: list[float] | None) -> float:
    return float(np.median(values)) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--docs", type=int, default=4000, help="VNTC articles and snippets")
    parser.add_argument("--edited", type=int, default=300, help="texts of each kind edited")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shingles", default="2,3,4", help="shingle sizes compared")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    news, short = sample_docs(args.data, args.docs, rng)
    news, news_fillers = news[: args.docs], news[args.docs :]
    short, short_fillers = short[: args.docs], short[args.docs :]
    chosen = signatures.SHINGLE
    repeats, shingles = repeats_inside(news)
    exact = [(i, j) for i, j, s in repeats if fold(news[i].text) == fold(news[j].text)]
    known: dict[str, set[str]] = defaultdict(set)
    for i, j, _s in repeats:
        known[news[i].key].add(news[j].key)
        known[news[j].key].add(news[i].key)
    print(
        f"VNTC sample: {len(repeats)} repeats (Jaccard ≥ 0.5), {len(exact)} exact", file=sys.stderr
    )

    edit_news = edited_pairs(rng.sample(news, args.edited), news_fillers, rng)
    edit_short = edited_pairs(rng.sample(short, args.edited), short_fillers, rng)
    positives: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, a, b in edit_news:
        positives[f"news: {kind}"].append((a, b))
    for kind, a, b in edit_short:
        positives[f"short: {kind}"].append((a, b))
    vntc_all = [
        Doc(f"v{r['id']}", r["text"], r["label"])
        for r in read_rows(args.data / "vntc" / "train.jsonl.gz")
    ]
    whole_repeats, _ = repeats_inside(vntc_all)
    whole_exact = sum(fold(vntc_all[i].text) == fold(vntc_all[j].text) for i, j, _ in whole_repeats)
    print(f"all VNTC: {len(whole_repeats)} repeats, {whole_exact} exact", file=sys.stderr)
    positives["VNTC train: exact repeats"] = [
        (vntc_all[i].text, vntc_all[j].text)
        for i, j, _ in whole_repeats
        if fold(vntc_all[i].text) == fold(vntc_all[j].text)
    ]
    positives["VNTC train: near repeats (Jaccard ≥ 0.5)"] = [
        (vntc_all[i].text, vntc_all[j].text)
        for i, j, _ in whole_repeats
        if fold(vntc_all[i].text) != fold(vntc_all[j].text)
    ]

    def random_pairs(pool: list[Doc], same_topic: bool) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        while len(pairs) < args.edited * 3:
            a, b = rng.sample(pool, 2)
            if (a.topic == b.topic) == same_topic and b.key not in known[a.key]:
                pairs.append((a.text, b.text))
        return pairs

    negatives = {
        "news: unrelated (other topic)": random_pairs(news, False),
        "news: same topic": random_pairs(news, True),
        "news: same topic, most words shared": hard_negatives(news, shingles, rng, args.edited),
        "short: unrelated (other category)": random_pairs(short, False),
        "short: same category": random_pairs(short, True),
    }

    settings = []
    for size in [int(s) for s in args.shingles.split(",")]:
        signatures.SHINGLE = size
        _found, false_found, precision, recall = measure_setting(positives, negatives)
        margin = max(float(np.percentile(t.scores or [0], 99)) for t in false_found.values())
        offered, _pairs = case_pairs_found()
        settings.append((size, precision, recall, margin, offered))
        print(f"shingle {size}: P {precision:.4f} R {recall:.4f}", file=sys.stderr)
    signatures.SHINGLE = chosen
    found, false, precision, recall = measure_setting(positives, negatives)
    search = search_level(news + short, edit_news + edit_short, known)
    cases_found, case_pairs = case_pairs_found()

    news_texts = [d.text for d in news]
    short_texts = [d.text for d in short]
    news_speed, short_speed = speed(news_texts), speed(short_texts)
    body = render(
        args, settings, found, false, precision, recall, search, news_speed, short_speed,
        len(repeats), len(exact), news_texts, (cases_found, case_pairs), len(vntc_all),
    )  # fmt: skip
    print(body)
    sys.stdout.flush()
    if not args.no_write:
        report.write_section("vitext_dedup", body)


def render(
    args, settings, found, false, precision, recall, search, news_speed, short_speed,
    repeats, exact, news_texts, cases, vntc_size,
) -> str:  # fmt: skip
    s = signatures
    hit, queries, returned, wrong, indexed, queried = search
    lines = [
        "## Near-duplicate signatures (`bench/vitext_dedup.py`)",
        "",
        f"Measured {report.now()} on {report.machine()}; one process, on a machine shared with",
        f"other work (load average {os.getloadavg()[0]:.1f} at the end): speeds are per second",
        "of the process's CPU time (one core).",
        "",
        f"- Signature: MinHash, {s.SIZE} values, shingles of {s.SHINGLE} syllables of the folded",
        f"  text (single syllables and pairs below {s.SHORT_TEXT} syllables); LSH {s.BANDS} bands",
        f"  × {s.ROWS} rows; a pair is a duplicate when the index offers it and its resemblance",
        f"  (Jaccard, or containment of the smaller text) is ≥ {s.LIKELY}.",
        f"- Data (seed {args.seed}): {args.docs} VNTC articles cut to {NEWS_CHARS} chars and "
        f"{args.docs} tc201805",
        f"  snippets; {args.edited} texts of each kind edited in each way. Repeats inside the",
        f"  whole VNTC train file (all {vntc_size:,} articles, full length): pairs of exact",
        "  shingle Jaccard ≥ 0.5 found by permissive banding (64 × 2) and checked on the full",
        "  shingle sets; within the sample, "
        f"{repeats} such pairs ({exact} word for word) are counted as known repeats.",
        "",
        f"**Pair level: precision {precision:.4f}, recall {recall:.4f}** "
        f"(F1 {f1(precision, recall):.4f}).",
        "",
        "| duplicates (should be found) | found | pairs | median resemblance |",
        "|---|---:|---:|---:|",
    ]
    for kind, tally in found.items():
        lines.append(f"| {kind} | {tally.rate:.1%} | {tally.total} | {median(tally.scores):.2f} |")
    lines += [
        "",
        "| not duplicates (should not be found) | wrongly found | pairs | median resemblance |",
        "|---|---:|---:|---:|",
    ]
    for kind, tally in false.items():
        lines.append(f"| {kind} | {tally.rate:.1%} | {tally.total} | {median(tally.scores):.2f} |")
    lines += [
        "",
        f"Hand-written case texts (`evalsets/category_cases.jsonl`, each a different matter, "
        f"many sharing formulas such as “đề nghị phường”): {cases[0]} of their {cases[1]:,} "
        "pairs wrongly offered as duplicates.",
        "",
        "Shingle size, same pairs (99th percentile: the highest resemblance of 99% of the",
        "negative pairs, worst kind; a lower one leaves more room below the threshold):",
        "",
        "| shingle | precision | recall | negatives' 99th percentile | case pairs offered |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {size} syllables | {p:.4f} | {r:.4f} | {margin:.2f} | {offered} |"
            for size, p, r, margin, offered in settings
        ),
        "",
        f"Search level: each of {queries} edited copies queried against an index of all "
        f"{2 * args.docs} texts:",
        f"its source found for {hit / queries:.1%}; {returned} texts returned, of which {wrong} "
        "were neither the source nor a known repeat of it "
        f"({wrong / max(1, returned):.2%}).",
        "",
        "| speed | value |",
        "|---|---:|",
        f"| `signature()` on VNTC texts (avg {np.mean([len(t) for t in news_texts]):,.0f} chars) "
        f"| {news_speed:,.0f} chars/s |",
        f"| `signature()` on tc201805 snippets | {short_speed:,.0f} chars/s |",
        f"| index {2 * args.docs} signatures | {indexed * 1000:,.0f} ms |",
        f"| query {queries} copies (candidates + resemblance) | "
        f"{queried / queries * 1e6:,.0f} µs each |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
