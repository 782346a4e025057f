"""Features, extracted once per text and shared by every model.

A text becomes a bag of 64-bit hashed keys from these views:
- syllable 1-, 2- and 3-grams of the text as written (diacritics kept);
- syllable 1- and 2-grams of the folded text (no diacritics), so that text typed without
  diacritics still meets known features;
- character 3- to 5-grams of the folded text's first CHAR_PREFIX characters, which catch the
  misspellings, stretched letters and teencode of short comments;
- the length of the text, as one key per length step reached;
- for a comment read with its context (the title of the article it answers), syllable 1- and
  2-grams of that title, as written and folded.
Each model keeps only the keys it learnt from, so the views cost nothing to a model that has
no use for one. Hashes are stable across processes and machines (CRC-32 based).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .normalize import EMOJI_WORDS, TEENCODE, expand_abbreviations, fold
from .tokens import syllables

FEATURES_VERSION = 2
CHAR_PREFIX = 400
CHAR_SIZES = (3, 4, 5)
WORD_SIZES = (1, 2, 3)
FOLDED_SIZES = (1, 2)
# A comment's context (the title of the article it answers) is read as syllable 1-2 grams,
# as written and folded, in views of its own: only the models trained with contexts know them.
CONTEXT_SIZES = (1, 2)
CONTEXT_CHARS = 300

# One salt per (view, n) so that the same string in two views gives two keys.
_SALT = {
    ("word", 1): 11,
    ("word", 2): 12,
    ("word", 3): 13,
    ("folded", 1): 21,
    ("folded", 2): 22,
    ("char", 3): 33,
    ("char", 4): 34,
    ("char", 5): 35,
    ("length", 1): 41,
    ("context_word", 1): 61,
    ("context_word", 2): 62,
    ("context_folded", 1): 63,
    ("context_folded", 2): 64,
}
# "At least this many syllables": one key per step reached. Length says much of a comment
# (constructive comments argue, and arguing takes words).
LENGTH_STEPS = (3, 6, 10, 15, 20, 25, 30, 40, 50, 70, 100, 150, 250, 400, 700)
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M3 = np.uint64(0x165667B19E3779F9)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_S31 = np.uint64(31)
_S29 = np.uint64(29)
_S8 = np.uint64(8)
_VIEW_SHIFT = np.uint64(56)

# Token -> hash of its one unit as written and without diacritics; teencode, emoji and
# stretched letters are rewritten here, once per distinct token, not once per occurrence.
# Tokens that stand for several words ("mn" -> "mọi người") go to _several instead.
_written: dict[str, int] = {}
_folded: dict[str, int] = {}
_several: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
_CACHE_LIMIT = 400_000
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


def _stable_hash(token: str) -> int:
    data = token.encode("utf-8")
    return zlib.crc32(data) | (zlib.crc32(data, 0x5BD1E995) << 32)


def canonical_words(token: str) -> list[str]:
    """A lower-cased token as the models read it: "ko" -> ["không"], "😍" -> ["emojitot"],
    "quáaaa" -> ["quá"]."""
    token = EMOJI_WORDS.get(token, token).strip()
    token = _STRETCHED.sub(r"\1", token)
    return TEENCODE.get(token, token).split()


def _learn(token: str) -> None:
    if len(_written) + len(_several) > _CACHE_LIMIT:  # a bound on memory for odd inputs
        _written.clear()
        _folded.clear()
        _several.clear()
    words = canonical_words(token)
    if len(words) == 1:
        _written[token] = _stable_hash(words[0])
        _folded[token] = _stable_hash(fold(words[0]))
    else:
        _several[token] = (
            tuple(_stable_hash(w) for w in words),
            tuple(_stable_hash(fold(w)) for w in words),
        )


def _units(tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the words of the tokens, as written and folded."""
    for token in set(tokens).difference(_written, _several):
        _learn(token)
    try:
        if _several.keys().isdisjoint(tokens):
            # The usual case: one word per token, looked up at C speed.
            count = len(tokens)
            written = np.fromiter(map(_written.__getitem__, tokens), np.uint64, count)
            folded = np.fromiter(map(_folded.__getitem__, tokens), np.uint64, count)
            return written, folded
    except KeyError:  # the cache was emptied meanwhile by another thread
        pass
    plain: list[int] = []
    unaccented: list[int] = []
    for token in tokens:
        words = canonical_words(token)
        plain.extend(_stable_hash(w) for w in words)
        unaccented.extend(_stable_hash(fold(w)) for w in words)
    return np.array(plain, dtype=np.uint64), np.array(unaccented, dtype=np.uint64)


def _finish(keys: np.ndarray) -> np.ndarray:
    """Spread the bits (splitmix64 finalizer) so that sorted keys are uniform."""
    keys = keys ^ (keys >> _S31)
    keys = keys * _MIX
    return keys ^ (keys >> _S29)


def view_of(keys: np.ndarray) -> np.ndarray:
    """The salt of each key's view and size (the top byte): 11 = syllable unigram, …"""
    return (keys >> _VIEW_SHIFT).astype(np.int64)


