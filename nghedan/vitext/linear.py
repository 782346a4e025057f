"""Linear models over hashed features: the artifact format, loading and batch prediction.

An artifact is two files in the models folder:
- `NAME.npz` (compressed): `keys` (sorted uint64 feature keys the model knows), `weights`
  (float16, one row per key, one column per label), `bias` and `offsets` (float32, one per
  label);
- `NAME.json`: labels, how feature counts become values (`scaling`), the feature version,
  the decision offsets' meaning, the training command and the scores measured.

The score of label c for a text is bias[c] + scale * sum over the text's keys of
weights[key, c], one term per occurrence; `scale` is 1 (`"count"`, naive Bayes) or
1 / sqrt(occurrences of known keys) (`"sqrt"`, logistic models). Probabilities are the
softmax of the scores divided by `temperature`; the decision is the arg-max of the scores
plus `offsets` (thresholds tuned for macro-F1). An optional `gate` in the JSON says when the
Analyzer withholds the decision (see `Gate`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from .features import FEATURES_VERSION, FeatureRows, view_of
from .result import WithheldReason

ARTIFACT_VERSION = 1


class ModelFormatError(ValueError):
    """An artifact that cannot be used by this version of the engine."""


# The view whose keys tell how familiar a text is to a model: syllable bigrams without
# diacritics, which the same text meets whether or not it was typed with them.
FAMILIARITY_VIEW = 22
# A text with fewer such bigrams is too short to tell, and is never withheld for it.
MIN_BIGRAMS_TO_JUDGE = 3
SYLLABLE_VIEW = 11  # one key per syllable: their count is the text's length


@dataclass(frozen=True)
class Gate:
    """When a model's decision is withheld rather than given. The bounds are set by the training
    command from held-out rows (`training.fit_gate`); 0 lets every answer through.

    - "unfamiliar": the model knows fewer than `min_known_share` of the text's bigrams (see
      FAMILIARITY_VIEW): the text is unlike anything it learnt from, and its confidence there
      means nothing (a model of students' feedback reading a news report).
    - "too_long": the text has more syllables than `max_syllables`, the longest text of its
      dev split and of the deployer's own training rows (a model of one-line comments reading
      a whole article).
    - "unsure": the chosen label's probability is below `min_probability`, where held-out
      answers were wrong more often than right.
    """

    min_known_share: float = 0.0
    max_syllables: int = 0
    min_probability: float = 0.0

    def withheld(
        self, probabilities: np.ndarray, known_shares: np.ndarray, syllables: np.ndarray
    ) -> dict[int, Withholding]:
        """The rows withheld, by row, each with its first reason in the order above. A NaN
        known share (too short to judge) is never unfamiliar."""
        found: dict[int, Withholding] = {}
        checks: tuple[tuple[WithheldReason, np.ndarray, np.ndarray, float], ...] = (
            ("unsure", probabilities, probabilities < self.min_probability, self.min_probability),
            ("too_long", syllables, syllables > (self.max_syllables or np.inf), self.max_syllables),
            ("unfamiliar", known_shares, known_shares < self.min_known_share, self.min_known_share),
        )
        for reason, values, failed, bound in checks:  # the last reason written wins
            for row in np.flatnonzero(failed).tolist():
                found[row] = Withholding(reason, float(values[row]), bound)
        return found

    @classmethod
    def from_meta(cls, meta: dict) -> Gate:
        gate = meta.get("gate") or {}
        return cls(
            min_known_share=float(gate.get("min_known_share", 0.0)),
            max_syllables=int(gate.get("max_syllables", 0)),
            min_probability=float(gate.get("min_probability", 0.0)),
        )


@dataclass(frozen=True)
class Withholding:
    reason: WithheldReason
    value: float  # the text's known share or syllables, or the chosen label's probability
    threshold: float


@dataclass(frozen=True)
class Answer:
    label: str
    probability: float
    withheld: Withholding | None = None


@dataclass
class LinearModel:
    name: str
    labels: list[str]
    keys: np.ndarray  # uint64, sorted
    weights: np.ndarray  # float32 (len(keys), len(labels))
    bias: np.ndarray  # float32 (len(labels),)
    offsets: np.ndarray  # float32 (len(labels),)
    scaling: str = "sqrt"  # "sqrt" | "count"
    temperature: float = 1.0  # scores are divided by it before the softmax
    meta: dict = field(default_factory=dict)

    @property
    def gate(self) -> Gate:
        return Gate.from_meta(self.meta)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / f"{self.name}.npz",
            keys=self.keys,
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            offsets=self.offsets.astype(np.float32),
        )
        meta = {
            **self.meta,
            "name": self.name,
            "labels": self.labels,
            "scaling": self.scaling,
            "temperature": self.temperature,
            "features_version": FEATURES_VERSION,
            "artifact_version": ARTIFACT_VERSION,
            "keys": len(self.keys),
        }
        (folder / f"{self.name}.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, name: str) -> LinearModel:
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        if meta.get("features_version") != FEATURES_VERSION:
            raise ModelFormatError(
                f"Mô hình {name} được huấn luyện với đặc trưng phiên bản "
                f"{meta.get('features_version')}, cần {FEATURES_VERSION}: hãy huấn luyện lại."
            )
        with np.load(folder / f"{name}.npz") as arrays:
            return cls(
                name=name,
                labels=list(meta["labels"]),
                keys=arrays["keys"],
                weights=arrays["weights"].astype(np.float32),
                bias=arrays["bias"],
                offsets=arrays["offsets"],
                scaling=meta.get("scaling", "sqrt"),
                temperature=float(meta.get("temperature", 1.0)),
                meta=meta,
            )

    def scores(self, rows: FeatureRows) -> np.ndarray:
        """Raw scores (rows, labels), before offsets, temperature and softmax."""
        return ModelSet([self]).scores(rows)[self.name]


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _sorted_union(sorted_arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct keys of already sorted arrays (merging sorted runs is much faster than
    np.unique, which made loading slow)."""
    if not sorted_arrays:
        return np.empty(0, dtype=np.uint64)
    merged = np.sort(np.concatenate(sorted_arrays), kind="stable")
    distinct = np.ones(len(merged), dtype=bool)
    distinct[1:] = merged[1:] != merged[:-1]
    return merged[distinct]


