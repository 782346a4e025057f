"""The insight pages: browse and filter texts, read one with its annotations, import a file,
see an import's report, and run the feeds. Thin: fetch through `access`, change through
`actions`."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.db.models.functions import Substr
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nghedan.cases.models import Category
from nghedan.insight import access
from nghedan.insight.actions import (
    ImportOptions,
    Outcome,
    do_add_feed,
    do_import_texts,
    do_label_text,
    do_request_feed_fetch,
    do_set_feed_active,
    labels_for,
)
from nghedan.insight.forms import AnalystLabelForm, FeedForm, ImportForm, TextFilterForm
from nghedan.insight.imports import detect_format, parse
from nghedan.insight.labels import FIELD_TITLES, label_name
from nghedan.insight.models import AnalystLabel, Annotation, Source, Text, TextPlace
from nghedan.lib.refusal import Refused
from nghedan.people.decorators import page_guard

TEXTS_PER_PAGE = 25
# Each item is a few queries; a page's import must end well within a request's time limit.
MAX_PAGE_ITEMS = 2_000
RECENT_BATCHES = 10


readers_only = page_guard(access.may_read_texts)
importers_only = page_guard(access.may_import_texts)
labellers_only = page_guard(access.may_label_texts)
feed_viewers_only = page_guard(access.may_see_feeds)


# Browsing


@readers_only
def texts(request):
    form = TextFilterForm(request.GET)
    found = form.filter(access.texts_for_user(request.user)).select_related("annotation")
    found = found.defer("body", "search_text").annotate(opening=Substr("body", 1, 300))
    found = found.prefetch_related(
        Prefetch("places", queryset=TextPlace.objects.select_related("commune")),
        Prefetch("analyst_labels", queryset=AnalystLabel.objects.only("text", "field", "label")),
    )
    page = Paginator(found, TEXTS_PER_PAGE).get_page(request.GET.get("page"))
    categories = category_names()
    for text in page:
        text.annotated = getattr(text, "annotation", None) is not None
        text.labels, text.by_analyst = list_labels(text, categories)
    context = {
        "form": form, "page": page, "query": request.GET.urlencode(), "ignored": form.ignored(),
    }  # fmt: skip
    partial = request.htmx and not request.htmx.history_restore_request
    template = "insight/texts_table.html" if partial else "insight/texts.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def category_names() -> dict[str, str]:
    return dict(Category.objects.values_list("code", "name"))


def analyst_labels_of(text: Text) -> dict[str, str]:
    """The analysts' labels of a text, by field (prefetched in the list)."""
    return {label.field: label.label for label in text.analyst_labels.all()}


