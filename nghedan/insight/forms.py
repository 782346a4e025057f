"""The forms of the insight pages: the browse filters, the upload, a new feed."""

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from nghedan.cases.models import Category
from nghedan.insight.imports import FORMATS
from nghedan.insight.labels import SENTIMENTS, TOPICS
from nghedan.insight.models import Text, TextEntity, TextPlace
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


class TextFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Có chứa"), required=False, max_length=200, widget=forms.SearchInput
    )
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=ANY + Text.Kind.choices)
    topic = forms.ChoiceField(label=_("Chủ đề"), required=False, choices=ANY + list(TOPICS.items()))
    category = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    sentiment = forms.ChoiceField(
        label=_("Sắc thái"), required=False, choices=ANY + list(SENTIMENTS.items())
    )
    commune = forms.ChoiceField(label=_("Xã, phường được nhắc đến"), required=False)
    organization = forms.CharField(label=_("Tổ chức"), required=False, max_length=200)
    person = forms.CharField(label=_("Người"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("Đăng từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

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
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def filter(self, texts: QuerySet[Text]) -> QuerySet[Text]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            texts = texts.filter(search_text__contains=folded(data["q"]))
        if data.get("kind"):
            texts = texts.filter(kind=data["kind"])
        for name in ("topic", "category", "sentiment"):
            if data.get(name):
                texts = texts.filter(**{f"annotation__{name}": data[name]})
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