class KeyTable:
    """An open-addressing hash table from uint64 key to its index in a key array, looked up for
    a whole batch at once (a few vectorized probes instead of a binary search per key)."""

    def __init__(self, keys: np.ndarray):
        size = 1 << max(4, int(2 * max(len(keys), 1) - 1).bit_length())  # load factor <= 1/2
        self.mask = np.uint64(size - 1)
        self.keys = np.zeros(size, dtype=np.uint64)
        self.index = np.full(size, -1, dtype=np.int32)
        pending = np.arange(len(keys))
        probe = 0
        while len(pending):
            slots = self._slots(keys[pending], probe)
            free = self.index[slots] < 0
            candidates, candidate_slots = pending[free], slots[free]
            taken, first = np.unique(candidate_slots, return_index=True)
            self.keys[taken] = keys[candidates[first]]
            self.index[taken] = candidates[first]
            placed = np.zeros(len(keys), dtype=bool)
            placed[candidates[first]] = True
            pending = pending[~placed[pending]]
            probe += 1
        self.longest_probe = probe

    def _slots(self, keys: np.ndarray, probe: int) -> np.ndarray:
        return ((keys + np.uint64(probe)) & self.mask).astype(np.int64)

    def lookup(self, queries: np.ndarray) -> np.ndarray:
        """Index of each query key, -1 for unknown keys."""
        found = np.full(len(queries), -1, dtype=np.int32)
        active = np.arange(len(queries))
        for probe in range(self.longest_probe):
            if not len(active):
                break
            slots = self._slots(queries[active], probe)
            index = self.index[slots]
            hit = (index >= 0) & (self.keys[slots] == queries[active])
            found[active[hit]] = index[hit]
            active = active[~hit & (index >= 0)]
        return found


