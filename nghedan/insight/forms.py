"""The forms of the insight pages: the browse filters, an analyst's labels, the upload, a new
feed."""

import json

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nghedan.cases.models import Category
from nghedan.insight.imports import FORMATS
from nghedan.insight.labels import FIELD_TITLES, SENTIMENTS, TOPICS
from nghedan.insight.models import AnalystLabel, Text, TextEntity, TextPlace
from nghedan.lib.folding import folded
from nghedan.places.models import Commune

ANY = [("", _("Tất cả"))]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FORMAT_NAMES = {
    "news": _("Bài báo dạng văn bản (.txt: dòng đầu “date YYYY-MM”)"),
    "jsonl": _("JSONL (mỗi dòng một đối tượng JSON)"),
    "csv": _("CSV có dòng tiêu đề"),
    "rss": _("RSS 2.0 hoặc Atom (.xml)"),
}


NOT_IN_LIST = {
    "invalid_choice": _("“%(value)s” không có trong danh sách: hãy chọn lại; bộ lọc này đang bị "
                        "bỏ qua.")
}  # fmt: skip
BAD_DATE = {
    "invalid": _("Ngày không đọc được: hãy ghi dạng ngày/tháng/năm (ví dụ 01/06/2024) hoặc "
                 "YYYY-MM-DD; bộ lọc này đang bị bỏ qua.")
}  # fmt: skip
TOO_LONG = {
    "max_length": _("Hãy ghi ngắn hơn (tối đa %(limit_value)d ký tự, đang có %(show_value)d); bộ "
                    "lọc này đang bị bỏ qua.")
}  # fmt: skip


