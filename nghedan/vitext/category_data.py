"""Training examples for the case category (lĩnh vực), built without a labelled set of cases.

No public set of Vietnamese petitions labelled with the platform's categories exists, so the
examples come from three sources, best last:

1. Term lists (`lexicon/category_terms.tsv`): phrases people write about each category. A
   text whose matched terms clearly point to one category gets it as a weak label; when the
   terms are few or split between categories, the text gets none (abstains).
2. tc201805's news categories mapped to ours (`lexicon/tc201805_map.tsv`), each row checked
   against the term lists, since a news category never matches a case category exactly;
   and paragraphs of VNTC articles whose terms point strongly to one category (news has no
   traffic, urban-order or administration section, but its paragraphs tell of them).
3. Officers' reclassifications, JSONL lines {"text": ..., "label": <code>, "source":
   "officer"} passed as `extra`: always kept, never capped, and counted `OFFICER_REPEAT`
   times so that a few hundred of them weigh against thousands of news rows.

The news rows are read from the data folder at training time and never stored in the
project. Each class is capped at `PER_CLASS` rows, chosen by a stable hash of the text, so
that no class dominates and the same folder always gives the same examples. One example in
`FOLDED_EVERY` of them is then given without diacritics.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .normalize import fold
from .tokens import syllables

logger = logging.getLogger(__name__)

# The codes of nghedan/cases/seed.py's CATEGORIES (vitext imports nothing from the apps; a
# test keeps the two lists equal).
CATEGORIES = (
    "land_housing", "environment", "urban_order", "traffic", "infrastructure", "administration",
    "health", "education", "labour", "welfare", "security", "official_conduct", "other",
)  # fmt: skip
OTHER = "other"

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
TERMS_FILE = LEXICON_DIR / "category_terms.tsv"
NEWS_MAP_FILE = LEXICON_DIR / "tc201805_map.tsv"
NEWS_FILE = Path("tc201805") / "train.jsonl.gz"
ARTICLES_FILE = Path("vntc") / "train.jsonl.gz"
# VNTC topics whose paragraphs may tell of a city's matters; world news, sport, computing and
# culture only add noise to the weak labels.
ARTICLE_TOPICS = frozenset(
    {"chinh_tri_xa_hoi", "doi_song", "phap_luat", "suc_khoe", "kinh_doanh", "khoa_hoc"}
)
PARAGRAPH_CHARS = (80, 1000)  # a paragraph of this length reads like one case

MIN_SCORE = 2.0  # one strong term, or two weaker ones
DOMINANCE = 2.0  # the leading category must score at least twice the runner-up
# A news row labelled only by its terms (its news category says nothing) needs more evidence,
# except for categories no news section covers, whose texts are rare: for them the usual
# evidence is enough.
STRONG_SCORE = 4.0
RARE_IN_NEWS = frozenset({"urban_order", "traffic", "infrastructure", "administration"})
# Below this share of syllables carrying diacritics a text counts as typed without them.
UNACCENTED_SHARE = 0.1
PER_CLASS = 3000
# Repeats land on both sides of the trainer's random dev cut: with officers' examples, measure
# on a file of them held apart (`python -m nghedan.vitext evaluate --model category --file`).
OFFICER_REPEAT = 3
# One example in FOLDED_EVERY is given typed without diacritics, as many cases are: news is
# always written with them, and a model that never saw a folded text leans on its folded
# features too little. Replaced, not added: a copy would sit on both sides of a random
# train/dev cut and flatter the dev score.
FOLDED_EVERY = 3


# --- term lists ------------------------------------------------------------------------------


class LexiconError(ValueError):
    """A term or mapping file that cannot be read; the message says where and how to fix."""


def _data_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-separated fields) of the lines that are neither blank nor comments."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            yield number, [field.strip() for field in line.split("\t")]


@dataclass(frozen=True)
class TermLexicon:
    """Terms by syllables (lower case) -> (category, weight); `folded` holds the forms used
    for text typed without diacritics."""

    exact: dict[tuple[str, ...], tuple[str, float]]
    folded: dict[tuple[str, ...], tuple[str, float]]
    longest: int
    # First syllables of the terms: most syllables start none, and are passed over at once.
    exact_starts: frozenset[str]
    folded_starts: frozenset[str]

    @classmethod
    def load(cls, path: Path = TERMS_FILE) -> TermLexicon:
        exact: dict[tuple[str, ...], tuple[str, float]] = {}
        folded: dict[tuple[str, ...], tuple[str, float]] = {}
        for number, fields in _data_lines(path):
            category, weight, term = _term_fields(path, number, fields)
            words = tuple(syllables(term))
            exact[words] = (category, weight)
            bare = tuple(fold(word) for word in words)
            # A single folded syllable is too ambiguous ("luong": lương, lượng, lường) unless
            # the term had no diacritics to lose ("karaoke", "bhyt").
            if len(bare) > 1 or bare == words:
                folded.setdefault(bare, (category, weight))
        longest = max((len(words) for words in exact), default=1)
        return cls(
            exact, folded, longest,
            frozenset(words[0] for words in exact), frozenset(words[0] for words in folded),
        )  # fmt: skip

    def scores(self, text: str) -> dict[str, float]:
        """Summed weights of the terms found, by category. Terms are matched longest first
        and do not overlap, so "trật tự đô thị" counts once, not also as "trật tự"."""
        words = syllables(text)
        bare = syllables(fold(text))  # folding keeps letters letters: the same tokens
        marked = sum(1 for word, plain in zip(words, bare, strict=False) if word != plain)
        if words and marked < UNACCENTED_SHARE * len(words):
            words, terms, starts = bare, self.folded, self.folded_starts
        else:
            terms, starts = self.exact, self.exact_starts
        found: dict[str, float] = defaultdict(float)
        position = 0
        while position < len(words):
            if words[position] not in starts:
                position += 1
                continue
            for size in range(min(self.longest, len(words) - position), 0, -1):
                hit = terms.get(tuple(words[position : position + size]))
                if hit is not None:
                    found[hit[0]] += hit[1]
                    position += size
                    break
            else:
                position += 1
        return dict(found)

    def label(self, text: str, min_score: float = MIN_SCORE) -> str | None:
        """The category the terms clearly point to, or None (too little, or split)."""
        return dominant(self.scores(text), min_score)


def _term_fields(path: Path, number: int, fields: list[str]) -> tuple[str, float, str]:
    where = f"{path.name}, dòng {number}"
    if len(fields) != 3:
        raise LexiconError(
            f"{where}: cần 3 cột cách nhau bằng tab (lĩnh vực, trọng số, cụm từ), có "
            f"{len(fields)}. / {path.name} line {number}: expected 3 tab-separated columns."
        )
    category, weight, term = fields
    if category not in CATEGORIES or category == OTHER:
        raise LexiconError(
            f"{where}: lĩnh vực “{category}” không có; dùng một trong "
            f"{', '.join(c for c in CATEGORIES if c != OTHER)}. "
            f"/ line {number}: unknown category {category!r}."
        )
    try:
        value = float(weight)
    except ValueError:
        value = 0.0
    if value <= 0 or not syllables(term):
        raise LexiconError(
            f"{where}: trọng số phải là số dương và cụm từ không được trống. "
            f"/ line {number}: weight must be positive and the term not empty."
        )
    return category, value, term


def strongly_dominant(scores: dict[str, float]) -> str | None:
    """The leading category when the evidence is strong (see `STRONG_SCORE`)."""
    label = dominant(scores, MIN_SCORE)
    if label is None or label in RARE_IN_NEWS or scores[label] >= STRONG_SCORE:
        return label
    return None


def dominant(scores: dict[str, float], min_score: float = MIN_SCORE) -> str | None:
    """The leading category when it scores at least `min_score` and `DOMINANCE` times the
    runner-up; None otherwise."""
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score >= min_score and score >= DOMINANCE * runner_up:
        return best
    return None


# --- news categories -------------------------------------------------------------------------


@dataclass(frozen=True)
class NewsMapping:
    mode: str  # sound | filtered | other | -
    category: str | None


MODES = ("sound", "filtered", "other", "-")


def load_news_map(path: Path = NEWS_MAP_FILE) -> dict[str, NewsMapping]:
    mapping: dict[str, NewsMapping] = {}
    for number, fields in _data_lines(path):
        if len(fields) != 3 or fields[1] not in MODES:
            raise LexiconError(
                f"{path.name}, dòng {number}: cần 3 cột (mục tin, cách dùng, lĩnh vực), cách "
                f"dùng là một trong {', '.join(MODES)}. / line {number}: bad mapping line."
            )
        news, mode, category = fields
        if mode != "-" and category not in CATEGORIES:
            raise LexiconError(
                f"{path.name}, dòng {number}: lĩnh vực “{category}” không có. "
                f"/ line {number}: unknown category {category!r}."
            )
        mapping[news] = NewsMapping(mode, None if mode == "-" else category)
    return mapping


def label_news_row(
    text: str, news_category: str, lexicon: TermLexicon, mapping: dict[str, NewsMapping]
) -> str | None:
    """The case category a news row stands for, or None when it should not be used."""
    rule = mapping.get(news_category, NewsMapping("-", None))
    scores = lexicon.scores(text)
    if rule.mode == "other":
        return OTHER if not scores else None
    strong = strongly_dominant(scores)
    if rule.mode == "-":
        return strong
    confident = dominant(scores, MIN_SCORE)
    if rule.mode == "sound":
        return strong if strong and strong != rule.category else rule.category
    # filtered: its own category's terms must lead, or another category's clearly.
    return confident if confident == rule.category else strong


def read_jsonl(path: Path) -> Iterator[tuple[int, dict | None]]:
    """(line number, object) of a JSON Lines file, gzipped or not; None for a broken line."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                yield number, None
                continue
            yield number, value if isinstance(value, dict) else None