class ModelSet:
    """Several models answering together: the keys of a batch are looked up once in the union
    of all models' keys, then each model gathers its own rows."""

    def __init__(self, models: list[LinearModel]):
        self.models = {m.name: m for m in models}
        all_keys = [m.keys for m in models]
        self.keys = _sorted_union(all_keys)
        self.table = KeyTable(self.keys)
        # For each model, the row of each union key in its own weights (-1: unknown to it).
        self.rows_of: dict[str, np.ndarray] = {}
        for model in models:
            rows = np.full(len(self.keys), -1, dtype=np.int32)
            rows[np.searchsorted(self.keys, model.keys)] = np.arange(len(model.keys))
            self.rows_of[model.name] = rows

    def scores(self, batch: FeatureRows) -> dict[str, np.ndarray]:
        found = self._lookup(batch)
        return {name: self._model_scores(name, found) for name in self.models}

    def _lookup(self, batch: FeatureRows) -> _Found:
        position = self.table.lookup(batch.keys)
        known = position >= 0
        return _Found(batch, position[known], batch.row_of_entry(), known)

    def _model_scores(self, name: str, found: _Found) -> np.ndarray:
        model, n = self.models[name], found.batch.rows
        rows = self.rows_of[name][found.position]
        doc = found.known_doc
        mine = rows >= 0
        rows, doc = rows[mine], doc[mine]
        sums = np.zeros((n, len(model.labels)), dtype=np.float64)
        if len(rows):
            counts = np.bincount(doc, minlength=n)
            filled = counts > 0
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[filled]
            sums[filled] = np.add.reduceat(model.weights[rows], starts, axis=0)
            if model.scaling == "sqrt":
                sums /= np.sqrt(np.maximum(counts, 1))[:, None]
        return sums + model.bias

    def known_shares(self, batch: FeatureRows, name: str) -> np.ndarray:
        """For each row, the share of its FAMILIARITY_VIEW keys the model knows; NaN for rows
        with fewer than MIN_BIGRAMS_TO_JUDGE of them."""
        return self._known_shares(name, self._lookup(batch))

    def syllables(self, batch: FeatureRows) -> np.ndarray:
        """Each row's length in syllables."""
        return self._lookup(batch).syllables()

    def _known_shares(self, name: str, found: _Found) -> np.ndarray:
        n = found.batch.rows
        in_view = found.views == FAMILIARITY_VIEW
        total = np.bincount(found.doc[in_view], minlength=n)
        known_to_model = np.zeros(len(in_view), dtype=bool)
        known_to_model[found.known] = self.rows_of[name][found.position] >= 0
        known = np.bincount(found.doc[in_view & known_to_model], minlength=n)
        shares = known / np.maximum(total, 1)
        shares[total < MIN_BIGRAMS_TO_JUDGE] = np.nan
        return shares

    def _withheld(self, name: str, found: _Found, chosen_p: np.ndarray) -> dict[int, Withholding]:
        gate = self.models[name].gate
        if gate == Gate():
            return {}
        n = found.batch.rows
        shares = self._known_shares(name, found) if gate.min_known_share else np.full(n, np.nan)
        lengths = found.syllables() if gate.max_syllables else np.zeros(n, dtype=np.int64)
        return gate.withheld(chosen_p, shares, lengths)

    def predict(self, batch: FeatureRows) -> dict[str, list[tuple[str, float]]]:
        """For each model, one (label, probability of that label) per row, never withheld."""
        return {
            name: [(a.label, a.probability) for a in answers]
            for name, answers in self.answer(batch, gated=False).items()
        }

    def answer(self, batch: FeatureRows, gated: bool = True) -> dict[str, list[Answer]]:
        """For each model, one answer per row; with `gated`, each says whether the model's gate
        withholds it."""
        if not self.models:
            return {}
        found = self._lookup(batch)
        answers: dict[str, list[Answer]] = {}
        for name, model in self.models.items():
            scores = self._model_scores(name, found)
            probabilities = softmax(scores / model.temperature)
            chosen = np.argmax(scores + model.offsets, axis=1)
            chosen_p = probabilities[np.arange(batch.rows), chosen]
            withheld = self._withheld(name, found, chosen_p) if gated else {}
            labels = model.labels
            answers[name] = [
                Answer(labels[c], p, withheld.get(row))
                for row, (c, p) in enumerate(zip(chosen.tolist(), chosen_p.tolist(), strict=True))
            ]
        return answers


@dataclass(frozen=True)
class _Found:
    """Where a batch's keys sit in a ModelSet's union of keys, computed once per batch."""

    batch: FeatureRows
    position: np.ndarray  # union index of each known entry
    doc: np.ndarray  # row of every entry
    known: np.ndarray  # bool per entry: in the union

    @cached_property
    def known_doc(self) -> np.ndarray:
        """The row of each known entry."""
        return self.doc[self.known]

    @cached_property
    def views(self) -> np.ndarray:
        return view_of(self.batch.keys)

    def syllables(self) -> np.ndarray:
        """Each row's length in syllables."""
        return np.bincount(self.doc[self.views == SYLLABLE_VIEW], minlength=self.batch.rows)


def available(folder: Path) -> list[str]:
    """Names of the artifacts in `folder`."""
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if (folder / f"{p.stem}.npz").exists())
