from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A province-level unit after 1 July 2025 (34 in all)."""

    code = models.CharField(_("mã"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    # Folded keys the name is known by ("thanhphohochiminh", "hochiminh", "hcm").
    search_keys = models.JSONField(_("khoá tìm kiếm"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune-level unit after 1 July 2025: phường, xã or đặc khu (3,321 in all)."""

    class Kind(models.TextChoices):
        WARD = "phuong", _("Phường")
        COMMUNE = "xa", _("Xã")
        SPECIAL_ZONE = "dac_khu", _("Đặc khu")

    code = models.CharField(_("mã"), max_length=5, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("tỉnh, thành")
    )
    search_keys = models.JSONField(_("khoá tìm kiếm"), default=list, blank=True)

    class Meta:
        ordering = ["province__code", "name"]
        verbose_name = _("xã, phường, đặc khu")
        verbose_name_plural = _("xã, phường, đặc khu")

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class LegacyUnit(models.Model):
    """A province, district or ward as it was before 1 July 2025, and what took it over.

    A legacy province and district lead to their new province; a ward to the commune that
    took it over (`commune`) and, where it was split, to every commune that received a part
    (`successors`, the default one included). The five island districts that had no wards
    became special zones directly, so they carry a commune too.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh, thành phố")
        DISTRICT = "district", _("Quận, huyện")
        WARD = "ward", _("Phường, xã")

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Tỉnh")
        CITY = "thanh_pho", _("Thành phố")
        URBAN_DISTRICT = "quan", _("Quận")
        RURAL_DISTRICT = "huyen", _("Huyện")
        TOWN = "thi_xa", _("Thị xã")
        WARD = "phuong", _("Phường")
        COMMUNE = "xa", _("Xã")
        TOWNLET = "thi_tran", _("Thị trấn")

    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="legacy_units",
        verbose_name=_("tỉnh, thành hiện nay"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã, phường tiếp nhận"),
    )
    successors = models.ManyToManyField(
        Commune,
        blank=True,
        related_name="predecessors",
        verbose_name=_("các xã, phường tiếp nhận"),
    )
    search_keys = models.JSONField(_("khoá tìm kiếm"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="places_legacy_unit_level_code")
        ]
        verbose_name = _("đơn vị hành chính cũ")
        verbose_name_plural = _("đơn vị hành chính cũ")

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """'Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh'."""
        names = [self.name]
        unit = self.parent
        while unit is not None:
            names.append(unit.name)
            unit = unit.parent
        return ", ".join(names)

    def successor_communes(self) -> QuerySet[Commune]:
        """The communes that took over this unit or any part of it."""
        if self.level == self.Level.PROVINCE:
            took_over = Q(predecessors__parent__parent=self) | Q(predecessors__parent=self)
        elif self.level == self.Level.DISTRICT:
            took_over = Q(predecessors__parent=self) | Q(predecessors=self)
        else:
            took_over = Q(predecessors=self)
        return Commune.objects.filter(took_over).distinct()
