"""Cases: every petition and piece of feedback, whatever the channel, and the rules they follow.

Rules that come from law or place (categories, deadlines, refusal reasons, routing, calendar
changes) are tables with their legal reference, seeded from DOMAIN.md and editable by
administrators; the code only reads them.
"""

import re

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nghedan.lib.folding import folded


class Kind(models.TextChoices):
    FEEDBACK = "feedback", _("Phản ánh")
    RECOMMENDATION = "recommendation", _("Kiến nghị")
    COMPLAINT = "complaint", _("Khiếu nại")
    DENUNCIATION = "denunciation", _("Tố cáo")


class Channel(models.TextChoices):
    WEB = "web", _("Cổng thông tin")
    API = "api", _("Ứng dụng (API)")
    OPEN311 = "open311", _("Open311")
    HOTLINE = "hotline", _("Đường dây nóng")
    RECEPTION = "reception", _("Tiếp công dân trực tiếp")
    LETTER = "letter", _("Đơn thư gửi qua bưu điện")
    DIALOGUE = "dialogue", _("Hội nghị đối thoại")
    VOTER_MEETING = "voter_meeting", _("Tiếp xúc cử tri")
    PRESS = "press", _("Báo chí")
    GRASSROOTS = "grassroots", _("Phản ánh từ cơ sở")


