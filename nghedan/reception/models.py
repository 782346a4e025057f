"""The in-person reception log (sổ tiếp công dân): the sessions an organization holds and the
people it receives at each, every matter raised becoming a case in its queue.

Rules that come from law (why reception may be refused, from how many people a group counts
as "đoàn đông người") are tables with their legal reference, seeded by a migration and edited
by administrators; the code only reads them.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nghedan.cases.models import Kind as CaseKind


class RefusalOfReception(models.Model):
    """A reason the law allows for refusing to receive a person (Luật Tiếp công dân 2013,
    Điều 9)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    text = models.CharField(_("lý do"), max_length=300)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("lý do từ chối tiếp công dân")
        verbose_name_plural = pgettext_lazy("plural", "lý do từ chối tiếp công dân")

    def __str__(self) -> str:
        return f"{self.text} ({self.legal_reference})"


class CrowdRule(models.Model):
    """From how many people a group received together is an "đoàn đông người", from a date on.
    The rule in force on the day of the session applies."""

    min_people = models.PositiveSmallIntegerField(_("từ số người"))
    valid_from = models.DateField(_("áp dụng từ ngày"))
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=200)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="one_crowd_rule_per_day"),
            models.CheckConstraint(condition=models.Q(min_people__gte=2), name="crowd_of_two_up"),
        ]
        verbose_name = _("quy định đoàn đông người")
        verbose_name_plural = pgettext_lazy("plural", "quy định đoàn đông người")

    def __str__(self) -> str:
        return f"≥ {self.min_people} · {self.valid_from:%d/%m/%Y} · {self.legal_reference}"

    @classmethod
    def threshold_on(cls, day: date) -> int | None:
        """The number of people from which a group is crowded on that day (None: no rule)."""
        return (
            cls.objects.filter(valid_from__lte=day)
            .order_by("-valid_from")
            .values_list("min_people", flat=True)
            .first()
        )


class Reception(models.Model):
    """One reception session (buổi tiếp công dân) of one organization."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Tiếp định kỳ")
        HEAD = "head", _("Lãnh đạo tiếp")
        UNSCHEDULED = "unscheduled", _("Tiếp đột xuất")

    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="receptions",
        verbose_name=_("cơ quan tiếp"),
    )
    held_on = models.DateField(_("ngày tiếp"), db_index=True)
    place = models.CharField(_("địa điểm"), max_length=300)
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    presiding = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="receptions_presided",
        verbose_name=_("người chủ trì"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="receptions_attended",
        blank=True,
        verbose_name=_("cán bộ cùng tiếp"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organization", "held_on"])]
        verbose_name = _("buổi tiếp công dân")
        verbose_name_plural = pgettext_lazy("plural", "buổi tiếp công dân")

    def __str__(self) -> str:
        return f"{self.organization} · {self.held_on:%d/%m/%Y}"


class Visit(models.Model):
    """One person or group received at a session, and what came of it.

    For a denunciation, whatever came of the visit, the visitor fields here stay empty (Luật
    Tố cáo 2018, Điều 47–48): taken in, the identity is sealed with the case; guided or
    refused, it is sealed in `sealed_identity` and read only through
    `reception.access.read_visitor_identity`, which audits every read. `id_number` holds the
    ID number encrypted (`nghedan.lib.crypto`); it is read only through
    `reception.access.read_id_number`, which audits every read.
    """

    class Outcome(models.TextChoices):
        CASE = "case", _("Tiếp nhận thành vụ việc")
        GUIDED = "guided", _("Hướng dẫn, giải thích")
        REFUSED = "refused", _("Từ chối tiếp")

    reception = models.ForeignKey(
        Reception, on_delete=models.PROTECT, related_name="visits", verbose_name=_("buổi tiếp")
    )
    visitor_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    visitor_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    visitor_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    id_number = models.TextField(_("số căn cước (đã mã hóa)"), blank=True)
    sealed_identity = models.TextField(_("danh tính người tố cáo (đã mã hóa)"), blank=True)
    group_size = models.PositiveIntegerField(_("số người"), default=1)
    kind = models.CharField(_("loại"), max_length=20, choices=CaseKind.choices, blank=True)
    category = models.ForeignKey(
        "cases.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lĩnh vực"),
    )
    title = models.CharField(_("tóm tắt"), max_length=200, blank=True)
    raised = models.TextField(_("nội dung trình bày"), blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    note = models.TextField(_("nội dung hướng dẫn, ghi chú"), blank=True)
    refusal = models.ForeignKey(
        RefusalOfReception,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("lý do từ chối tiếp"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reception_visits",
        verbose_name=_("vụ việc"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        ordering = ["reception_id", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(group_size__gte=1), name="visit_of_one_up"),
            models.CheckConstraint(
                condition=~models.Q(outcome="refused") | models.Q(refusal__isnull=False),
                name="refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="case") | models.Q(case__isnull=False),
                name="case_outcome_has_case",
            ),
        ]
        verbose_name = _("lượt tiếp")
        verbose_name_plural = pgettext_lazy("plural", "lượt tiếp")

    def __str__(self) -> str:
        return f"{self.reception} · #{self.pk}"

    @property
    def identity_sealed(self) -> bool:
        """A denunciation, whatever the outcome: who came is sealed (with the case when one was
        taken in, in `sealed_identity` otherwise), never written in this log."""
        return self.kind == CaseKind.DENUNCIATION

    @property
    def has_sealed_identity(self) -> bool:
        return bool(self.sealed_identity)

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_number)
