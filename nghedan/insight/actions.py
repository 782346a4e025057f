"""Every change to texts, imports, annotations and feeds, one function each, audited.

An import writes its batch row first, then each text in its own transaction together with the
batch's count, so a text is never half-written and a run cut short leaves the batch counting
exactly the texts it stored. The batch's report and its audit entry (one per import, with its
counts: the texts are tied to it) are written last; the texts' annotation is queued when that
commits. Annotating replaces a text's whole reading in one transaction.

A feed's item is known by its guid (Atom id, else link) within the feed: fetched again after
it was edited at its source, it replaces the stored text in place (same id, read again by the
engine), and the replaced title and body are kept in that change's audit entry.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghedan.audit.chain import record
from nghedan.cases.models import Category
from nghedan.insight.feed_addresses import literal_inside_address
from nghedan.insight.fingerprints import body_digest
from nghedan.insight.imports import FORMATS, ItemProblem, ParsedFile, TextDraft, draft_of
from nghedan.insight.labels import BY_FIELD, FIELD_TITLES
from nghedan.insight.models import (
    AnalystLabel,
    Annotation,
    Feed,
    ImportBatch,
    Source,
    Text,
    TextEntity,
    TextPlace,
)
from nghedan.lib.folding import folded
from nghedan.lib.refusal import Refused
from nghedan.places.models import Commune

logger = logging.getLogger(__name__)

# Texts annotated by one background task: enough to batch the engine's work, small enough
# that one task ends within minutes on a busy machine.
ANNOTATION_CHUNK = 200
MAX_FEED_NAME = 150
MAX_FEED_URL = 1000
# After each failure in a row a feed waits twice as long, from 5 minutes up to a day.
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=24)
# How long a fetch may take before another sweep may claim the feed again.
FETCH_CLAIM = timedelta(minutes=10)


class Outcome:
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    UPDATED = "updated"
    REFUSED = "refused"

    LABELS = {
        IMPORTED: gettext_lazy("Đã nhập"),
        DUPLICATE: gettext_lazy("Đã có sẵn"),
        UPDATED: gettext_lazy("Đã cập nhật"),
        REFUSED: gettext_lazy("Bị từ chối"),
    }


# Importing


@dataclass(frozen=True)
class ImportOptions:
    """What applies to every text of one import."""

    kind: str = Text.Kind.NEWS
    source_name: str = ""
    source: str = Source.COMMAND
    file_name: str = ""
    feed: Feed | None = None


def do_import_texts(actor, parsed: ParsedFile, options: ImportOptions) -> ImportBatch:
    """Store each readable, new item of the file as a text; report every item's outcome."""
    if options.kind not in Text.Kind.values:
        raise Refused(
            "bad_kind",
            _("Loại văn bản “%(kind)s” không có; dùng news, comment, grassroots hoặc other.")
            % {"kind": options.kind},
            "kind",
        )
    if parsed.format not in FORMATS:
        raise Refused("bad_format", _("Định dạng tệp không dùng được."), "format")
    signed_in = getattr(actor, "is_authenticated", False)
    batch = ImportBatch.objects.create(
        file_name=options.file_name[:255],
        format=parsed.format,
        source=options.source,
        feed=options.feed,
        created_by=actor if signed_in else None,
        checksum=parsed.checksum,
        warnings=list(parsed.warnings),
    )
    report = []
    to_annotate: list[int] = []
    keys_seen: set[str] = set()
    for item in parsed.items:
        row: dict[str, Any] = {"line": item.line, "file": item.file, "text_id": None}
        try:
            draft = draft_of(item, kind=options.kind, source_name=options.source_name)
        except ItemProblem as problem:
            ImportBatch.objects.filter(pk=batch.pk).update(refused_count=F("refused_count") + 1)
            report.append({**row, "outcome": Outcome.REFUSED, "reason": problem.message})
            continue
        # Two items of one fetch with the same key (a feed that gives every item its home
        # page as link) identify nothing: each is then known by its body alone.
        known = bool(draft.item_key) and draft.item_key not in keys_seen
        keys_seen.add(draft.item_key)
        stored = None
        if known and options.feed is not None:
            stored = _update_feed_item(actor, batch, options.feed, draft)
        if stored is None:
            stored = _store_text(batch, draft, actor if signed_in else None)
        text_id, outcome = stored
        if outcome in (Outcome.IMPORTED, Outcome.UPDATED):
            to_annotate.append(text_id)
        report.append({**row, "outcome": outcome, "text_id": text_id, "reason": draft.note})
    return _finish_import(actor, batch, report, to_annotate)


