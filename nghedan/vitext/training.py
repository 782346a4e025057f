"""Training: the tasks Vitext knows, and two numpy trainers (naive Bayes, logistic regression).

Every task gives a train and a dev split of (text, label). Hyper-parameters and decision
offsets are chosen on a tune split cut from train with a fixed seed; the chosen setting is then
refitted on the whole train split and measured once on dev. Everything is seeded: the same
data and command give the same artifact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .evaluation import Scores, labelled_rows, read_jsonl, score
from .features import FeatureRows, context_key, featurize, view_of
from .linear import MIN_BIGRAMS_TO_JUDGE, LinearModel, ModelSet, softmax
from .normalize import fold, normalize

SEED = 20261127
TUNE_SHARE = 0.1
FOLDS_BY_CONTEXT = 3


@dataclass(frozen=True)
class Split:
    texts: list[str]
    labels: list[str]
    contexts: list[str] = field(default_factory=list)  # one per text, or none at all

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, index: Sequence[int]) -> Split:
        return Split(
            [self.texts[i] for i in index],
            [self.labels[i] for i in index],
            [self.contexts[i] for i in index] if self.contexts else [],
        )


def cut(split: Split, share: float, seed: int = SEED) -> tuple[Split, Split]:
    """(rest, held-out): a seeded random `share` of the rows held out."""
    order = np.random.default_rng(seed).permutation(len(split))
    held = int(round(len(split) * share))
    return split.take(sorted(order[held:])), split.take(sorted(order[:held]))


# --- data of the tasks ---------------------------------------------------------------------


def _jsonl(
    path: Path, label_field: str, label_map: dict[str, str] | None = None, context_field: str = ""
) -> Split:
    rows = labelled_rows(path, label_field, label_map, context_field)
    return Split(rows.texts, rows.labels, rows.contexts)


def _extra(
    paths: Sequence[Path], label_map: dict[str, str] | None, context_field: str = ""
) -> Split:
    joined = Split([], [], [])
    for path in paths:
        joined = _join(joined, _jsonl(path, "label", label_map, context_field))
    return joined


def _join(first: Split, second: Split) -> Split:
    return Split(
        first.texts + second.texts, first.labels + second.labels, first.contexts + second.contexts
    )


@dataclass(frozen=True)
class Method:
    """How to fit: 'nb' (multinomial naive Bayes) or 'logistic' (softmax regression)."""

    kind: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    name: str
    labels: tuple[str, ...]
    build: Callable[[Path, list[Path]], tuple[Split, Split]]  # -> (train, dev)
    grid: tuple[Method, ...]
    metric: str = "accuracy"  # what the tune split maximizes: accuracy | macro_f1
    tune_offsets: bool = False  # decision offsets for macro-F1 (thresholds)
    folds: int = 0  # tune on out-of-fold scores of that many folds (0: one 10% tune split)
    label_field: str = "label"  # in JSONL files given to `evaluate`
    label_map: dict[str, str] = field(default_factory=dict)  # "1" -> "toxic"
    context_field: str = ""  # read as each text's context (a comment's article title)
    # Texts of one short kind (comments, feedback sentences): a text longer than any of its
    # dev split is another kind, and the model's answer on it is withheld. Models of news and
    # cases read a longer text as more evidence, not as a stranger.
    short_texts: bool = False
    data_files: tuple[str, ...] = ()
    licence: str = ""


def _vntc(data: Path, extra: list[Path]) -> tuple[Split, Split]:
    # VNTC ships its train split only: the dev split is a seeded 10% of it.
    train, dev = cut(_jsonl(data / "vntc" / "train.jsonl.gz", "label"), 0.1, SEED + 1)
    return _join(train, _extra(extra, None)), dev


def _pair(
    folder: str,
    train: str,
    dev: str,
    field_name: str,
    label_map: dict[str, str] | None,
    context_field: str = "",
):
    def build(data: Path, extra: list[Path]) -> tuple[Split, Split]:
        return (
            _join(
                _jsonl(data / folder / train, field_name, label_map, context_field),
                _extra(extra, label_map, context_field),
            ),
            _jsonl(data / folder / dev, field_name, label_map, context_field),
        )

    return build


def _category(data: Path, extra: list[Path]) -> tuple[Split, Split]:
    # Written alongside the engine; imported here so that the other tasks work without it.
    from .category_data import build_examples

    examples = build_examples(data, extra)
    split = Split([t for t, _ in examples], [c for _, c in examples])
    return cut(split, 0.1, SEED + 2)


TOXIC = {"1": "toxic", "0": "not_toxic"}
CONSTRUCTIVE = {"1": "constructive", "0": "not_constructive"}
# Naive Bayes on the folded views only: as accurate as on the written ones (0.892 against
# 0.888 on the tune split) and it keeps its accuracy on text typed without diacritics, where
# the written views' likelihoods are skewed by the syllables that have no diacritics anyway.
FOLDED = (21, 22, 41)
TOPIC_GRID = (
    Method("nb", {"alpha": 0.01, "views": FOLDED, "max_keys": 500_000}),
    Method("logistic", {"l2": 1e-6, "epochs": 3, "batch": 256, "views": FOLDED}),
)
_NB_LOGISTIC: dict[str, Any] = {
    "kind": "logistic",
    "params": {"l2": 1e-5, "epochs": 8, "nb_ratio": True},
}
_BALANCED: dict[str, Any] = {
    "kind": "logistic",
    "params": {"l2": 1e-5, "epochs": 8, "balanced": True},
}
COMMENT_GRID = (
    Method(_NB_LOGISTIC["kind"], _NB_LOGISTIC["params"]),
    Method("ensemble", {"members": [_NB_LOGISTIC, _BALANCED]}),
)
# Thirteen labels: the key budget is kept small so that the artifact stays a few megabytes.
CATEGORY_GRID = (
    Method(
        "ensemble",
        {
            "members": [
                {"kind": "logistic", "params": {**_NB_LOGISTIC["params"], "max_keys": 150_000}},
                {"kind": "logistic", "params": {**_BALANCED["params"], "max_keys": 150_000}},
            ]
        },
    ),
)
# UIT-VSFC sentences are clean, fully accented and pre-tokenized: the character n-grams add
# noise there, and rare syllable n-grams (seen once) still carry sentiment.
WORD_VIEWS = (11, 12, 13, 21, 22, 41)
SENTIMENT_GRID = (
    Method("logistic", {"l2": 1e-5, "epochs": 10, "nb_ratio": True}),
    Method("logistic", {"l2": 0.0, "epochs": 10}),
    Method(
        "logistic",
        {"l2": 1e-5, "epochs": 10, "nb_ratio": True, "min_count": 1, "views": WORD_VIEWS},
    ),
)
RESEARCH = "research use only (UIT NLP Group licence): retrain on your own data for production"

TASKS: dict[str, Task] = {
    "topic": Task(
        "topic",
        (
            "chinh_tri_xa_hoi",
            "doi_song",
            "khoa_hoc",
            "kinh_doanh",
            "phap_luat",
            "suc_khoe",
            "the_gioi",
            "the_thao",
            "van_hoa",
            "vi_tinh",
        ),
        _vntc,
        TOPIC_GRID,
        data_files=("vntc/train.jsonl.gz",),
        licence="MIT (VNTC)",
    ),
    "sentiment": Task(
        "sentiment",
        ("negative", "neutral", "positive"),
        _pair("uit_vsfc", "train.jsonl.gz", "dev.jsonl.gz", "sentiment", None),
        SENTIMENT_GRID,
        tune_offsets=True,
        folds=3,  # offsets for the small neutral label need more rows than a 10% split
        label_field="sentiment",
        data_files=("uit_vsfc/train.jsonl.gz", "uit_vsfc/dev.jsonl.gz"),
        short_texts=True,
        licence=RESEARCH,
    ),
    "toxicity": Task(
        "toxicity",
        ("not_toxic", "toxic"),
        _pair("victsd", "train.jsonl.gz", "valid.jsonl.gz", "toxic", TOXIC),
        COMMENT_GRID,
        metric="macro_f1",
        tune_offsets=True,
        folds=3,
        label_field="toxic",
        label_map=TOXIC,
        data_files=("victsd/train.jsonl.gz", "victsd/valid.jsonl.gz"),
        short_texts=True,
        licence=RESEARCH,
    ),
    "constructiveness": Task(
        "constructiveness",
        ("not_constructive", "constructive"),
        _pair("victsd", "train.jsonl.gz", "valid.jsonl.gz", "constructive", CONSTRUCTIVE),
        COMMENT_GRID,
        metric="macro_f1",
        tune_offsets=True,
        folds=3,
        label_field="constructive",
        label_map=CONSTRUCTIVE,
        data_files=("victsd/train.jsonl.gz", "victsd/valid.jsonl.gz"),
        short_texts=True,
        licence=RESEARCH,
    ),
    "moderation": Task(
        "moderation",
        ("clean", "offensive", "hate"),
        _pair("vihsd", "train.jsonl.gz", "dev.jsonl.gz", "label", None),
        COMMENT_GRID,
        metric="macro_f1",
        tune_offsets=True,
        data_files=("vihsd/train.jsonl.gz", "vihsd/dev.jsonl.gz"),
        short_texts=True,
        licence=RESEARCH,
    ),
    "category": Task(
        "category",
        (),  # the codes found in the examples
        _category,
        CATEGORY_GRID,
        metric="macro_f1",
        data_files=(
            "tc201805/train.jsonl.gz",
            "vntc/train.jsonl.gz",
            "weak labels and officers' corrections",
        ),
        licence=(
            "tc201805: unknown licence, internal experiments only; VNTC: MIT; officers' own data"
        ),
    ),
}


# Comments read with the title of the article each one answers (ViCTSD gives it with every
# comment): the same labels, data and tuning as the plain task, and the title's keys as well.
ARTICLE_TITLE = "article_title"


def _read_in_article(plain: Task) -> Task:
    build = _pair(
        "victsd", "train.jsonl.gz", "valid.jsonl.gz", plain.label_field, plain.label_map,
        ARTICLE_TITLE,
    )  # fmt: skip
    return replace(plain, name=f"{plain.name}_in_article", build=build, context_field=ARTICLE_TITLE)


for _plain in ("toxicity", "constructiveness"):
    TASKS[f"{_plain}_in_article"] = _read_in_article(TASKS[_plain])


# --- features of a split --------------------------------------------------------------------


@dataclass
class Encoded:
    """A split's feature rows and label indexes."""

    rows: FeatureRows
    y: np.ndarray
    labels: list[str]

    def take(self, index: np.ndarray) -> Encoded:
        starts, ends = self.rows.indptr[index], self.rows.indptr[index + 1]
        lengths = ends - starts
        indptr = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        gather = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
        return Encoded(FeatureRows(indptr, self.rows.keys[gather]), self.y[index], self.labels)