def news_examples(
    data_dir: Path, lexicon: TermLexicon, mapping: dict[str, NewsMapping]
) -> dict[str, list[str]]:
    """tc201805 rows that stand for a case category, by category (not yet capped)."""
    path = Path(data_dir) / NEWS_FILE
    if not path.exists():
        raise FileNotFoundError(
            f"Không thấy {path}: hãy chỉ --data tới thư mục dữ liệu (ví dụ ../shared/data) có "
            f"{NEWS_FILE}. / {path} not found: point --data at the data folder."
        )
    found: dict[str, list[str]] = defaultdict(list)
    for _number, row in read_jsonl(path):
        if not row or not isinstance(row.get("text"), str):
            continue
        label = label_news_row(row["text"], str(row.get("label", "")), lexicon, mapping)
        if label is not None:
            found[label].append(row["text"].strip())
    return found


def article_examples(data_dir: Path, lexicon: TermLexicon) -> dict[str, list[str]]:
    """Paragraphs of VNTC articles (of `ARTICLE_TOPICS`) whose terms point strongly to one
    category, by category; nothing when the folder has no VNTC."""
    path = Path(data_dir) / ARTICLES_FILE
    found: dict[str, list[str]] = defaultdict(list)
    if not path.exists():
        logger.warning("Không có %s: chỉ dùng tc201805. / %s missing.", path, path)
        return found
    shortest, longest = PARAGRAPH_CHARS
    for _number, row in read_jsonl(path):
        if (
            not row
            or row.get("label") not in ARTICLE_TOPICS
            or not isinstance(row.get("text"), str)
        ):
            continue
        for paragraph in row["text"].split("\n"):
            paragraph = paragraph.strip()
            if shortest <= len(paragraph) <= longest:
                label = strongly_dominant(lexicon.scores(paragraph))
                if label is not None:
                    found[label].append(paragraph)
    return found