def _ngrams(units: np.ndarray, size: int, salt: int) -> np.ndarray:
    if len(units) < size:
        return np.empty(0, dtype=np.uint64)
    count = len(units) - size + 1
    keys: np.ndarray = np.full(count, (salt * int(_M3)) % 2**64, dtype=np.uint64)
    for offset in range(size):
        keys = keys * _M2 + units[offset : offset + count] * _M1
    # The view in the top byte: keys of one view sort together and can be told apart.
    return (_finish(keys) >> _S8) | np.uint64(salt << 56)


def prepare(text: str) -> str:
    """The form every model reads: abbreviations spelt out, lower-cased. `text` is expected
    normalized."""
    return expand_abbreviations(text).lower()


def _text_units(prepared: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(words as written, words folded, characters of the folded head) of one text."""
    words, folded = _units(syllables(prepared))
    head = " " + " ".join(syllables(fold(prepared[:CHAR_PREFIX]))) + " "
    chars = np.frombuffer(head.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return words, folded, chars


def _view_keys(units: list[np.ndarray], sizes: Sequence[int], view: str):
    """(keys, row of each key) of every n-gram inside one text, for the whole batch at once."""
    lengths = np.fromiter((len(u) for u in units), np.int64, len(units))
    joined = np.concatenate(units) if units else np.empty(0, np.uint64)
    row = np.repeat(np.arange(len(units)), lengths)
    for size in sizes:
        keys = _ngrams(joined, size, _SALT[(view, size)])
        first, last = row[: len(keys)], row[size - 1 :]
        inside = first == last  # n-grams that do not straddle two texts
        yield keys[inside], first[inside]


def extract(prepared_texts: list[str], prepared_contexts: list[str] | None = None) -> FeatureRows:
    """Feature rows of prepared texts (see `prepare`), with the keys of each text's context
    when contexts are given ("" for none). The n-grams of the whole batch are computed
    together; each row lists its keys view by view, in text order."""
    units = [_text_units(text) for text in prepared_texts]
    parts = [
        *_view_keys([u[0] for u in units], WORD_SIZES, "word"),
        *_view_keys([u[1] for u in units], FOLDED_SIZES, "folded"),
        *_view_keys([u[2] for u in units], CHAR_SIZES, "char"),
        _length_keys([len(u[0]) for u in units]),
    ]
    if prepared_contexts is not None:
        if len(prepared_contexts) != len(prepared_texts):
            raise ValueError("cần đúng một ngữ cảnh (có thể rỗng) cho mỗi văn bản")
        context_units = [_units(syllables(c[:CONTEXT_CHARS])) for c in prepared_contexts]
        parts += [
            *_view_keys([u[0] for u in context_units], CONTEXT_SIZES, "context_word"),
            *_view_keys([u[1] for u in context_units], CONTEXT_SIZES, "context_folded"),
        ]
    keys = np.concatenate([k for k, _ in parts])
    rows = np.concatenate([r for _, r in parts])
    # Rows fit in 16 bits for any usual batch: numpy then sorts stably by radix, in one pass.
    small = rows.astype(np.uint16) if len(prepared_texts) < 65536 else rows
    order = np.argsort(small, kind="stable")
    indptr = np.zeros(len(prepared_texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(prepared_texts)), out=indptr[1:])
    return FeatureRows(indptr, keys[order])


def _length_keys(lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    steps = np.array([sum(1 for s in LENGTH_STEPS if n >= s) for n in lengths], dtype=np.int64)
    row = np.repeat(np.arange(len(lengths)), steps)
    rank = np.arange(len(row)) - np.repeat(np.cumsum(steps) - steps, steps) + 1
    return _ngrams(rank.astype(np.uint64), 1, _SALT[("length", 1)]), row


def text_keys(prepared: str) -> np.ndarray:
    """All hashed keys of one prepared text, with repeats (one per occurrence)."""
    return extract([prepared]).keys


@dataclass(frozen=True)
class FeatureRows:
    """Keys of several texts, row by row (CSR): row i is keys[indptr[i]:indptr[i+1]], one entry
    per occurrence (not deduplicated: counting is left to the models, which sum weights)."""

    indptr: np.ndarray  # int64, len rows + 1
    keys: np.ndarray  # uint64

    @property
    def rows(self) -> int:
        return len(self.indptr) - 1

    def row_of_entry(self) -> np.ndarray:
        return np.repeat(np.arange(self.rows), np.diff(self.indptr))


def context_key(context: str) -> int:
    """One key per normalized context whatever its diacritics, case, spacing and punctuation:
    how a model tells the articles it was trained on."""
    return _stable_hash(" ".join(syllables(fold(prepare(context)[:CONTEXT_CHARS]))))


def featurize(texts: list[str], contexts: list[str] | None = None) -> FeatureRows:
    """Feature rows of normalized texts, and of their normalized contexts when given."""
    prepared_contexts = None if contexts is None else [prepare(c) for c in contexts]
    return extract([prepare(t) for t in texts], prepared_contexts)