def encode(split: Split, labels: Sequence[str]) -> Encoded:
    index = {label: i for i, label in enumerate(labels)}
    unknown = sorted(set(split.labels) - set(index))
    if unknown:
        raise ValueError(f"Nhãn không có trong nhiệm vụ: {', '.join(unknown[:5])}")
    contexts = [normalize(c) for c in split.contexts] if split.contexts else None
    rows = featurize([normalize(t) for t in split.texts], contexts)
    return Encoded(rows, np.array([index[label] for label in split.labels]), list(labels))


# --- trainers --------------------------------------------------------------------------------


def _key_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.unique(keys, return_counts=True)


def _in_views(keys: np.ndarray, views: Sequence[int] | None) -> np.ndarray:
    if views is None:
        return np.ones(len(keys), dtype=bool)
    return np.isin(view_of(keys), views)


def fit_naive_bayes(
    data: Encoded,
    alpha: float,
    min_count: int = 3,
    max_keys: int = 400_000,
    views: Sequence[int] | None = None,
):
    """Multinomial naive Bayes: log P(key | label), centred across labels, on the most frequent
    keys of the chosen views (see features._SALT)."""
    n_labels = len(data.labels)
    entry_label = data.y[data.rows.row_of_entry()]
    chosen = _in_views(data.rows.keys, views)
    per_label = [_key_counts(data.rows.keys[(entry_label == c) & chosen]) for c in range(n_labels)]
    vocabulary, totals = _key_counts(np.concatenate([k for k, _ in per_label]))
    counts = np.zeros((len(vocabulary), n_labels), dtype=np.float64)
    for c, (keys, n) in enumerate(per_label):
        counts[np.searchsorted(vocabulary, keys), c] = n
    frequent = counts.sum(axis=1) >= min_count
    vocabulary, counts = vocabulary[frequent], counts[frequent]
    if len(vocabulary) > max_keys:
        keep = np.sort(np.argsort(-counts.sum(axis=1), kind="stable")[:max_keys])
        vocabulary, counts = vocabulary[keep], counts[keep]
    log_p = np.log(counts + alpha) - np.log(counts.sum(axis=0) + alpha * len(vocabulary))
    weights = log_p - log_p.mean(axis=1, keepdims=True)
    prior = np.log(np.bincount(data.y, minlength=n_labels) + 1.0)
    return vocabulary, weights.astype(np.float32), (prior - prior.mean()).astype(np.float32)


