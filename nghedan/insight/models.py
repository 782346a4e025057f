"""Texts from outside (news articles, readers' comments, reports from the grassroots), the
files and feeds they came from, and what the language engine read in them.

Each text is stored once: `Text.body_digest` is the SHA-256 of its body with spacing and case
set aside (`fingerprints.body_digest`), unique in the table. The engine's reading lives beside
it in `Annotation` (one row a text, all mentions as JSON) and in small indexed rows
(`TextPlace`, `TextEntity`) that the browse page filters on.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nghedan.insight.labels import FIELD_TITLES


class Source(models.TextChoices):
    UPLOAD = "upload", _("Tải lên trên trang")
    COMMAND = "command", _("Lệnh nhập")
    FEED = "feed", _("Nguồn tin tự động")


class TextKind(models.TextChoices):
    NEWS = "news", _("Bài báo")
    COMMENT = "comment", _("Bình luận")
    GRASSROOTS = "grassroots", _("Báo cáo từ cơ sở")
    OTHER = "other", _("Khác")


class Feed(models.Model):
    """An RSS or Atom feed an operator registered: a web address (http, https) or, from the
    command line only, a file on the server. Fetched on a schedule; a failure is recorded and
    the feed is tried again later, waiting longer after each failure in a row."""

    name = models.CharField(_("tên"), max_length=150)
    url = models.CharField(_("địa chỉ"), max_length=1000, unique=True)
    kind = models.CharField(
        _("loại văn bản"), max_length=20, choices=TextKind.choices, default=TextKind.NEWS
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thêm"),
    )
    last_fetched_at = models.DateTimeField(_("lấy lần cuối lúc"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("lấy được lần cuối lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi lần cuối"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    # Null: due now. Set forward when a fetch is claimed, and further after a failure.
    next_attempt_at = models.DateTimeField(
        _("lấy lần tới lúc"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("nguồn tin")
        verbose_name_plural = pgettext_lazy("plural", "nguồn tin")

    def __str__(self) -> str:
        return self.name

    @property
    def is_web(self) -> bool:
        return self.url.lower().startswith(("http://", "https://"))


class ImportBatch(models.Model):
    """One run of an import: a file, a directory of files, or one fetch of a feed. Its report
    keeps every line's outcome, so the page can show it again later."""

    file_name = models.CharField(_("tệp"), max_length=255, blank=True)
    format = models.CharField(_("định dạng"), max_length=10)
    source = models.CharField(_("cách nhập"), max_length=10, choices=Source.choices)
    feed = models.ForeignKey(
        Feed,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("nguồn tin"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    checksum = models.CharField(_("mã kiểm tra (SHA-256)"), max_length=64, blank=True)
    imported_count = models.PositiveIntegerField(_("đã nhập"), default=0)
    duplicate_count = models.PositiveIntegerField(_("đã có sẵn"), default=0)
    # A feed's item edited at its source: the stored text is replaced (`actions._update_text`).
    updated_count = models.PositiveIntegerField(_("đã cập nhật"), default=0)
    refused_count = models.PositiveIntegerField(_("bị từ chối"), default=0)
    # [{"line": 3, "file": "", "outcome": "refused", "text_id": null, "reason": "…"}, …]
    report = models.JSONField(_("kết quả từng dòng"), default=list, blank=True)
    warnings = models.JSONField(_("chú ý"), default=list, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lần nhập văn bản")
        verbose_name_plural = pgettext_lazy("plural", "lần nhập văn bản")

    def __str__(self) -> str:
        return self.file_name or str(self.feed or self.pk)


class Text(models.Model):
    """Anything read from outside: an article, a comment, a report from the grassroots."""

    Kind = TextKind

    class Precision(models.TextChoices):
        DAY = "day", _("Ngày")
        MONTH = "month", _("Tháng")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    body_digest = models.CharField(_("mã nội dung (SHA-256)"), max_length=64, unique=True)
    # Title and body folded (no case, no diacritics) for the "contains" search.
    search_text = models.TextField(editable=False, default="")
    # A month-precision date ("date 2023-05" in a news file) is kept as its first day.
    published_on = models.DateField(_("ngày đăng"), null=True, blank=True, db_index=True)
    published_precision = models.CharField(
        _("độ chính xác của ngày"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    author = models.CharField(_("tác giả"), max_length=150, blank=True)
    source_name = models.CharField(_("nguồn"), max_length=200, blank=True)
    url = models.CharField(_("địa chỉ"), max_length=1000, blank=True)
    # Which item of its feed the text is (RSS guid, Atom id, else the link): a later fetch of
    # the same item, edited at its source, updates this text rather than storing another.
    item_key = models.CharField(_("mã mục nguồn tin"), max_length=500, blank=True, db_index=True)
    language = models.CharField(_("ngôn ngữ"), max_length=10, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.PROTECT,
        related_name="texts",
        verbose_name=_("lần nhập"),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    imported_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("văn bản")
        verbose_name_plural = pgettext_lazy("plural", "văn bản")

    def __str__(self) -> str:
        return self.title or self.body[:80]

    @property
    def heading(self) -> str:
        """The title, or the opening words when there is none. A comment's title is its
        article's, so a comment is always headed by its own opening words."""
        if self.title and self.kind != TextKind.COMMENT:
            return self.title
        # A list page loads only the body's opening (as `opening`), not whole articles.
        words = (getattr(self, "opening", None) or self.body).split()
        return " ".join(words[:16]) + (" …" if len(words) > 16 else "")

    @property
    def published_label(self) -> str:
        """Day/month/year, or month/year for a date known only to the month."""
        if self.published_on is None:
            return ""
        month_only = self.published_precision == self.Precision.MONTH
        return self.published_on.strftime("%m/%Y" if month_only else "%d/%m/%Y")


class Annotation(models.Model):
    """What the engine read in one text. The labels are columns (filtered on); every mention
    is kept as the engine gave it (`Analysis.as_dict()` without the text itself)."""

    text = models.OneToOneField(
        Text, on_delete=models.CASCADE, related_name="annotation", verbose_name=_("văn bản")
    )
    topic = models.CharField(_("chủ đề"), max_length=40, blank=True, db_index=True)
    topic_score = models.FloatField(null=True, blank=True)
    sentiment = models.CharField(_("sắc thái"), max_length=20, blank=True, db_index=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    toxicity = models.CharField(_("độc hại"), max_length=20, blank=True)
    toxicity_score = models.FloatField(null=True, blank=True)
    constructiveness = models.CharField(_("tính xây dựng"), max_length=20, blank=True)
    constructiveness_score = models.FloatField(null=True, blank=True)
    moderation = models.CharField(_("kiểm duyệt"), max_length=20, blank=True)
    moderation_score = models.FloatField(null=True, blank=True)
    category = models.CharField(_("lĩnh vực"), max_length=40, blank=True, db_index=True)
    category_score = models.FloatField(null=True, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=10, blank=True)
    has_diacritics = models.BooleanField(_("có dấu"), default=True)
    truncated = models.BooleanField(_("đã cắt bớt"), default=False)
    mentions = models.JSONField(_("các đề cập"), default=dict, blank=True)
    # MinHash signature, kept for grouping texts about the same matter.
    signature = models.JSONField(_("chữ ký MinHash"), default=list, blank=True)
    engine_version = models.CharField(_("phiên bản bộ phân tích"), max_length=40, blank=True)
    # Why the engine could not read the text; empty when it could.
    error = models.TextField(_("lỗi phân tích"), blank=True)
    analyzed_at = models.DateTimeField(_("phân tích lúc"))

    class Meta:
        ordering = ["-analyzed_at", "-pk"]
        verbose_name = _("kết quả phân tích")
        verbose_name_plural = pgettext_lazy("plural", "kết quả phân tích")

    def __str__(self) -> str:
        return f"{self.text_id}: {self.topic or self.error[:40]}"


class AnalystLabel(models.Model):
    """An analyst's own reading of one field of a text, where the engine was wrong or said
    nothing: one per text and field, the latest replacing the earlier. Pages show it beside
    the engine's, filters prefer it, and `export_text_labels` turns them into training rows,
    so that the models learn the civic texts their training sets lack."""

    text = models.ForeignKey(
        Text, on_delete=models.CASCADE, related_name="analyst_labels", verbose_name=_("văn bản")
    )
    field = models.CharField(_("trường"), max_length=20, choices=list(FIELD_TITLES.items()))
    label = models.CharField(_("nhãn"), max_length=40)
    # What the engine said (or would have said, when it withheld the label) at that time.
    engine_label = models.CharField(_("nhãn của bộ phân tích"), max_length=40, blank=True)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("người gán"),
    )  # fmt: skip
    labelled_at = models.DateTimeField(_("gán lúc"))

    class Meta:
        ordering = ["text", "field"]
        constraints = [
            models.UniqueConstraint(fields=["text", "field"], name="insight_one_label_per_field")
        ]
        verbose_name = _("nhãn của phân tích viên")
        verbose_name_plural = pgettext_lazy("plural", "nhãn của phân tích viên")

    def __str__(self) -> str:
        return f"{self.text_id} {self.field}: {self.label}"


class TextPlace(models.Model):
    """A commune the engine found named in a text (only places it resolved without doubt)."""

    text = models.ForeignKey(Text, on_delete=models.CASCADE, related_name="places")
    commune = models.ForeignKey(
        "places.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã, phường")
    )
    mention = models.CharField(_("cách viết trong văn bản"), max_length=200, blank=True)

    class Meta:
        ordering = ["text_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["text", "commune"], name="insight_one_place_per_text")
        ]
        verbose_name = _("địa danh trong văn bản")
        verbose_name_plural = pgettext_lazy("plural", "địa danh trong văn bản")

    def __str__(self) -> str:
        return self.mention


class TextEntity(models.Model):
    """A person or an organization named in a text; `key` is the name folded, for search."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Người")
        ORGANIZATION = "organization", _("Tổ chức")

    text = models.ForeignKey(Text, on_delete=models.CASCADE, related_name="entities")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=300)
    key = models.CharField(max_length=300, db_index=True)
    position = models.CharField(_("chức vụ"), max_length=500, blank=True)

    class Meta:
        ordering = ["text_id", "kind", "pk"]
        indexes = [models.Index(fields=["kind", "key"], name="insight_entity_kind_key")]
        verbose_name = _("người, tổ chức trong văn bản")
        verbose_name_plural = pgettext_lazy("plural", "người, tổ chức trong văn bản")

    def __str__(self) -> str:
        return self.name
