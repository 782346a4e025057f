"""The Analyzer: one text (or many) in, one typed `Analysis` out.

Models are loaded once. `analyze_many` extracts the features of the whole batch and runs
every classifier as a few matrix operations; the extractors (places, people, dates,
signature) run text by text.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import engine_version, features
from .linear import Answer, LinearModel, ModelSet, available
from .normalize import has_diacritics, language_of, normalize
from .result import Analysis, Label, Withheld

logger = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parent / "models"
MAX_CHARS = 200_000  # longer texts are analyzed on their start, with truncated=True
CLASSIFIERS = ("topic", "sentiment", "toxicity", "constructiveness", "moderation", "category")
# Models that read a comment with the title of the article it answers, in place of the plain
# model of the same field, for the texts given a context: every such text, or (a model's
# `context_policy` "known") only those under the articles it was trained on.
IN_ARTICLE = {
    "toxicity": "toxicity_in_article",
    "constructiveness": "constructiveness_in_article",
}
FIELD_OF_IN_ARTICLE = {model: field for field, model in IN_ARTICLE.items()}


@dataclass(frozen=True)
class Extractor:
    """A function of the normalized text, found by module and name at first use, so that the
    engine works (with that field left empty) while the module is missing."""

    field: str
    module: str
    function: str

    def resolve(self) -> Callable[[str], Any] | None:
        try:
            module = importlib.import_module(f"{__package__}.{self.module}")
        except ImportError:
            return None
        return getattr(module, self.function, None)


# The extractors the analyzer calls, by Analysis field.
EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("places", "places", "find_places"),
    Extractor("entities", "entities", "find_entities"),  # -> (people, organizations, awards)
    Extractor("dates", "dates", "find_dates"),
    Extractor("signature", "signatures", "signature"),
)


class Analyzer:
    def __init__(self, models_dir: Path | None = None, extractors: bool = True):
        self.models_dir = Path(models_dir) if models_dir else MODELS_DIR
        # Recorded with what the analyzer reads; nghedan.vitext.__version__ for the shipped models.
        self.version = engine_version(self.models_dir)
        names = available(self.models_dir)
        self.models = self._load(n for n in names if n in CLASSIFIERS)
        self.in_article = self._load(n for n in names if n in IN_ARTICLE.values())
        self.known_articles = {
            name: frozenset(int(key, 16) for key in model.meta["known_contexts"])
            for name, model in self.in_article.models.items()
            if model.meta.get("context_policy") == "known"
        }
        self.extractors: dict[str, Callable[[str], Any]] = {}
        if extractors:
            for extractor in EXTRACTORS:
                function = extractor.resolve()
                if function is not None:
                    self.extractors[extractor.field] = function

    def _load(self, names: Iterable[str]) -> ModelSet:
        return ModelSet([LinearModel.load(self.models_dir, n) for n in names])

    @property
    def model_names(self) -> list[str]:
        """The fields the models fill (an in-article model fills its plain model's)."""
        return list(self.models.models)

    def analyze(self, text: str, context: str = "") -> Analysis:
        """`context`: for a comment, the title of the article it answers ("" if unknown)."""
        return self.analyze_many([text], [context])[0]

    def analyze_many(
        self, texts: Sequence[str], contexts: Sequence[str] | None = None
    ) -> list[Analysis]:
        """`contexts`: one per text, as in `analyze`, or None."""
        if isinstance(texts, str):
            raise TypeError(
                "analyze_many cần một danh sách văn bản (list[str]), không phải một str"
            )
        prepared = [_prepare(text, i) for i, text in enumerate(texts)]
        readable = [i for i, p in enumerate(prepared) if _worth_classifying(p)]
        titles = _prepare_contexts(contexts, len(prepared))
        in_article = [k for k, i in enumerate(readable) if titles[i]]
        rows = features.featurize(
            [prepared[i].text for i in readable],
            [titles[i] for i in readable] if in_article else None,
        )
        answers = self.models.answer(rows)
        read_in_article: list[list[str]] = [[] for _ in readable]
        if in_article:
            row_titles = {k: titles[readable[k]] for k in in_article}
            self._read_in_article(rows, answers, row_titles, read_in_article)
        results: list[Analysis] = []
        position = {doc: k for k, doc in enumerate(readable)}
        for i, item in enumerate(prepared):
            k = position.get(i)
            row_answers = {} if k is None else {n: answers[n][k] for n in answers}
            fields = () if k is None else tuple(read_in_article[k])
            results.append(self._analysis(item, row_answers, fields))
        return results

    def _read_in_article(
        self,
        rows: features.FeatureRows,
        answers: dict[str, list[Answer]],
        titles: dict[int, str],
        read_in_article: list[list[str]],
    ) -> None:
        """The in-article models' answers replace the plain ones for the rows with a title (of
        an article the model knows, when it reads only those)."""
        # Each title's key once, and only when a model reads known articles alone.
        keys = {k: features.context_key(t) for k, t in titles.items() if self.known_articles}
        for name, answer in self.in_article.answer(rows).items():
            field = FIELD_OF_IN_ARTICLE[name]
            if field not in answers:  # its plain model is missing: the field stays empty
                continue
            known = self.known_articles.get(name)
            for k in titles:
                if known is None or keys[k] in known:
                    answers[field][k] = answer[k]
                    read_in_article[k].append(field)

    def _analysis(
        self, item: _Prepared, answers: dict[str, Answer], in_article: tuple[str, ...]
    ) -> Analysis:
        extracted = self._extract(item.text) if item.language != "empty" else {}
        labels = {
            name: Label(a.label, a.probability) for name, a in answers.items() if not a.withheld
        }
        withheld = tuple(
            Withheld(name, w.reason, a.label, w.value, w.threshold)
            for name, a in answers.items()
            if (w := a.withheld)
        )
        return Analysis(
            text=item.text,
            language=item.language,
            vietnamese_share=item.share,
            has_diacritics=item.diacritics,
            truncated=item.truncated,
            topic=labels.get("topic"),
            sentiment=labels.get("sentiment"),
            toxicity=labels.get("toxicity"),
            constructiveness=labels.get("constructiveness"),
            moderation=labels.get("moderation"),
            category=labels.get("category"),
            withheld=withheld,
            read_in_article=in_article,
            **extracted,
        )

    def _extract(self, text: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, function in self.extractors.items():
            try:
                value = function(text)
            except Exception:
                # One extractor's failure must not lose the whole analysis of a text.
                logger.exception("Vitext: %s failed on a text of %d characters", name, len(text))
                continue
            if name == "entities":
                people, organizations, awards = value
                found.update(
                    people=tuple(people), organizations=tuple(organizations), awards=tuple(awards)
                )
            else:
                found[name] = tuple(value)
        return found


@dataclass(frozen=True)
class _Prepared:
    text: str
    language: Any
    share: float
    diacritics: bool
    truncated: bool


MIN_SHARE_TO_CLASSIFY = 0.3  # below it the text is not Vietnamese enough for the models


def _worth_classifying(item: _Prepared) -> bool:
    return item.language != "empty" and item.share >= MIN_SHARE_TO_CLASSIFY


def _prepare(text: object, index: int) -> _Prepared:
    if not isinstance(text, str):
        raise TypeError(
            f"Văn bản thứ {index + 1} có kiểu {type(text).__name__}, cần str: hãy giải mã "
            "bytes thành chuỗi (UTF-8) trước khi phân tích. "
            f"(text {index + 1} is {type(text).__name__}, expected str)"
        )
    truncated = len(text) > MAX_CHARS
    normalized = normalize(text[:MAX_CHARS] if truncated else text)
    language, share = language_of(normalized)
    return _Prepared(normalized, language, share, has_diacritics(normalized[:4000]), truncated)


def _prepare_contexts(contexts: Sequence[str] | None, count: int) -> list[str]:
    """Each text's normalized context, "" for none."""
    if contexts is None:
        return [""] * count
    if isinstance(contexts, str) or len(contexts) != count:
        raise ValueError(
            "contexts cần một danh sách cùng độ dài với texts (mỗi văn bản một ngữ cảnh, "
            '"" nếu không có). (contexts must be a list as long as texts)'
        )
    return [
        normalize(c[: features.CONTEXT_CHARS]).strip() if isinstance(c, str) else ""
        for c in contexts
    ]


_shared: Analyzer | None = None
_shared_lock = threading.Lock()


def shared_analyzer() -> Analyzer:
    """The process's one Analyzer, loaded at first use (thread-safe)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = Analyzer()
    return _shared