class TextFilterForm(forms.Form):
    """The browse filters. A filter that is not valid is named with its error and left out;
    the valid ones still apply."""

    q = forms.CharField(
        label=_("Có chứa"), required=False, max_length=200, widget=forms.SearchInput,
        error_messages=TOO_LONG,
    )  # fmt: skip
    kind = forms.ChoiceField(
        label=_("Loại"), required=False, choices=ANY + Text.Kind.choices,
        error_messages=NOT_IN_LIST,
    )  # fmt: skip
    topic = forms.ChoiceField(
        label=_("Chủ đề"), required=False, choices=ANY + list(TOPICS.items()),
        error_messages=NOT_IN_LIST,
    )  # fmt: skip
    category = forms.ChoiceField(label=_("Lĩnh vực"), required=False, error_messages=NOT_IN_LIST)
    sentiment = forms.ChoiceField(
        label=_("Sắc thái"), required=False, choices=ANY + list(SENTIMENTS.items()),
        error_messages=NOT_IN_LIST,
    )  # fmt: skip
    commune = forms.ChoiceField(
        label=_("Xã, phường được nhắc đến"), required=False, error_messages=NOT_IN_LIST
    )
    organization = forms.CharField(
        label=_("Tổ chức"), required=False, max_length=200, error_messages=TOO_LONG
    )
    person = forms.CharField(
        label=_("Người"), required=False, max_length=200, error_messages=TOO_LONG
    )
    date_from = forms.DateField(
        label=_("Đăng từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=BAD_DATE,
    )  # fmt: skip
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=BAD_DATE,
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(is_active=True).values_list("code", "name")
        self.fields["category"].choices = ANY + list(categories)  # type: ignore[attr-defined]
        mentioned = Commune.objects.filter(pk__in=TextPlace.objects.values("commune_id")).order_by(
            "name"
        )
        self.fields["commune"].choices = ANY + [  # type: ignore[attr-defined]
            (code, name) for code, name in mentioned.values_list("code", "name")
        ]
        for name in ("date_from", "date_to"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                _("Ngày kết thúc (%(end)s) phải từ ngày bắt đầu (%(start)s) trở đi; bộ lọc này "
                  "đang bị bỏ qua.")
                % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"},
            )  # fmt: skip
        return data

    def ignored(self) -> list[tuple[str, str]]:
        """The filters left out, each (label, why), for the note above the results."""
        self.is_valid()
        return [
            (str(self.fields[name].label) if name in self.fields else "", str(message))
            for name, messages in self.errors.items()
            for message in messages
        ]

    def filter(self, texts: QuerySet[Text]) -> QuerySet[Text]:
        # A field with an error is not in cleaned_data: the valid filters still apply.
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            texts = texts.filter(search_text__contains=folded(data["q"]))
        if data.get("kind"):
            texts = texts.filter(kind=data["kind"])
        for name in ("topic", "category", "sentiment"):
            if data.get(name):
                texts = texts.filter(labelled_as(name, data[name]))
        if data.get("commune"):
            texts = texts.filter(
                Exists(TextPlace.objects.filter(text=OuterRef("pk"), commune__code=data["commune"]))
            )
        for name, kind in (
            ("organization", TextEntity.Kind.ORGANIZATION),
            ("person", TextEntity.Kind.PERSON),
        ):
            if data.get(name):
                named = TextEntity.objects.filter(
                    text=OuterRef("pk"), kind=kind, key__contains=folded(data[name])
                )
                texts = texts.filter(Exists(named))
        if data.get("date_from"):
            texts = texts.filter(published_on__gte=data["date_from"])
        if data.get("date_to"):
            texts = texts.filter(published_on__lte=data["date_to"])
        return texts


def labelled_as(field: str, label: str) -> Q:
    """Texts whose `field` is `label`: as an analyst labelled it, else as the engine read it."""
    by_analyst = AnalystLabel.objects.filter(text=OuterRef("pk"), field=field)
    return Exists(by_analyst.filter(label=label)) | (
        Q(**{f"annotation__{field}": label}) & ~Exists(by_analyst)
    )


def seen_value(labels: dict[str, str]) -> str:
    """The `seen` field of a page showing `labels`, read back by `labels_shown`."""
    return json.dumps(labels, sort_keys=True)


def labels_shown(sent: str) -> dict[str, str]:
    """The labels a page showed, from its `seen` field ({field: label} in JSON)."""
    try:
        shown = json.loads(sent)
    except ValueError:
        shown = None
    if isinstance(shown, dict) and all(
        isinstance(field, str) and isinstance(label, str) for field, label in shown.items()
    ):
        return shown
    raise forms.ValidationError(
        _("Trang đã cũ hoặc bị sửa: hãy tải lại trang rồi chọn nhãn lần nữa.")
    )


class AnalystLabelForm(forms.Form):
    """An analyst's labels of one text: one choice per field it can take (`labels_for`);
    the empty choice clears the field's label. `seen` carries the labels the page showed, so
    that a label another analyst changed meanwhile is not overwritten unseen."""

    seen = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_labels(cls, choices: dict[str, dict[str, str | Promise]], labels: dict[str, str]):
        return cls(choices, initial={**labels, "seen": seen_value(labels)})

    def __init__(self, choices: dict[str, dict[str, str | Promise]], *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, labels in choices.items():
            self.fields[field] = forms.ChoiceField(
                label=str(FIELD_TITLES[field]), required=False,
                choices=[("", _("— chưa gán —")), *labels.items()],
                error_messages={"invalid_choice": _(
                    "“%(value)s” không có trong danh sách: hãy chọn một nhãn trong danh sách."
                )},
            )  # fmt: skip

    def clean(self):
        """`seen` becomes the labels the page showed, or None from a sender that does not say
        (no check)."""
        cleaned = super().clean()
        sent = cleaned.get("seen") or ""
        cleaned["seen"] = labels_shown(sent) if sent else None
        return cleaned

    def chosen(self) -> dict[str, str]:
        """The fields the form sent, each with its label ("" to clear): a field missing from
        the post (a page older than the text's kind, say) is left as it is."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self.data and name != "seen"
        }

    def show_current(self, labels: dict[str, str]) -> None:
        """After a refusal for labels changed meanwhile: the choices stay as the analyst made
        them, and the next saving is checked against the labels stored now."""
        self.data = {**self.data, "seen": seen_value(labels)}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp cần nhập"),
        help_text=_(
            "Tối đa 10 MB. Tệp lớn hơn hoặc cả một thư mục bài báo: dùng lệnh import_texts."
        ),
        error_messages={
            "required": _("Hãy chọn tệp cần nhập."),
            "empty": _("Tệp đã chọn không có nội dung."),
        },
    )
    format = forms.ChoiceField(
        label=_("Định dạng"),
        required=False,
        choices=[("", _("Theo đuôi tệp (.txt, .jsonl, .csv, .xml)"))]
        + [(fmt, FORMAT_NAMES[fmt]) for fmt in FORMATS],
    )
    kind = forms.ChoiceField(
        label=_("Loại văn bản"),
        choices=Text.Kind.choices,
        initial=Text.Kind.NEWS,
        help_text=_("Dùng cho các dòng không ghi loại (cột, khóa “kind”)."),
    )
    source_name = forms.CharField(
        label=_("Nguồn"),
        required=False,
        max_length=200,
        help_text=_("Ví dụ: Báo Sài Gòn Giải Phóng, Tổ dân phố 3 phường Sài Gòn."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp nặng %(size).1f MB, vượt giới hạn 10 MB: hãy chia nhỏ tệp hoặc dùng lệnh "
                  "import_texts.") % {"size": upload.size / 1024 / 1024}
            )  # fmt: skip
        return upload


class FeedForm(forms.Form):
    name = forms.CharField(label=_("Tên nguồn tin"), max_length=150)
    url = forms.CharField(
        label=_("Địa chỉ RSS hoặc Atom"),
        max_length=1000,
        widget=forms.URLInput,
        help_text=_("Bắt đầu bằng http:// hoặc https://."),
    )
    kind = forms.ChoiceField(
        label=_("Loại văn bản"), choices=Text.Kind.choices, initial=Text.Kind.NEWS
    )