def _columns(data: Encoded, vocabulary: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR over `vocabulary`: (indptr, columns, row scale 1/sqrt(known entries))."""
    position = np.searchsorted(vocabulary, data.rows.keys)
    position[position >= len(vocabulary)] = 0
    known = vocabulary[position] == data.rows.keys
    per_row = np.add.reduceat(known, data.rows.indptr[:-1]) if len(known) else known
    per_row = np.where(np.diff(data.rows.indptr) > 0, per_row, 0)
    indptr = np.zeros(data.rows.rows + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1:])
    scale = 1.0 / np.sqrt(np.maximum(per_row, 1))
    return indptr, position[known].astype(np.int32), scale.astype(np.float32)


def _log_count_ratios(
    data: Encoded, vocabulary: np.ndarray, columns: np.ndarray, indptr: np.ndarray
) -> np.ndarray:
    """For each key and label, log of how much likelier the key is in the label's texts than in
    the others' (NB-SVM style scaling, one column per label)."""
    n_labels = len(data.labels)
    row = np.repeat(np.arange(len(data.y)), np.diff(indptr))
    flat = columns.astype(np.int64) * n_labels + data.y[row]
    raw = np.bincount(flat, minlength=len(vocabulary) * n_labels).reshape(-1, n_labels)
    counts = raw.astype(np.float64) + 1.0
    total = counts.sum(axis=1, keepdims=True)
    inside = counts / counts.sum(axis=0)
    outside = (total - counts) / (total - counts).sum(axis=0)
    return np.log(inside / outside).astype(np.float32)


def _choose_vocabulary(
    data: Encoded, min_count: int, max_keys: int, views: Sequence[int] | None
) -> np.ndarray:
    vocabulary, totals = _key_counts(data.rows.keys)
    frequent = (totals >= min_count) & _in_views(vocabulary, views)
    vocabulary, totals = vocabulary[frequent], totals[frequent]
    if len(vocabulary) > max_keys:
        vocabulary = np.sort(vocabulary[np.argsort(-totals, kind="stable")[:max_keys]])
    return vocabulary


def _batch_entries(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(entry positions, row within the batch) of the batch's rows in a CSR layout."""
    lengths = indptr[rows + 1] - indptr[rows]
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    entry = np.repeat(indptr[rows] - offsets, lengths) + np.arange(lengths.sum())
    return entry, np.repeat(np.arange(len(rows)), lengths)


class _Adam:
    def __init__(self, shape: tuple[int, ...], rate: float):
        self.first = np.zeros(shape, dtype=np.float32)
        self.second = np.zeros(shape, dtype=np.float32)
        self.rate, self.step = rate, 0

    def update(self, values: np.ndarray, grad: np.ndarray, where: np.ndarray | None = None) -> None:
        """Move `values` (rows `where` only, when given) against `grad`."""
        self.step += 1
        beta1, beta2 = 0.9, 0.999
        correction = np.sqrt(1 - beta2**self.step) / (1 - beta1**self.step)
        index = slice(None) if where is None else where
        first = beta1 * self.first[index] + (1 - beta1) * grad
        second = beta2 * self.second[index] + (1 - beta2) * grad**2
        self.first[index], self.second[index] = first, second
        values[index] -= self.rate * correction * first / (np.sqrt(second) + 1e-8)


def fit_logistic(
    data: Encoded,
    l2: float,
    epochs: int = 6,
    balanced: bool = False,
    nb_ratio: bool = False,
    min_count: int = 2,
    max_keys: int = 600_000,
    rate: float = 0.02,
    batch: int = 64,
    views: Sequence[int] | None = None,
):
    """Logistic regression by mini-batch Adam on sparse rows (lazy updates of touched keys).
    Softmax over labels; or, with `nb_ratio`, one-vs-rest logistic models over features scaled
    by their log-count ratios (NB-SVM), folded into one weight matrix at the end."""
    n_labels = len(data.labels)
    vocabulary = _choose_vocabulary(data, min_count, max_keys, views)
    indptr, columns, scale = _columns(data, vocabulary)
    ratios = (
        _log_count_ratios(data, vocabulary, columns, indptr)
        if nb_ratio
        else np.ones((len(vocabulary), n_labels), dtype=np.float32)
    )
    weights = np.zeros((len(vocabulary), n_labels), dtype=np.float32)
    bias = np.zeros(n_labels, dtype=np.float32)
    weight_steps, bias_steps = _Adam(weights.shape, rate), _Adam(bias.shape, rate)
    frequency = np.bincount(data.y, minlength=n_labels).astype(np.float32)
    label_weight = (
        len(data.y) / (n_labels * np.maximum(frequency, 1))
        if balanced
        else np.ones(n_labels, np.float32)
    )
    rng = np.random.default_rng(SEED)
    n_rows = len(data.y)
    for _ in range(epochs):
        order = rng.permutation(n_rows)
        for start in range(0, n_rows, batch):
            rows = np.sort(order[start : start + batch])
            entry, local = _batch_entries(indptr, rows)
            cols = columns[entry]
            values = scale[rows][local]
            scaled = weights[cols] * ratios[cols]
            logits = np.zeros((len(rows), n_labels), dtype=np.float32)
            for c in range(n_labels):
                logits[:, c] = np.bincount(local, scaled[:, c] * values, minlength=len(rows))
            logits += bias
            target = np.zeros_like(logits)
            target[np.arange(len(rows)), data.y[rows]] = 1.0
            predicted = 1 / (1 + np.exp(-logits)) if nb_ratio else softmax(logits)
            error = (predicted - target) * label_weight[data.y[rows]][:, None] / len(rows)
            touched, inverse = np.unique(cols, return_inverse=True)
            grad = np.zeros((len(touched), n_labels), dtype=np.float32)
            for c in range(n_labels):
                grad[:, c] = np.bincount(inverse, error[local, c] * values, minlength=len(touched))
            grad = grad * ratios[touched] + l2 * weights[touched]
            weight_steps.update(weights, grad, touched)
            bias_steps.update(bias, error.sum(axis=0))
    return vocabulary, weights * ratios, bias


def fit(name: str, data: Encoded, method: Method) -> LinearModel:
    labels = list(data.labels)
    zeros = np.zeros(len(labels), dtype=np.float32)
    if method.kind == "nb":
        keys, weights, bias = fit_naive_bayes(data, **method.params)
        return LinearModel(name, labels, keys, weights, bias, zeros, scaling="count")
    if method.kind == "logistic":
        keys, weights, bias = fit_logistic(data, **method.params)
        return LinearModel(name, labels, keys, weights, bias, zeros, scaling="sqrt")
    if method.kind == "ensemble":
        members = [fit(name, data, Method(**member)) for member in method.params["members"]]
        return average(members)
    raise ValueError(f"unknown method {method.kind}")


def average(members: list[LinearModel]) -> LinearModel:
    """One linear model whose scores are the mean of the members' scores (same scaling)."""
    first = members[0]
    if any(m.scaling != first.scaling for m in members):
        raise ValueError("ensemble members must share their scaling")
    keys = np.unique(np.concatenate([m.keys for m in members]))
    weights = np.zeros((len(keys), len(first.labels)), dtype=np.float32)
    for member in members:
        weights[np.searchsorted(keys, member.keys)] += member.weights / len(members)
    bias = np.mean([m.bias for m in members], axis=0).astype(np.float32)
    return LinearModel(
        first.name, first.labels, keys, weights, bias, first.offsets.copy(), scaling=first.scaling
    )


# --- decisions -------------------------------------------------------------------------------


def decide(scores: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    return np.argmax(scores + offsets, axis=1)


def measure(scores: np.ndarray, offsets: np.ndarray, data: Encoded) -> Scores:
    predicted = decide(scores, offsets)
    names = data.labels
    return score([names[i] for i in data.y], [names[i] for i in predicted], names)


def tune_offsets(scores: np.ndarray, data: Encoded, metric: str = "macro_f1") -> np.ndarray:
    """Offsets added to the scores that maximize `metric` (coordinate search, label 0 fixed)."""
    offsets = np.zeros(scores.shape[1], dtype=np.float32)
    spread = float(np.std(scores)) or 1.0
    grid = np.linspace(-1.5, 1.5, 61) * spread
    best = getattr(measure(scores, offsets, data), metric)
    for _ in range(2):
        for c in range(1, scores.shape[1]):
            for value in grid:
                trial = offsets.copy()
                trial[c] = value
                result = getattr(measure(scores, trial, data), metric)
                if result > best + 1e-9:
                    best, offsets = result, trial
    return offsets


def fit_temperature(scores: np.ndarray, data: Encoded) -> float:
    """The divisor of the scores that makes the probabilities best calibrated (log-loss)."""
    best, chosen = np.inf, 1.0
    for temperature in (0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256):
        p = softmax(scores / temperature)[np.arange(len(data.y)), data.y]
        loss = -np.mean(np.log(np.maximum(p, 1e-12)))
        if loss < best:
            best, chosen = loss, float(temperature)
    return chosen


def model_scores(model: LinearModel, data: Encoded) -> np.ndarray:
    return ModelSet([model]).scores(data.rows)[model.name]


# --- when to withhold an answer (linear.Gate) ------------------------------------------------

# Held-out texts of the task's own kind withheld as unfamiliar: at most this share (2%).
FAMILIAR_PERCENTILE = 2


def fit_gate(
    model: LinearModel,
    held_scores: np.ndarray,
    held: Encoded,
    dev: Encoded,
    short_texts: Sequence[Encoded] = (),
) -> dict:
    """The model's gate and what it does on dev, as stored in its JSON ("gate"):
    - `min_probability`: answers below it are withheld; the bound that maximizes, on rows
      scored by models that did not see them, right answers given minus wrong ones;
    - `min_known_share`: texts whose share of known bigrams is below it are withheld; the
      FAMILIAR_PERCENTILE-th percentile of the dev texts' shares (dev is unseen by the model);
    - `max_syllables`: for a task of short texts, longer texts are withheld; the longest of
      `short_texts`: the dev split and the deployer's own rows (`--extra`). The public train
      splits are left out: their few outliers (a ViHSD "comment" of 3,073 syllables) would lift
      the bound past whole articles. 0, no bound, for the other tasks.
    """
    probabilities = softmax(held_scores / model.temperature)
    chosen = decide(held_scores, model.offsets)
    chosen_p = probabilities[np.arange(len(chosen)), chosen]
    order = np.argsort(-chosen_p, kind="stable")
    gain = np.cumsum(np.where(chosen[order] == held.y[order], 1, -1))
    last = int(np.argmax(gain))
    min_probability = 0.0 if last == len(order) - 1 else float(chosen_p[order][last])
    alone = ModelSet([model])
    shares = alone.known_shares(dev.rows, model.name)
    judged = shares[~np.isnan(shares)]
    min_known_share = float(np.percentile(judged, FAMILIAR_PERCENTILE)) if len(judged) else 0.0
    longest = max(
        (int(alone.syllables(part.rows).max(initial=0)) for part in short_texts), default=0
    )
    gate = {
        "min_probability": _floor(min_probability),
        "min_known_share": _floor(min_known_share),
        "max_syllables": longest,
        "familiar_percentile": FAMILIAR_PERCENTILE,
        "min_bigrams_to_judge": MIN_BIGRAMS_TO_JUDGE,
    }
    model.meta["gate"] = gate
    return {**gate, "dev": _gated_scores(model, dev)}


def _floor(value: float) -> float:
    """Rounded down to 4 places, so that the row that set a bound still passes it."""
    return float(np.floor(value * 10_000) / 10_000)


def _gated_scores(model: LinearModel, data: Encoded) -> dict:
    """How many rows the gated model answers and its scores on them."""
    answers = ModelSet([model]).answer(data.rows)[model.name]
    given = [i for i, a in enumerate(answers) if a.withheld is None]
    reasons = [a.withheld.reason for a in answers if a.withheld]
    names = data.labels
    answered = score(
        [names[data.y[i]] for i in given], [answers[i].label for i in given], names
    ).as_dict()
    return {
        "rows": len(answers),
        "answered": len(given),
        "unfamiliar": reasons.count("unfamiliar"),
        "too_long": reasons.count("too_long"),
        "unsure": reasons.count("unsure"),
        "scores_on_answered": answered,
    }


# --- the whole procedure ---------------------------------------------------------------------


@dataclass
class Outcome:
    model: LinearModel
    dev: Scores
    tune: dict[str, float]
    chosen: Method
    extra_scores: dict[str, dict] = field(default_factory=dict)
    gate: dict = field(default_factory=dict)  # the gate and its effect on dev (fit_gate)


def held_out_scores(task: Task, train: Encoded, method: Method) -> tuple[np.ndarray, Encoded]:
    """Scores of train rows by models that did not see them: out-of-fold over `task.folds`
    seeded folds (enough rows to tune thresholds), or one seeded tune split."""
    order = np.random.default_rng(SEED).permutation(len(train.y))
    if task.folds < 2:
        held = np.sort(order[: int(round(len(order) * TUNE_SHARE))])
        rest = np.setdiff1d(np.arange(len(order)), held)
        part = train.take(held)
        return model_scores(fit(task.name, train.take(rest), method), part), part
    scores = np.zeros((len(train.y), len(train.labels)))
    for part_rows in np.array_split(order, task.folds):
        held = np.sort(part_rows)
        rest = np.setdiff1d(np.arange(len(order)), held)
        scores[held] = model_scores(fit(task.name, train.take(rest), method), train.take(held))
    return scores, train


def labels_of(task: Task, train: Split) -> list[str]:
    return list(task.labels) if task.labels else sorted(set(train.labels))


def train_task(
    task: Task, data_dir: Path, extra: list[Path], log: Callable[[str], None] = print
) -> Outcome:
    train_split, dev_split = task.build(data_dir, extra)
    labels = labels_of(task, train_split)
    log(f"{task.name}: train {len(train_split)}, dev {len(dev_split)}, labels {labels}")
    train = encode(train_split, labels)
    dev = encode(dev_split, labels)
    best: tuple[float, Method, np.ndarray, float, np.ndarray, Encoded] | None = None
    tune_report: dict[str, float] = {}
    for method in task.grid:
        scores, truth = held_out_scores(task, train, method)
        offsets = (
            tune_offsets(scores, truth, task.metric) if task.tune_offsets else np.zeros(len(labels))
        )
        result = getattr(measure(scores, offsets, truth), task.metric)
        tune_report[f"{method.kind} {method.params}"] = round(result, 4)
        log(f"  tune {method.kind} {method.params}: {task.metric} {result:.4f}")
        if best is None or result > best[0]:
            best = (result, method, offsets, fit_temperature(scores, truth), scores, truth)
    assert best is not None
    _, method, offsets, temperature, held_scores, held = best
    model = fit(task.name, train, method)
    model.offsets = offsets.astype(np.float32)
    model.temperature = temperature
    dev_scores = measure(model_scores(model, dev), model.offsets, dev)
    log(f"  dev: accuracy {dev_scores.accuracy:.4f}, macro-F1 {dev_scores.macro_f1:.4f}")
    gate = fit_gate(model, held_scores, held, dev, _length_samples(task, dev, extra, labels))
    gated = gate["dev"]
    accuracy = gated["scores_on_answered"]["accuracy"]
    log(
        f"  gate: probability ≥ {gate['min_probability']}, known share ≥ "
        f"{gate['min_known_share']}, syllables ≤ {gate['max_syllables']}; "
        f"dev answered {gated['answered']}/{gated['rows']}, accuracy {accuracy:.4f}"
    )
    extra_scores = {
        "dev_without_diacritics": _unaccented_scores(model, dev_split, labels).as_dict(),
    }
    fresh = _without_train_copies(train_split, dev_split)
    if len(fresh) < len(dev_split):
        kept = encode(fresh, labels)
        extra_scores["dev_without_train_duplicates"] = measure(
            model_scores(model, kept), model.offsets, kept
        ).as_dict()
    if task.context_field:
        new_contexts = _new_context_scores(task, train_split, labels, method, offsets)
        extra_scores.update(new_contexts)
        model.meta.update(_context_policy(task, new_contexts, train_split.contexts))
    for name, value in extra_scores.items():
        log(f"  {name}: accuracy {value['accuracy']:.4f}, macro-F1 {value['macro_f1']:.4f}")
    return Outcome(model, dev_scores, tune_report, method, extra_scores, gate)


def _length_samples(
    task: Task, dev: Encoded, extra: list[Path], labels: list[str]
) -> list[Encoded]:
    """The texts whose lengths bound a model of short texts (`fit_gate`): dev and the extra rows."""
    if not task.short_texts:
        return []
    own = _extra(extra, task.label_map, task.context_field)
    return [dev, encode(own, labels)] if len(own) else [dev]


def _new_context_scores(
    task: Task, train: Split, labels: list[str], method: Method, offsets: np.ndarray
) -> dict[str, dict]:
    """What a comment under an article never seen in training gets. ViCTSD's splits share
    their articles (most dev comments sit under an article with comments in train), so the dev
    scores also reward knowing the article. Here train is scored out of fold with the folds
    grouped by context, with the context's keys and without them (the plain features, with
    offsets tuned for them as the plain model's are).
    """
    contexts = sorted(set(train.contexts))
    order = np.random.default_rng(SEED).permutation(len(contexts))
    fold_of = {contexts[i]: k % FOLDS_BY_CONTEXT for k, i in enumerate(order)}
    folds = np.array([fold_of[c] for c in train.contexts])
    found = {}
    for name, split in (
        ("train_new_articles_out_of_fold", train),
        ("train_new_articles_out_of_fold_without_title", Split(train.texts, train.labels)),
    ):
        data = encode(split, labels)
        if not split.contexts:  # the plain features get the offsets tuned for them
            offsets = tune_offsets(held_out_scores(task, data, method)[0], data, task.metric)
        scores = np.zeros((len(data.y), len(labels)))
        for k in range(FOLDS_BY_CONTEXT):
            held, rest = np.flatnonzero(folds == k), np.flatnonzero(folds != k)
            model = fit(task.name, data.take(rest), method)
            scores[held] = model_scores(model, data.take(held))
        found[name] = measure(scores, offsets, data).as_dict()
    return found


def _context_policy(task: Task, new_contexts: dict[str, dict], contexts: list[str]) -> dict:
    """When the analyzer should read a text with its context: always, if the context's keys help
    under contexts never seen in training too; otherwise only under the contexts of training
    (the articles whose comments it learnt from), whose keys the model then keeps."""
    with_title = new_contexts["train_new_articles_out_of_fold"][task.metric]
    without = new_contexts["train_new_articles_out_of_fold_without_title"][task.metric]
    if with_title >= without:
        return {"context_policy": "all"}
    known = sorted({context_key(normalize(c)) for c in contexts if c.strip()})
    return {"context_policy": "known", "known_contexts": [f"{key:016x}" for key in known]}


def _unaccented_scores(model: LinearModel, dev: Split, labels: list[str]) -> Scores:
    """Dev scores when every dev text is typed without diacritics."""
    folded = encode(
        Split([fold(t) for t in dev.texts], dev.labels, [fold(c) for c in dev.contexts]), labels
    )
    return measure(model_scores(model, folded), model.offsets, folded)


def _without_train_copies(train: Split, dev: Split) -> Split:
    """The dev rows whose text (normalized, spacing ignored) is not also in train."""

    def fingerprint(text: str) -> str:
        return " ".join(normalize(text).lower().split())

    seen = {fingerprint(t) for t in train.texts}
    return dev.take([i for i, t in enumerate(dev.texts) if fingerprint(t) not in seen])


def read_extra(paths: Sequence[Path]) -> int:
    """Rows in the extra files (each checked line by line)."""
    return sum(1 for path in paths for _ in read_jsonl(path))
