"""Near-duplicate signatures: the same text re-sent, lightly edited or split in parts.

A text becomes a MinHash signature of its shingles (runs of neighbouring syllables):

- The text is folded on its own here (lower case, NFD, combining marks dropped, đ → d) rather
  than through `normalize`: signatures are stored in the database, so they must not move when
  the normalizer learns a new abbreviation. Folding also makes a copy retyped without
  diacritics the same text.
- Each syllable is hashed once with CRC-32 (stable on every machine, unlike Python's salted
  `hash()`); a shingle's hash mixes its syllables' hashes with 64-bit arithmetic in numpy.
- `SIZE` (128) multiply-shift hashes are applied to all shingle hashes in one numpy
  operation and the minimum of each is kept: 31-bit values, so a signature fits a signed
  32-bit database column or JSON as it is.

Shingles are 3 syllables long (`SHINGLE`), chosen on the labelled pairs of
`bench/vitext_dedup.py` (docs/benchmarks.md): 2-syllable shingles found 0.4 point more of the
edited copies but raised the resemblance of unrelated pairs (99th percentile 0.23 against
0.13), leaving less room below the threshold; 4-syllable ones lost 0.8 point of recall. A
text too short for that (fewer than `SHORT_TEXT` syllables: a one-line case) uses single
syllables and pairs, so "Mất điện khu phố 2 từ sáng" still has a signature
that its copies match. An empty text has the empty signature, similar to nothing.

Similarity is the estimated Jaccard index (share of equal positions). A text split in two
has a Jaccard index near 0.5 with the whole, so `containment` estimates how much of the
smaller text lies in the larger one from the Jaccard index and the two shingle-set sizes,
which the signature carries itself (the minima of n random values average 1/(n + 1)).
`resemblance` is the larger of the two and is what `LshIndex.duplicates` and `clusters`
compare with `LIKELY`. In a one-line text one word is the whole matter ("Mất điện…" and "Mất
nước khu phố 2 từ sáng" share most shingles): a caller deciding on short texts alone should
ask for more, and `estimated_shingles` tells how long a signed text was.

The LSH index cuts a signature into `BANDS` bands of `ROWS` values: two texts become
candidates when one band is equal, which happens with probability 1 - (1 - s^ROWS)^BANDS
for Jaccard s: 42 × 3 gives 0.29 at s = 0.2, 0.94 at 0.4 and 0.996 at 0.5 (the curve's
steepest point is near 0.29). It is set well below `LIKELY` on purpose: a part of a split
text has a Jaccard index near 0.5 with the whole, and with 32 × 4 (steepest near 0.42) one
half of a news article in six was never offered. `resemblance` then decides among the candidates.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence

import numpy as np

SIZE = 128
BANDS, ROWS = 42, 3  # 126 of the 128 values
SHINGLE = 3
SHORT_TEXT = 12  # syllables; below this a text is shingled by single syllables and pairs
LIKELY = 0.5  # resemblance from which two texts are offered as the same matter
# Containment counts only for a part big enough to mean something: a stock phrase such as
# "đề nghị phường xử lý" lies inside many unrelated texts.
MIN_CONTAINED_SHINGLES = 10

Signature = tuple[int, ...]

_MARKS = re.compile("[\u0300-\u036f]")
_NOT_WORD = re.compile(r"[\W_]+")
_MASK64 = (1 << 64) - 1
_MAX31 = (1 << 31) - 1
_SEED = 0x6E676865_64616E00  # fixed for ever: stored signatures depend on it

# Shingle hashes of two syllables combine with distinct odd multipliers, so order counts.
_COMBINE = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53],
    np.uint64,
)  # fmt: skip


def _splitmix64(state: int) -> tuple[int, int]:
    """One step of SplitMix64: the next state and its output (plain Python, fixed for ever)."""
    state = (state + 0x9E3779B97F4A7C15) & _MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return state, z ^ (z >> 31)


def _multipliers(count: int) -> np.ndarray:
    """Odd multipliers of the multiply-shift hashes, from a fixed seed. Shingle hashes are
    already well mixed, so (a · x mod 2^64) >> 33 needs no added offset; measured on random
    sets, its Jaccard estimates have the binomial spread a true permutation would give."""
    state, multipliers = _SEED, []
    for _ in range(count):
        state, value = _splitmix64(state)
        multipliers.append(value | 1)
    return np.array(multipliers, np.uint64)


_MULTIPLIERS = _multipliers(SIZE)
_CHUNK = 4096  # shingles per numpy block: bounds memory on a 10 MB text


def syllables(text: str) -> list[bytes]:
    """The text's syllables, lower case, without diacritics, as UTF-8 bytes."""
    folded = unicodedata.normalize("NFD", (text or "").lower())
    folded = _MARKS.sub("", folded).replace("đ", "d")
    return _NOT_WORD.sub(" ", folded).encode("utf-8").split()


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finalizer on uint64 values: every input bit moves every output bit."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def _ngram_hashes(words: np.ndarray, size: int) -> np.ndarray:
    count = len(words) - size + 1
    if count <= 0:
        return np.empty(0, np.uint64)
    combined = np.full(count, np.uint64(size))
    for offset in range(size):
        combined = combined + words[offset : offset + count] * _COMBINE[offset]
    return _mix(combined)