def _count(batch: ImportBatch, outcome: str) -> None:
    counter = {
        Outcome.IMPORTED: "imported_count",
        Outcome.DUPLICATE: "duplicate_count",
        Outcome.UPDATED: "updated_count",
    }[outcome]
    ImportBatch.objects.filter(pk=batch.pk).update(**{counter: F(counter) + 1})


def _update_feed_item(actor, batch: ImportBatch, feed: Feed, draft: TextDraft):
    """The text this feed item was stored as, replaced by the item's new version when it was
    edited at its source: (id, outcome), or None when the feed's item is not stored yet (or
    its new body is another stored text's: it is then that text's duplicate)."""
    digest = body_digest(draft.body)
    try:
        return _replace_text(actor, batch, feed, draft, digest)
    except IntegrityError:
        # Another import stored the new body a moment ago: the item is that text's duplicate.
        return None


@transaction.atomic
def _replace_text(actor, batch: ImportBatch, feed: Feed, draft: TextDraft, digest: str):
    found = list(
        Text.objects.select_for_update(of=("self",)).filter(
            item_key=draft.item_key, batch__feed=feed
        )[:2]
    )
    if len(found) != 1:
        return None
    text = found[0]
    # What a reader reads: a feed that only moves an item's date has not edited it.
    if (text.body_digest, text.title) == (digest, draft.title):
        _count(batch, Outcome.DUPLICATE)
        return text.pk, Outcome.DUPLICATE
    if Text.objects.filter(body_digest=digest).exclude(pk=text.pk).exists():
        return None
    before = {"title": text.title, "body": text.body, "body_digest": text.body_digest,
              "url": text.url, "published_on": text.published_on}  # fmt: skip
    text.title, text.body, text.body_digest = draft.title, draft.body, digest
    text.search_text = folded(f"{draft.title}\n{draft.body}")
    text.published_on, text.published_precision = draft.published_on, draft.precision
    text.author, text.url = draft.author, draft.url
    text.save(update_fields=[
        "title", "body", "body_digest", "search_text", "published_on", "published_precision",
        "author", "url",
    ])  # fmt: skip
    # The engine's reading was of the old words: gone until it reads the new ones.
    Annotation.objects.filter(text=text).delete()
    TextPlace.objects.filter(text=text).delete()
    TextEntity.objects.filter(text=text).delete()
    _count(batch, Outcome.UPDATED)
    record(actor, "insight.text_update", text, batch=batch.pk, feed=feed.pk,
           item=draft.item_key, before=before, body_digest=digest)  # fmt: skip
    return text.pk, Outcome.UPDATED


def _store_text(batch: ImportBatch, draft: TextDraft, importer) -> tuple[int, str]:
    """The text's id and the outcome: a body already stored is not stored again."""
    digest = body_digest(draft.body)
    existing = Text.objects.filter(body_digest=digest).values_list("pk", flat=True).first()
    if existing is not None:
        _count(batch, Outcome.DUPLICATE)
        return existing, Outcome.DUPLICATE
    try:
        with transaction.atomic():
            text = Text.objects.create(
                kind=draft.kind,
                title=draft.title,
                body=draft.body,
                body_digest=digest,
                search_text=folded(f"{draft.title}\n{draft.body}"),
                published_on=draft.published_on,
                published_precision=draft.precision,
                author=draft.author,
                source_name=draft.source_name[:200],
                url=draft.url,
                item_key=draft.item_key,
                batch=batch,
                imported_by=importer,
            )
            _count(batch, Outcome.IMPORTED)
    except IntegrityError:
        # Another import stored the same body a moment ago.
        same = Text.objects.filter(body_digest=digest).values_list("pk", flat=True).first()
        if same is None:
            raise
        _count(batch, Outcome.DUPLICATE)
        return same, Outcome.DUPLICATE
    return text.pk, Outcome.IMPORTED