def list_labels(text: Text, categories: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """The list's labels, an analyst's where one was given, else the engine's; and the fields
    an analyst labelled (marked on the page)."""
    annotation = getattr(text, "annotation", None)
    by_analyst = analyst_labels_of(text)
    labels = {}
    for field in ("topic", "category", "sentiment"):
        code = by_analyst.get(field) or (getattr(annotation, field) if annotation else "")
        if code:
            labels[field] = label_name(field, code, categories)
    return labels, set(by_analyst)


@dataclass(frozen=True)
class Reading:
    title: str
    name: str  # the engine's label, or "Không kết luận"
    percent: int | None
    in_article: bool = False  # read with the title of the article a comment answers
    note: str = ""  # why the engine gave no label
    analyst: str = ""  # the analyst's label, when one was given


def readings_of(
    annotation: Annotation | None, analyst: dict[str, str], categories: dict[str, str]
) -> list[Reading]:
    """One row per field the engine read or an analyst labelled."""
    mentions = annotation.mentions if annotation else {}
    in_article = set(mentions.get("read_in_article") or ())
    withheld = {w["field"]: w for w in mentions.get("withheld") or ()}
    readings = []
    for field, title in FIELD_TITLES.items():
        code = getattr(annotation, field) if annotation else ""
        mine = label_name(field, analyst[field], categories) if field in analyst else ""
        if code:
            score = getattr(annotation, f"{field}_score")
            percent = round(score * 100) if score is not None else None
            name = label_name(field, code, categories)
            readings.append(Reading(str(title), name, percent, field in in_article, analyst=mine))
        elif field in withheld or mine:
            note = withheld_note(withheld[field]) if field in withheld else ""
            readings.append(Reading(str(title), _("Không kết luận"), None, note=note, analyst=mine))
    return readings


def withheld_note(withheld: dict) -> str:
    """Why the engine gave no label, in the analyst's words (see vitext.result.Withheld)."""
    reason, value, threshold = withheld["reason"], withheld["value"], withheld["threshold"]
    if reason == "too_long":
        return _(
            "văn bản dài %(value)s âm tiết, hơn mọi văn bản mô hình đã học (%(threshold)s)"
        ) % {"value": int(value), "threshold": int(threshold)}
    numbers = {"value": round(value * 100), "threshold": round(threshold * 100)}
    if reason == "unfamiliar":
        return (
            _(
                "văn bản khác xa loại văn bản mô hình đã học: mô hình chỉ biết %(value)s%% cặp từ "
                "của nó, cần ít nhất %(threshold)s%%"
            )
            % numbers
        )
    return (
        _(
            "mô hình không đủ chắc: độ tin cậy %(value)s%%, dưới ngưỡng %(threshold)s%% đo được "
            "khi huấn luyện"
        )
        % numbers
    )


@readers_only
def text(request, pk: int):
    return text_page(request, access.get_text_for_user(request.user, pk))


def text_page(request, found: Text, label_form: AnalystLabelForm | None = None, status=200):
    annotation = Annotation.objects.filter(text=found).first()
    analyst = analyst_labels_of(found)
    if label_form is None and access.may_label_texts(request.user):
        label_form = AnalystLabelForm.for_labels(labels_for(found), analyst)
    context = {
        "text": found,
        "annotation": annotation,
        "mentions": annotation.mentions if annotation else {},
        "readings": readings_of(annotation, analyst, category_names()),
        "label_form": label_form,
    }
    return render(request, "insight/text.html", context, status=status)


@never_cache
@labellers_only
@require_POST
def label_text(request, pk: int):
    found = access.get_text_for_user(request.user, pk)
    form = AnalystLabelForm(labels_for(found), request.POST)
    if not form.is_valid():
        return text_page(request, found, form, status=400)
    try:
        changed = do_label_text(request.user, found, form.chosen(), form.cleaned_data["seen"])
    except Refused as refusal:
        form.add_error(refusal.field, refusal.message)
        form.show_current(analyst_labels_of(found))
        return text_page(request, found, form, status=refusal.status)
    if changed:
        names = ", ".join(str(FIELD_TITLES[field]) for field in changed)
        messages.success(
            request, _("Đã lưu nhãn của phân tích viên: %(fields)s.") % {"fields": names}
        )
    else:
        messages.info(request, _("Các nhãn không thay đổi."))
    return redirect(f"{reverse('insight:text', args=[found.pk])}#analyst-labels")


# Importing


@never_cache
@importers_only
def import_texts(request):
    if request.method != "POST":
        return import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return import_page(request, form, status=400)
    data = form.cleaned_data
    upload = data["file"]
    try:
        content = upload.read()
        fmt = data["format"] or detect_format(upload.name, content)
        parsed = parse(content, fmt, upload.name)
        if len(parsed.items) > MAX_PAGE_ITEMS:
            raise Refused(
                "too_many_items",
                _("Tệp có %(count)s văn bản, quá %(limit)s cho một lần nhập trên trang: hãy chia "
                  "nhỏ tệp hoặc dùng lệnh import_texts.")
                % {"count": len(parsed.items), "limit": MAX_PAGE_ITEMS},
                "file",
            )  # fmt: skip
        options = ImportOptions(
            kind=data["kind"], source_name=data["source_name"], source=Source.UPLOAD,
            file_name=upload.name,
        )  # fmt: skip
        batch = do_import_texts(request.user, parsed, options)
    except Refused as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return import_page(request, form, status=refusal.status)
    return redirect("insight:batch", pk=batch.pk)


def import_page(request, form, status=200):
    recent = access.batches_for_user(request.user).select_related("feed", "created_by")
    context = {"form": form, "batches": recent[:RECENT_BATCHES]}
    return render(request, "insight/import.html", context, status=status)


@importers_only
def batch(request, pk: int):
    found = access.get_batch_for_user(request.user, pk)
    rows = [
        {**row, "outcome_label": Outcome.LABELS.get(row.get("outcome"), row.get("outcome"))}
        for row in found.report
    ]
    return render(request, "insight/batch.html", {"batch": found, "rows": rows})


# Feeds


@never_cache
@feed_viewers_only
def feeds(request):
    manages = access.may_manage_feeds(request.user)
    if request.method != "POST":
        return feeds_page(request, FeedForm() if manages else None)
    if not manages:
        raise PermissionDenied(_("Chỉ lãnh đạo, quản trị viên thêm được nguồn tin."))
    form = FeedForm(request.POST)
    if not form.is_valid():
        return feeds_page(request, form, status=400)
    try:
        feed = do_add_feed(request.user, **form.cleaned_data)
    except Refused as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return feeds_page(request, form, status=refusal.status)
    messages.success(
        request, _("Đã thêm nguồn tin “%(name)s”; tin sẽ được lấy trong vài phút.") % {"name": feed}
    )
    return redirect("insight:feeds")


def feeds_page(request, form, status=200):
    context = {
        "form": form,
        "feeds": access.feeds_for_user(request.user),
        "manages": access.may_manage_feeds(request.user),
    }
    return render(request, "insight/feeds.html", context, status=status)


@feed_viewers_only
@require_POST
def feed_toggle(request, pk: int):
    feed = access.get_feed_for_user(request.user, pk, write=True)
    do_set_feed_active(request.user, feed, not feed.is_active)
    message = (
        _("Đã bật nguồn tin “%(name)s”.") if feed.is_active else _("Đã tắt nguồn tin “%(name)s”.")
    )
    messages.success(request, message % {"name": feed})
    return redirect("insight:feeds")


@feed_viewers_only
@require_POST
def feed_fetch(request, pk: int):
    feed = access.get_feed_for_user(request.user, pk, write=True)
    try:
        do_request_feed_fetch(request.user, feed)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Đã xếp lịch lấy tin từ “%(name)s” ngay.") % {"name": feed})
    return redirect("insight:feeds")