class Stage(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận, phân loại")
    ACCEPT = "accept", _("Thụ lý")
    RESOLVE = "resolve", _("Giải quyết")


class Category(models.Model):
    """A field (lĩnh vực): one list for intake, Open311, routing, the language engine, reports."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    description = models.CharField(_("bao gồm"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = pgettext_lazy("plural", "lĩnh vực")

    def __str__(self) -> str:
        return self.name


class DeadlineRule(models.Model):
    """Kind × stage × condition → how many days, counted how, by which article of which law."""

    class RuleKind(models.TextChoices):
        FEEDBACK = "feedback", _("Phản ánh")
        RECOMMENDATION = "recommendation", _("Kiến nghị")
        COMPLAINT = "complaint", _("Khiếu nại lần đầu")
        COMPLAINT_SECOND = "complaint_second", _("Khiếu nại lần hai")
        DENUNCIATION = "denunciation", _("Tố cáo")

    class Condition(models.TextChoices):
        NORMAL = "normal", _("Thông thường")
        COMPLEX = "complex", _("Phức tạp")
        REMOTE = "remote", _("Vùng sâu, vùng xa, đi lại khó khăn")
        COMPLEX_REMOTE = "complex_remote", _("Phức tạp và ở vùng sâu, vùng xa")
        ESPECIALLY_COMPLEX = "especially_complex", _("Đặc biệt phức tạp")
        SEVERAL_PLACES = "several_places", _("Phải xác minh ở nhiều nơi")

    class Basis(models.TextChoices):
        WORKING = "working", _("ngày làm việc")
        CALENDAR = "calendar", _("ngày")

    kind = models.CharField(_("loại"), max_length=20, choices=RuleKind.choices)
    stage = models.CharField(_("giai đoạn"), max_length=10, choices=Stage.choices)
    condition = models.CharField(
        _("điều kiện"), max_length=20, choices=Condition.choices, default=Condition.NORMAL
    )
    days = models.PositiveSmallIntegerField(_("số ngày"))
    basis = models.CharField(_("cách tính"), max_length=10, choices=Basis.choices)
    max_extensions = models.PositiveSmallIntegerField(_("số lần gia hạn tối đa"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("số ngày mỗi lần gia hạn"), default=0)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=200)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "stage", "condition"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "stage", "condition"], name="one_rule_per_case")
        ]
        verbose_name = _("thời hạn luật định")
        verbose_name_plural = pgettext_lazy("plural", "thời hạn luật định")

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} · {self.get_stage_display()} · "
            f"{self.get_condition_display()}: {self.days} {self.get_basis_display()}"
        )


class CalendarChange(models.Model):
    """A day the government made a day off or a working day (e.g. a bridged holiday)."""

    day = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(_("là ngày làm việc"))
    legal_reference = models.CharField(_("căn cứ"), max_length=200)

    class Meta:
        ordering = ["day"]
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = pgettext_lazy("plural", "ngày nghỉ, ngày làm bù")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}"


class RefusalReason(models.Model):
    """A reason the law allows for not taking up a petition."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("lý do"), max_length=300)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=200)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("lý do không thụ lý")
        verbose_name_plural = pgettext_lazy("plural", "lý do không thụ lý")

    def __str__(self) -> str:
        return self.text


class RoutingRule(models.Model):
    """Category × place → the organization that handles. Empty category or commune match any;
    the most specific rule wins."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True)
    commune = models.ForeignKey("places.Commune", on_delete=models.CASCADE, null=True, blank=True)
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="routing_rules"
    )
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        ordering = ["organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "commune"], name="one_route_per_pair")
        ]
        verbose_name = _("quy tắc chuyển xử lý")
        verbose_name_plural = pgettext_lazy("plural", "quy tắc chuyển xử lý")

    def __str__(self) -> str:
        return f"{self.category or '*'} · {self.commune or '*'} → {self.organization}"


# The statuses of a case still being handled (`Case.Status`); the same list in the same order
# as `actions.OPEN`, so that queries on it can use the partial index below.
OPEN_STATUSES = ["received", "classified", "accepted", "verifying"]


PHONE_TAIL = 9  # a Vietnamese number without its leading 0 or +84


# How a phone number may be written: digits, spaces and dots, a leading +.
PHONE_PATTERN = r"^\+?[0-9 .]{9,20}$"
PHONE_DIGITS = range(9, 16)


def is_phone(text: str) -> bool:
    """Written as a phone number is, with 9 to 15 digits (dots and spaces are not digits)."""
    return bool(re.fullmatch(PHONE_PATTERN, text)) and len(phone_digits(text)) in PHONE_DIGITS


def phone_digits(phone: str) -> str:
    """0909 123 456, +84 909 123 456 and 84909123456 are the same number."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def phone_tail(phone: str) -> str:
    """The last nine digits, the same however the number was written."""
    digits = phone_digits(phone)
    return digits[-PHONE_TAIL:] if len(digits) >= PHONE_TAIL else ""


class Case(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Đã tiếp nhận")
        CLASSIFIED = "classified", _("Đã phân loại")
        ACCEPTED = "accepted", _("Đã thụ lý")
        REFUSED = "refused", _("Không thụ lý")
        FORWARDED = "forwarded", _("Đã chuyển cơ quan có thẩm quyền")
        VERIFYING = "verifying", _("Đang xác minh, xử lý")
        RESOLVED = "resolved", _("Đã có kết quả")
        CLOSED = "closed", _("Đã kết thúc")
        WITHDRAWN = "withdrawn", _("Đã rút")
        INFORMATION = "information", _("Lưu làm thông tin")

    code = models.CharField(_("mã số"), max_length=12, unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    instance = models.PositiveSmallIntegerField(_("lần khiếu nại"), default=1)
    first_instance = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="second_instances",
        verbose_name=_("khiếu nại lần đầu"),
    )
    channel = models.CharField(_("kênh tiếp nhận"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("lĩnh vực")
    )
    title = models.CharField(_("tóm tắt"), max_length=200)
    # The title lower-cased without diacritics ("Đường Lê Lợi ngập" → "duong le loi ngap"),
    # kept by `save`: the queue's search matches it, so "đường", "ĐƯỜNG" and "duong" all find
    # the case on every database (SQLite's LIKE folds only ASCII letters).
    folded_title = models.TextField(blank=True, editable=False, db_default="")
    description = models.TextField(_("nội dung"))
    commune = models.ForeignKey(
        "places.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("xã, phường, đặc khu"),
    )
    address = models.CharField(_("địa chỉ nơi xảy ra"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("cơ quan xử lý"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("cán bộ xử lý"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    condition = models.CharField(
        _("mức độ"),
        max_length=20,
        choices=DeadlineRule.Condition.choices,
        default=DeadlineRule.Condition.NORMAL,
    )
    people_count = models.PositiveIntegerField(_("số người cùng nêu"), default=1)
    # Who raised it. For a denunciation these stay empty: the identity lives encrypted in
    # SecretIdentity, apart from the case.
    submitter_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    submitter_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    # The phone's last nine digits, kept so that "has this person sent it already" is an
    # index lookup however the number was written.
    sender_phone_tail = models.CharField(max_length=PHONE_TAIL, blank=True, editable=False)
    submitter_email = models.EmailField(_("e-mail"), blank=True)
    submitter_address = models.CharField(_("địa chỉ liên hệ"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_cases",
    )
    is_anonymous = models.BooleanField(_("ẩn danh"), default=False)
    forwarded_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_to",
        verbose_name=_("chuyển đến từ"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("trùng với"),
    )
    refusal_reason = models.ForeignKey(
        RefusalReason, on_delete=models.PROTECT, null=True, blank=True
    )
    answer = models.TextField(_("kết quả trả lời"), blank=True)
    published_answer = models.TextField(_("nội dung công khai"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), db_index=True)
    # The earliest due date among the running deadlines, kept by `deadlines` in the same
    # transaction as the deadlines themselves: the queue sorts and filters on it.
    open_due = models.DateField(_("hạn xử lý gần nhất"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["organization", "status", "received_at"]),
            models.Index(fields=["commune", "received_at"]),
            models.Index(
                fields=["sender_phone_tail"],
                condition=~Q(sender_phone_tail=""),
                name="case_sender_phone",
            ),
            # The queue sorted by due date: the running cases in order, no sort step.
            models.Index(fields=["open_due", "-received_at", "-id"], name="case_due_order"),
            # The overdue list: newest running cases first, the rest of the table skipped.
            models.Index(
                fields=["-received_at", "-id"],
                condition=Q(open_due__isnull=False),
                name="case_running_received",
            ),
            # Open cases past their due date, per organization (the dashboard), read from the
            # index alone: a query with the same status list matches its condition.
            models.Index(
                fields=["organization", "open_due", "received_at"],
                condition=Q(open_due__isnull=False, status__in=OPEN_STATUSES),
                name="case_running_org",
            ),
            # A period's cases of some organizations (exports, the registry, the check of the
            # kept counts); PostgreSQL answers from the index alone, other databases ignore
            # `include`.
            models.Index(
                fields=["organization", "received_at"],
                include=["status", "channel", "category"],
                name="case_org_received_cover",
            ),
        ]
        verbose_name = _("vụ việc")
        verbose_name_plural = pgettext_lazy("plural", "vụ việc")

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def save(self, *args, **kwargs):
        self.sender_phone_tail = phone_tail(self.submitter_phone)
        self.folded_title = folded(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "submitter_phone" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "sender_phone_tail"}
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "folded_title"}
        super().save(*args, **kwargs)

    @property
    def rule_kind(self) -> str:
        if self.kind == Kind.COMPLAINT and self.instance == 2:
            return DeadlineRule.RuleKind.COMPLAINT_SECOND
        return self.kind


class CaseDeadline(models.Model):
    """One stage's due date for one case; an extension moves `due_on` and counts itself."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(_("giai đoạn"), max_length=10, choices=Stage.choices)
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT)
    starts_on = models.DateField(_("bắt đầu"))
    due_on = models.DateField(_("hạn"), db_index=True)
    extensions = models.PositiveSmallIntegerField(_("số lần đã gia hạn"), default=0)
    met_on = models.DateField(_("hoàn thành ngày"), null=True, blank=True)
    reminded = models.BooleanField(default=False)
    escalated = models.BooleanField(default=False)

    class Meta:
        ordering = ["case_id", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="one_deadline_per_stage")
        ]
        indexes = [
            # Running deadlines are a few percent of all: the due date of a case, the watch.
            models.Index(
                fields=["case", "due_on"],
                condition=Q(met_on__isnull=True),
                name="casedeadline_running",
            ),
            # Deadlines met late: whether a finished case counts as late.
            models.Index(
                fields=["case"], condition=Q(met_on__gt=F("due_on")), name="casedeadline_late"
            ),
        ]
        verbose_name = _("thời hạn")
        verbose_name_plural = pgettext_lazy("plural", "thời hạn")

    def __str__(self) -> str:
        return f"{self.case.code} · {self.get_stage_display()}: {self.due_on:%d/%m/%Y}"


class CaseEvent(models.Model):
    """One line of a case's timeline. `public` lines show on the citizen's tracking page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("lúc"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("việc"), max_length=40)
    note = models.TextField(_("ghi chú"), blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("diễn biến")
        verbose_name_plural = pgettext_lazy("plural", "diễn biến")

    def __str__(self) -> str:
        return f"{self.case.code} · {self.action}"


class SecretIdentity(models.Model):
    """A denouncer's identity, encrypted, apart from the case (Luật Tố cáo 2018, Art. 47–48).

    Read only through `cases.access.read_identity`, which audits every read, and by the
    refusal notice (`cases.replies.send_refusal`), which unseals the contact alone to tell the
    denouncer why the denunciation is not accepted, and audits that read too.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="secret_identity")
    ciphertext = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("danh tính được bảo mật")
        verbose_name_plural = pgettext_lazy("plural", "danh tính được bảo mật")

    def __str__(self) -> str:
        return f"{self.case.code} · ***"


class Rating(models.Model):
    """The citizen's verdict on the answer."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("mức hài lòng (1–5)"))
    resolved = models.BooleanField(_("vấn đề đã được giải quyết"))
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = pgettext_lazy("plural", "đánh giá hài lòng")

    def __str__(self) -> str:
        return f"{self.case.code}: {self.score}/5"


class Attachment(models.Model):
    """A file sent with a case: a photo, a scanned letter, a PDF, a voice recording.

    The type is read from the content, not the name; the checksum finds the same file sent
    twice; images are stored with their location metadata removed.
    """

    class FileType(models.TextChoices):
        IMAGE = "image", _("Ảnh")
        PDF = "pdf", _("PDF")
        AUDIO = "audio", _("Ghi âm")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    file_type = models.CharField(_("loại"), max_length=10, choices=FileType.choices)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "created_at"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = pgettext_lazy("plural", "tệp đính kèm")

    def __str__(self) -> str:
        return f"{self.case.code} · {self.original_name}"


class CaseFlag(models.Model):
    """A mark the inspectorates use for hard cases: raised by a rule or an officer, confirmed
    by an officer. The registry of hard cases lists the confirmed ones."""

    class Kind(models.TextChoices):
        COMPLEX = "complex", _("Phức tạp")
        ESPECIALLY_COMPLEX = "especially_complex", _("Đặc biệt phức tạp")
        MANY_PEOPLE = "many_people", _("Đông người")
        REPEATED = "repeated", _("Lặp lại, kéo dài")
        PROLONGED = "prolonged", _("Quá hạn kéo dài")
        SEVERAL_AGENCIES = "several_agencies", _("Liên quan nhiều cơ quan")
        SUPERVISOR = "supervisor", _("Cơ quan giám sát lưu ý")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("căn cứ"), max_length=300)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_flag_per_kind")]
        verbose_name = _("dấu hiệu vụ việc khó")
        verbose_name_plural = pgettext_lazy("plural", "dấu hiệu vụ việc khó")

    def __str__(self) -> str:
        return f"{self.case.code} · {self.get_kind_display()}"


class CaseCount(models.Model):
    """How many cases of one organization, received on one day (or in one month), have one
    value of one dimension: kept by `cases.counts` in the same transaction as every change,
    so the dashboard sums a few rows instead of counting every case of the period.

    `span` is "day" (`day` is the day) or "month" (`day` is the month's first day); every
    change is written to both, and a period reads whole months from the month rows.

    A counter may be split over a few `shard` rows, which readers add up: concurrent
    intakes to one organization then write different rows instead of queueing for one until
    each commits. The nightly check folds them back into shard 0.
    """

    class Span(models.TextChoices):
        DAY = "day", _("ngày")
        MONTH = "month", _("tháng")

    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    span = models.CharField(max_length=5, choices=Span.choices)
    day = models.DateField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=40, blank=True)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.IntegerField(default=0)

    class Meta:
        ordering = ["organization_id", "span", "day", "dimension", "value", "shard"]
        indexes = [
            # A period's rows of every organization: the dashboard's one read.
            models.Index(fields=["span", "day", "organization"], name="casecount_period"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "span", "day", "dimension", "value", "shard"],
                name="one_count_per_key_and_shard",
            )
        ]
        verbose_name = _("số liệu vụ việc theo ngày")
        verbose_name_plural = pgettext_lazy("plural", "số liệu vụ việc theo ngày")

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.day:%d/%m/%Y} · {self.dimension}={self.value}"


class FlagRule(models.Model):
    """A threshold from which a rule raises a hard-case flag ("kéo dài, đông người, phức tạp").
    How many people make a crowd, how many repeats make a repeated case, how late is prolonged:
    practice differs by place, so each is a row with its reference, edited by administrators.
    The rule decides which flag it raises and in which unit its threshold counts."""

    class Rule(models.TextChoices):
        MANY_PEOPLE = "many_people", _("Đông người: số người cùng nêu, từ")
        SAME_SENDER = (
            "same_sender",
            _("Lặp lại: số vụ việc khác của cùng người gửi, cùng lĩnh vực, từ"),
        )
        SAME_SENDER_WINDOW = (
            "same_sender_window",
            _("Lặp lại: chỉ tính vụ việc của cùng người gửi trong số ngày gần nhất"),
        )
        MANY_SENDERS = "many_senders", _("Lặp lại: số người khác gửi nội dung gần giống, từ")
        PROLONGED = "prolonged", _("Quá hạn kéo dài: quá hạn hơn số ngày")

    class Unit(models.TextChoices):
        PEOPLE = "people", _("người")
        CASES = "cases", _("vụ việc")
        DAYS = "days", _("ngày")

    # What each rule raises and counts in; fixed by the code that reads the rule.
    SHAPES = {
        Rule.MANY_PEOPLE: (CaseFlag.Kind.MANY_PEOPLE, Unit.PEOPLE),
        Rule.SAME_SENDER: (CaseFlag.Kind.REPEATED, Unit.CASES),
        Rule.SAME_SENDER_WINDOW: (CaseFlag.Kind.REPEATED, Unit.DAYS),
        Rule.MANY_SENDERS: (CaseFlag.Kind.REPEATED, Unit.PEOPLE),
        Rule.PROLONGED: (CaseFlag.Kind.PROLONGED, Unit.DAYS),
    }

    rule = models.CharField(_("quy tắc"), max_length=30, choices=Rule.choices, unique=True)
    flag = models.CharField(
        _("dấu hiệu nêu ra"), max_length=20, choices=CaseFlag.Kind.choices, editable=False
    )
    threshold = models.PositiveIntegerField(
        _("ngưỡng"),
        validators=[MinValueValidator(1, _("Ngưỡng phải từ 1 trở lên; hãy nhập lại."))],
    )
    unit = models.CharField(_("đơn vị"), max_length=10, choices=Unit.choices, editable=False)
    legal_reference = models.CharField(_("căn cứ pháp lý hoặc thực tiễn"), max_length=200)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["rule"]
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=1), name="flag_threshold_from_one")
        ]
        verbose_name = _("ngưỡng dấu hiệu vụ việc khó")
        verbose_name_plural = pgettext_lazy("plural", "ngưỡng dấu hiệu vụ việc khó")

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.threshold} {self.get_unit_display()}"

    def save(self, *args, **kwargs):
        self.flag, self.unit = self.SHAPES[self.Rule(self.rule)]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "flag", "unit"}
        super().save(*args, **kwargs)