@transaction.atomic
def _finish_import(actor, batch: ImportBatch, report: list[dict], to_annotate: list[int]):
    batch.refresh_from_db()
    batch.report = report
    batch.finished_at = timezone.now()
    batch.save(update_fields=["report", "finished_at"])
    record(
        actor, "insight.import", batch, format=batch.format, source=batch.source,
        feed=batch.feed_id, imported=batch.imported_count, duplicates=batch.duplicate_count,
        updated=batch.updated_count, refused=batch.refused_count, checksum=batch.checksum,
    )  # fmt: skip
    if to_annotate:
        transaction.on_commit(lambda: enqueue_annotation(to_annotate))
    return batch


def enqueue_annotation(text_ids: Sequence[int]) -> int:
    """Queue the texts for the engine, a chunk a task; returns how many tasks were queued."""
    from nghedan.insight.tasks import annotate_texts

    chunks = [
        list(text_ids[i : i + ANNOTATION_CHUNK]) for i in range(0, len(text_ids), ANNOTATION_CHUNK)
    ]
    for chunk in chunks:
        annotate_texts.enqueue(chunk)
    return len(chunks)


# Annotating


@dataclass(frozen=True)
class Reading:
    """The engine's answer for one text, or why it could not give one."""

    analysis: Any = None
    error: str = ""


def do_annotate_texts(text_ids: Iterable[int], analyzer: Any = None) -> int:
    """Read the texts with the engine and replace their annotations; returns how many were
    annotated. A text the engine cannot read gets an annotation saying so."""
    texts = list(Text.objects.filter(pk__in=list(text_ids)).only("pk", "kind", "title", "body"))
    if not texts:
        return 0
    if analyzer is None:
        from nghedan.vitext.analyzer import shared_analyzer

        analyzer = shared_analyzer()
    readings = _read_all(analyzer, [engine_input(text) for text in texts])
    version = _engine_version(analyzer)
    _write_annotations(texts, readings, version)
    return len(texts)


@dataclass(frozen=True)
class EngineInput:
    text: str
    context: str = ""  # a comment's: the title of the article it answers


def engine_input(text: Text) -> EngineInput:
    """What the engine reads of a text (and what a training row made from it holds)."""
    # A comment's title is that of the article it was posted under: the engine reads it as the
    # comment's context, not as the comment's own words.
    if text.kind == Text.Kind.COMMENT:
        return EngineInput(text.body, text.title)
    if text.title and not text.body.startswith(text.title):
        return EngineInput(f"{text.title}\n{text.body}")
    return EngineInput(text.body)


def _read_all(analyzer, inputs: list[EngineInput]) -> list[Reading]:
    """All at once, the fast way; if the batch fails, text by text, so one bad text costs only
    its own annotation."""
    try:
        texts, contexts = [i.text for i in inputs], [i.context for i in inputs]
        analyses = list(analyzer.analyze_many(texts, contexts))
        if len(analyses) == len(inputs):
            return [Reading(analysis) for analysis in analyses]
        logger.error("The engine gave %s results for %s texts", len(analyses), len(inputs))
    except Exception:  # the engine's failure must not crash the worker
        logger.exception("Batch analysis failed; reading the texts one by one")
    return [_read_one(analyzer.analyze, item) for item in inputs]


def _read_one(analyze: Callable[[str, str], Any], item: EngineInput) -> Reading:
    try:
        return Reading(analyze(item.text, item.context))
    except Exception as error:  # a text the engine cannot read is recorded, not raised
        logger.exception("Analysis of one text failed")
        return Reading(error=f"{type(error).__name__}: {error}"[:1000])


def _engine_version(analyzer) -> str:
    version = getattr(analyzer, "version", "")
    if not version:
        from nghedan import vitext

        version = getattr(vitext, "__version__", "")
    return str(version)[:40]


BULK_BATCH = 1000