def shingle_hashes(text: str) -> np.ndarray:
    """The distinct 64-bit hashes of the text's shingles (see the module's docstring)."""
    found = syllables(text)
    if not found:
        return np.empty(0, np.uint64)
    words = np.fromiter(map(zlib.crc32, found), np.uint64, len(found))
    if len(found) >= SHORT_TEXT:
        hashes = _ngram_hashes(words, SHINGLE)
    else:
        hashes = np.concatenate([_ngram_hashes(words, 1), _ngram_hashes(words, 2)])
    return np.unique(hashes)


def signature_of_hashes(hashes: np.ndarray) -> Signature:
    """MinHash of a set of shingle hashes; () for the empty set."""
    if hashes.size == 0:
        return ()
    lowest = np.full(SIZE, np.uint64(_MASK64))
    for start in range(0, hashes.size, _CHUNK):
        # (SIZE, chunk): the minimum runs along contiguous memory, which numpy does fastest.
        block = np.multiply.outer(_MULTIPLIERS, hashes[start : start + _CHUNK])
        np.minimum(lowest, block.min(axis=1), out=lowest)
    return tuple((lowest >> np.uint64(33)).tolist())


def signature(text: str) -> Signature:
    """The text's MinHash signature: `SIZE` integers in [0, 2^31), () for an empty text."""
    return signature_of_hashes(shingle_hashes(text))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard index of the two texts' shingle sets (0 when either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


def estimated_shingles(sig: Sequence[int]) -> float:
    """How many distinct shingles the text had, estimated from its signature alone.

    Each value is the minimum of n uniform draws; (k - 1) / Σ minima is the usual unbiased
    estimator of n + 1 from k such minima (relative error about 1/√k)."""
    if not sig:
        return 0.0
    minima = (np.asarray(sig, np.float64) + 0.5) / (_MAX31 + 1)
    return max(1.0, (len(sig) - 1) / float(minima.sum()) - 1)


def containment(part: Sequence[int], whole: Sequence[int]) -> float:
    """Estimated share of `part`'s shingles found in `whole`: |A ∩ B| / |A|."""
    jaccard = similarity(part, whole)
    if jaccard == 0.0:
        return 0.0
    size_part, size_whole = estimated_shingles(part), estimated_shingles(whole)
    shared = jaccard / (1 + jaccard) * (size_part + size_whole)
    return min(1.0, shared / size_part)


def resemblance(a: Sequence[int], b: Sequence[int]) -> float:
    """How much two texts are the same text: the Jaccard index, or, when the smaller one is
    big enough, the share of it that the larger one contains (a part of a split text)."""
    jaccard = similarity(a, b)
    if jaccard == 0.0:
        return 0.0
    smaller, larger = sorted((a, b), key=estimated_shingles)
    if estimated_shingles(smaller) < MIN_CONTAINED_SHINGLES:
        return jaccard
    return max(jaccard, containment(smaller, larger))