# --- officers --------------------------------------------------------------------------------


def officer_examples(paths: Iterable[Path]) -> list[tuple[str, str]]:
    """(text, category) lines of officers' JSONL files. Broken lines are reported with their
    file and line number and left out; the rest is used."""
    examples: list[tuple[str, str]] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(
                f"Không thấy tệp {path} (--extra): kiểm tra lại đường dẫn. / {path} not found."
            )
        skipped: list[int] = []
        for number, row in read_jsonl(path):
            text = row.get("text") if row else None
            label = row.get("label") if row else None
            if isinstance(text, str) and text.strip() and label in CATEGORIES:
                examples.append((text.strip(), str(label)))
            else:
                skipped.append(number)
        if skipped:
            shown = ", ".join(map(str, skipped[:10])) + (" …" if len(skipped) > 10 else "")
            logger.warning(
                "%s: bỏ qua %d dòng không đọc được (cần {\"text\": ..., \"label\": mã lĩnh vực}): "
                "dòng %s. / %d unreadable lines skipped.",
                path, len(skipped), shown, len(skipped),
            )  # fmt: skip
    return examples


# --- together --------------------------------------------------------------------------------


def _stable_order(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def capped(texts: list[str], limit: int) -> list[str]:
    """At most `limit` distinct texts, chosen by a stable hash (same input, same choice)."""
    distinct = sorted(set(texts), key=lambda text: (_stable_order(text), text))
    return distinct[:limit]


def build_examples(
    data_dir: Path, extra: list[Path] | None = None, per_class: int = PER_CLASS
) -> list[tuple[str, str]]:
    """(text, category code) examples for the category model: weakly labelled news rows from
    `data_dir`, capped per class, and officers' examples from `extra`, all kept."""
    lexicon, mapping = TermLexicon.load(), load_news_map()
    officers = officer_examples(extra or [])
    news_dir = Path(data_dir)
    if officers and not (news_dir / NEWS_FILE).exists():
        logger.warning("Không có %s: chỉ học từ phân loại của cán bộ.", news_dir / NEWS_FILE)
        by_category: dict[str, list[str]] = {}
    else:
        by_category = news_examples(news_dir, lexicon, mapping)
        for category, texts in article_examples(news_dir, lexicon).items():
            by_category.setdefault(category, []).extend(texts)
    officer_texts = {text for text, _label in officers}
    examples = [
        (text, category)
        for category in CATEGORIES
        for text in capped(by_category.get(category, []), per_class)
        if text not in officer_texts  # an officer's word overrides the weak label
    ]
    # Officers' texts are real cases, typed as they were: none is folded here.
    return partly_folded(examples) + [e for e in officers for _ in range(OFFICER_REPEAT)]


def partly_folded(examples: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The examples, one in `FOLDED_EVERY` (chosen by a stable hash of the text) typed
    without diacritics instead."""
    return [
        (fold(text), category) if _stable_order(text) % FOLDED_EVERY == 0 else (text, category)
        for text, category in examples
    ]


def class_counts(examples: Iterable[tuple[str, str]]) -> dict[str, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    for _text, category in examples:
        counts[category] += 1
    return counts