@transaction.atomic
def _write_annotations(texts: list[Text], readings: list[Reading], version: str) -> None:
    ids = [text.pk for text in texts]
    now = timezone.now()
    Annotation.objects.filter(text_id__in=ids).delete()
    TextPlace.objects.filter(text_id__in=ids).delete()
    TextEntity.objects.filter(text_id__in=ids).delete()
    codes = {
        place.commune_code
        for reading in readings
        if reading.analysis is not None
        for place in reading.analysis.places
        if place.status == "found" and place.commune_code
    }
    communes = dict(Commune.objects.filter(code__in=codes).values_list("code", "pk"))
    annotations, places, entities = [], [], []
    for text, reading in zip(texts, readings, strict=True):
        annotations.append(_annotation(text, reading, version, now))
        if reading.analysis is not None:
            places += _places(text, reading.analysis, communes)
            entities += _entities(text, reading.analysis)
    # Batches keep each INSERT under PostgreSQL's 65,535 parameters, whatever the texts hold.
    Annotation.objects.bulk_create(annotations, batch_size=BULK_BATCH)
    TextPlace.objects.bulk_create(places, batch_size=BULK_BATCH)
    TextEntity.objects.bulk_create(entities, batch_size=BULK_BATCH)
    for language in {a.language for a in annotations if a.language}:
        Text.objects.filter(
            pk__in=[a.text_id for a in annotations if a.language == language]
        ).update(language=language)
    failed = sum(1 for reading in readings if reading.analysis is None)
    record(None, "insight.annotate", ("insight.text", str(ids[0])), texts=ids, failed=failed,
           engine=version)  # fmt: skip


def _label(label) -> tuple[str, float | None]:
    return (label.name[:40], float(label.score)) if label is not None else ("", None)


def _annotation(text: Text, reading: Reading, version: str, now) -> Annotation:
    annotation = Annotation(text=text, engine_version=version, analyzed_at=now)
    analysis = reading.analysis
    if analysis is None:
        annotation.error = reading.error or _("Bộ phân tích không đọc được văn bản này.")
        return annotation
    for name in ("topic", "sentiment", "toxicity", "constructiveness", "moderation", "category"):
        label, score = _label(getattr(analysis, name))
        setattr(annotation, name, label)
        setattr(annotation, f"{name}_score", score)
    annotation.language = analysis.language
    annotation.has_diacritics = analysis.has_diacritics
    annotation.truncated = analysis.truncated
    mentions = analysis.as_dict()
    for bulky in ("text", "signature"):
        mentions.pop(bulky, None)
    annotation.mentions = mentions
    annotation.signature = list(analysis.signature)
    if analysis.language == "empty":
        annotation.error = _("Văn bản không có chữ nào để phân tích.")
    return annotation


def _places(text: Text, analysis, communes: dict[str, int]) -> list[TextPlace]:
    seen: dict[int, TextPlace] = {}
    for place in analysis.places:
        commune_id = communes.get(place.commune_code)
        if place.status == "found" and commune_id and commune_id not in seen:
            seen[commune_id] = TextPlace(text=text, commune_id=commune_id, mention=place.text[:200])
    return list(seen.values())


def _entities(text: Text, analysis) -> list[TextEntity]:
    found: dict[tuple[str, str], TextEntity] = {}

    def add(kind: str, name: str, position: str = "") -> None:
        key = folded(name)[:300]
        if key and (kind, key) not in found:
            found[(kind, key)] = TextEntity(
                text=text, kind=kind, name=name[:300], key=key, position=position[:500]
            )

    for person in analysis.people:
        titles = [f"{p.title} {p.organization}".strip() for p in person.positions]
        add(TextEntity.Kind.PERSON, person.name, "; ".join(titles))
        for position in person.positions:
            if position.organization:
                add(TextEntity.Kind.ORGANIZATION, position.organization)
    for organization in analysis.organizations:
        add(TextEntity.Kind.ORGANIZATION, organization.name or organization.text)
    return list(found.values())


# Feeds


