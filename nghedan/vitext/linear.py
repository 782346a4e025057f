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
plus `offsets` (thresholds tuned for macro-F1).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .features import FEATURES_VERSION, FeatureRows

ARTIFACT_VERSION = 1


class ModelFormatError(ValueError):
    """An artifact that cannot be used by this version of the engine."""


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
        if not self.models:
            return {}
        position = self.table.lookup(batch.keys)
        known = position >= 0
        position = position[known]
        doc = batch.row_of_entry()[known]
        return {
            name: self._model_scores(model, self.rows_of[name][position], doc, batch.rows)
            for name, model in self.models.items()
        }

    @staticmethod
    def _model_scores(model: LinearModel, rows: np.ndarray, doc: np.ndarray, n: int) -> np.ndarray:
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

    def predict(self, batch: FeatureRows) -> dict[str, list[tuple[str, float]]]:
        """For each model, one (label, probability of that label) per row."""
        answers: dict[str, list[tuple[str, float]]] = {}
        for name, scores in self.scores(batch).items():
            model = self.models[name]
            probabilities = softmax(scores / model.temperature)
            chosen = np.argmax(scores + model.offsets, axis=1)
            answers[name] = [
                (model.labels[c], float(probabilities[i, c])) for i, c in enumerate(chosen)
            ]
        return answers


def available(folder: Path) -> list[str]:
    """Names of the artifacts in `folder`."""
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if (folder / f"{p.stem}.npz").exists())