class LshIndex:
    """Signatures cut into bands; texts sharing a band are candidates for one another."""

    def __init__(self, bands: int = BANDS, rows: int = ROWS):
        if bands * rows > SIZE:
            raise ValueError(
                f"{bands} dải × {rows} hàng cần {bands * rows} giá trị, chữ ký chỉ có {SIZE}: "
                f"hãy giảm số dải hoặc số hàng. / {bands} bands × {rows} rows exceed {SIZE}."
            )
        self.bands, self.rows = bands, rows
        self.signatures: dict[Hashable, Signature] = {}
        self._buckets: list[defaultdict[tuple[int, ...], list[Hashable]]] = [
            defaultdict(list) for _ in range(bands)
        ]

    def __len__(self) -> int:
        return len(self.signatures)

    def _band_keys(self, sig: Sequence[int]) -> list[tuple[int, ...]]:
        rows = self.rows
        return [tuple(sig[band * rows : (band + 1) * rows]) for band in range(self.bands)]

    def add(self, key: Hashable, sig: Sequence[int]) -> None:
        """Index a text under `key`. Empty signatures are kept but never match."""
        if key in self.signatures:
            raise ValueError(
                f"Khóa {key!r} đã có trong chỉ mục: mỗi văn bản một khóa. "
                f"/ Key {key!r} is already indexed."
            )
        self.signatures[key] = tuple(sig)
        if len(sig) != SIZE:
            return
        for bucket, band in zip(self._buckets, self._band_keys(sig), strict=True):
            bucket[band].append(key)

    def query(self, sig: Sequence[int]) -> set[Hashable]:
        """Keys of the indexed texts sharing at least one band with `sig`."""
        if len(sig) != SIZE:
            return set()
        found: set[Hashable] = set()
        for bucket, band in zip(self._buckets, self._band_keys(sig), strict=True):
            found.update(bucket.get(band, ()))
        return found

    def duplicates(
        self, sig: Sequence[int], threshold: float = LIKELY, limit: int | None = None
    ) -> list[tuple[Hashable, float]]:
        """Indexed texts resembling `sig` at least `threshold`, most alike first."""
        scored = [(key, resemblance(sig, self.signatures[key])) for key in self.query(sig)]
        kept = [(key, score) for key, score in scored if score >= threshold]
        kept.sort(key=lambda pair: (-pair[1], str(pair[0])))
        return kept[:limit] if limit is not None else kept

    def pairs(self, threshold: float = LIKELY) -> list[tuple[Hashable, Hashable, float]]:
        """Every pair of indexed texts resembling each other at least `threshold`."""
        seen: set[tuple[Hashable, Hashable]] = set()
        found = []
        order = {key: position for position, key in enumerate(self.signatures)}
        for bucket in self._buckets:
            for keys in bucket.values():
                for i, first in enumerate(keys):
                    for second in keys[i + 1 :]:
                        pair = (first, second) if order[first] < order[second] else (second, first)
                        if pair in seen:
                            continue
                        seen.add(pair)
                        score = resemblance(self.signatures[first], self.signatures[second])
                        if score >= threshold:
                            found.append((*pair, score))
        return found

    def clusters(self, threshold: float = LIKELY) -> list[list[Hashable]]:
        """Groups of texts linked by chains of resembling pairs (union–find), biggest first;
        texts resembling nothing are left out. Keys keep the order they were added in."""
        parent = {key: key for key in self.signatures}

        def root(key: Hashable) -> Hashable:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for first, second, _score in self.pairs(threshold):
            a, b = root(first), root(second)
            if a != b:
                parent[b] = a
        groups: dict[Hashable, list[Hashable]] = defaultdict(list)
        for key in self.signatures:
            groups[root(key)].append(key)
        linked = [group for group in groups.values() if len(group) > 1]
        linked.sort(key=len, reverse=True)
        return linked


def clusters(
    texts: Iterable[tuple[Hashable, str]], threshold: float = LIKELY
) -> list[list[Hashable]]:
    """Group (key, text) pairs that are the same text, edited or split (see `LshIndex`)."""
    index = LshIndex()
    for key, text in texts:
        index.add(key, signature(text))
    return index.clusters(threshold)