def do_add_feed(actor, *, name: str, url: str, kind: str = Text.Kind.NEWS, allow_files=False):
    """Register a feed. From a page only web addresses; the operator's command may also name
    a file on the server."""
    name, url = name.strip(), url.strip()
    if not name or len(name) > MAX_FEED_NAME:
        raise Refused("bad_name", _("Hãy đặt tên cho nguồn tin (tối đa 150 ký tự)."), "name")
    web = _is_web_address(url)
    if not url or len(url) > MAX_FEED_URL or (not web and not allow_files):
        raise Refused(
            "bad_url",
            _("Địa chỉ nguồn tin phải bắt đầu bằng http:// hoặc https:// (tối đa 1.000 ký tự), "
              "ví dụ https://baochinhphu.vn/rss."),
            "url",
        )  # fmt: skip
    if web and (inside := literal_inside_address(url)):
        raise Refused("inside_address", inside, "url")
    if kind not in Text.Kind.values:
        raise Refused("bad_kind", _("Hãy chọn một loại văn bản trong danh sách."), "kind")
    with transaction.atomic():
        if Feed.objects.filter(url=url).exists():
            raise Refused("feed_exists", _("Nguồn tin với địa chỉ này đã được đăng ký."), "url")
        feed = Feed.objects.create(
            name=name, url=url, kind=kind,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        record(actor, "insight.feed_add", feed, url=url, kind=kind)
    return feed


def _is_web_address(url: str) -> bool:
    """http(s)://, then a name or a number that can be read ("http://[::1" cannot)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return url.lower().startswith(("http://", "https://")) and bool(host)


@transaction.atomic
def do_set_feed_active(actor, feed: Feed, active: bool) -> Feed:
    feed.is_active = active
    # Switched back on, it is fetched at the next sweep, failures forgotten.
    if active:
        feed.next_attempt_at = None
        feed.consecutive_failures = 0
    feed.save(update_fields=["is_active", "next_attempt_at", "consecutive_failures", "updated_at"])
    record(actor, "insight.feed_activate" if active else "insight.feed_deactivate", feed)
    return feed


@transaction.atomic
def do_request_feed_fetch(actor, feed: Feed) -> Feed:
    """Fetch now rather than at the next sweep."""
    if not feed.is_active:
        raise Refused("feed_inactive", _("Nguồn tin đang tắt: hãy bật lại trước khi lấy tin."))
    feed.next_attempt_at = timezone.now() + FETCH_CLAIM
    feed.save(update_fields=["next_attempt_at", "updated_at"])
    record(actor, "insight.feed_fetch_request", feed)
    transaction.on_commit(lambda: _enqueue_fetch(feed.pk))
    return feed


def _enqueue_fetch(feed_id: int) -> None:
    from nghedan.insight.tasks import fetch_feed

    fetch_feed.enqueue(feed_id)


def claim_due_feeds(now=None) -> list[int]:
    """The active feeds due for a fetch, each claimed for a while so that a second sweep
    running at the same time does not fetch it too."""
    now = now or timezone.now()
    due = Feed.objects.filter(is_active=True).filter(
        next_attempt_at__isnull=True
    ) | Feed.objects.filter(is_active=True, next_attempt_at__lte=now)
    claimed = []
    for feed_id, previous in due.values_list("pk", "next_attempt_at"):
        if Feed.objects.filter(pk=feed_id, next_attempt_at=previous).update(
            next_attempt_at=now + FETCH_CLAIM
        ):
            claimed.append(feed_id)
    return claimed


@transaction.atomic
def do_record_feed_success(feed: Feed, interval: timedelta) -> Feed:
    now = timezone.now()
    feed.last_fetched_at = feed.last_success_at = now
    feed.last_error = ""
    feed.consecutive_failures = 0
    feed.next_attempt_at = now + interval
    feed.save(update_fields=[
        "last_fetched_at", "last_success_at", "last_error", "consecutive_failures",
        "next_attempt_at", "updated_at",
    ])  # fmt: skip
    return feed


@transaction.atomic
def do_record_feed_failure(feed: Feed, error: str) -> Feed:
    """Kept on the feed and shown on the feeds page; tried again later, waiting longer after
    each failure in a row. Nothing is lost: the items stay at the address until fetched."""
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    wait = min(FIRST_RETRY * 2 ** min(failures - 1, 16), LONGEST_RETRY)
    feed.last_fetched_at = now
    feed.last_error = error[:2000]
    feed.consecutive_failures = failures
    feed.next_attempt_at = now + wait
    feed.save(update_fields=[
        "last_fetched_at", "last_error", "consecutive_failures", "next_attempt_at", "updated_at",
    ])  # fmt: skip
    record(None, "insight.feed_failure", feed, failures=failures, error=error[:300])
    return feed


# Analysts' labels


def labels_for(text: Text) -> dict[str, dict[str, str | Promise]]:
    """The labels an analyst may give this text, by field: code -> name. Toxicity and
    constructiveness are read in comments only; case fields are the active categories."""
    fields: dict[str, dict[str, str | Promise]] = {
        name: dict(codes) for name, codes in BY_FIELD.items()
    }
    fields["category"] = dict(Category.objects.filter(is_active=True).values_list("code", "name"))
    if text.kind != Text.Kind.COMMENT:
        fields.pop("toxicity")
        fields.pop("constructiveness")
    return fields


@transaction.atomic
def do_label_text(
    actor, text: Text, chosen: dict[str, str], seen: dict[str, str] | None = None
) -> list[str]:
    """Set, change or (with "") clear an analyst's label for each field given; the fields
    changed, in the pages' order. Every change is audited with the label before and after.
    `seen`: the labels the analyst's page showed; a field someone changed since is refused
    (nothing saved) unless the analyst chose what is stored now."""
    allowed = labels_for(text)
    for field, label in chosen.items():
        if field not in allowed:
            raise Refused("field", _("Không gán nhãn “%(field)s” cho văn bản loại này.")
                          % {"field": field}, field)  # fmt: skip
        if label and label not in allowed[field]:
            raise Refused(
                "label",
                _("Nhãn “%(label)s” không có trong danh sách: hãy chọn một nhãn trong danh sách.")
                % {"label": label},
                field,
            )
    # The text's row is the lock: a field nobody has labelled yet has no row of its own.
    Text.objects.select_for_update().filter(pk=text.pk).values_list("pk").first()
    existing = {
        a.field: a for a in AnalystLabel.objects.filter(text=text).select_related("labelled_by")
    }
    if seen is not None:
        _check_unchanged(chosen, seen, existing, allowed)
    engine = _engine_labels(text)
    by = actor if getattr(actor, "pk", None) else None  # a command's actor is a name
    now = timezone.now()
    changes: dict[str, dict[str, str]] = {}
    for field, label in chosen.items():
        before = existing.get(field)
        if (before.label if before else "") == label:
            continue
        changes[field] = {"from": before.label if before else "", "to": label}
        if before is not None and not label:
            before.delete()
        elif label:
            AnalystLabel.objects.update_or_create(
                text=text, field=field,
                defaults={"label": label, "engine_label": engine.get(field, ""),
                          "labelled_by": by, "labelled_at": now},
            )  # fmt: skip
    if changes:
        record(actor, "insight.label", ("insight.text", str(text.pk)), changes=changes)
    return [field for field in FIELD_TITLES if field in changes]


def _check_unchanged(
    chosen: dict[str, str], seen: dict[str, str], existing: dict[str, AnalystLabel],
    allowed: dict[str, dict],
) -> None:  # fmt: skip
    for field, label in chosen.items():
        stored = existing.get(field)
        now = stored.label if stored else ""
        if now != seen.get(field, "") and label != now:
            shown = allowed[field].get(now, now) if now else _("chưa gán")
            who = (stored.labelled_by if stored else None) or _("người khác")
            raise Refused(
                "labelled_meanwhile",
                _("Trong lúc bạn xem trang, %(who)s đã đổi nhãn “%(field)s” thành “%(label)s”. "
                  "Nhãn của bạn chưa được lưu: hãy xem lại rồi bấm Lưu nhãn lần nữa.")
                % {"who": who, "field": FIELD_TITLES[field], "label": shown},
                field, status=409,
            )  # fmt: skip


def _engine_labels(text: Text) -> dict[str, str]:
    """What the engine said of each field, or would have said where it withheld the label."""
    annotation = Annotation.objects.filter(text=text).first()
    if annotation is None:
        return {}
    said = {w["field"]: w["label"] for w in annotation.mentions.get("withheld") or ()}
    for field in FIELD_TITLES:
        if getattr(annotation, field):
            said[field] = getattr(annotation, field)
    return said
