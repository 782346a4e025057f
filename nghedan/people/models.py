from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    """A person who signs in: an officer with memberships, or a citizen with none."""

    full_name = models.CharField(_("họ và tên"), max_length=150)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("người dùng")
        verbose_name_plural = pgettext_lazy("plural", "người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.username])[-1]


class Organization(models.Model):
    """A node of the political system, tied to a place, in one tree per deployment."""

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("Cấp ủy Đảng")
        MASS_MOBILIZATION = "mass_mobilization", _("Ban Dân vận")
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        PEOPLES_COUNCIL = "peoples_council", _("Hội đồng nhân dân")
        FATHERLAND_FRONT = "fatherland_front", _("Ủy ban MTTQ Việt Nam")
        WOMENS_UNION = "womens_union", _("Hội Liên hiệp Phụ nữ")
        YOUTH_UNION = "youth_union", _("Đoàn Thanh niên Cộng sản Hồ Chí Minh")
        FARMERS_UNION = "farmers_union", _("Hội Nông dân")
        VETERANS_ASSOCIATION = "veterans_association", _("Hội Cựu chiến binh")
        LABOUR_FEDERATION = "labour_federation", _("Liên đoàn Lao động")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        AGENCY = "agency", _("Cơ quan, đơn vị khác")
        RESIDENTIAL_GROUP = "residential_group", _("Khu phố, tổ dân phố, ấp")

    name = models.CharField(_("tên"), max_length=200)
    code = models.SlugField(_("mã"), max_length=80, unique=True)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    province = models.ForeignKey(
        "places.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("tỉnh, thành"),
    )
    commune = models.ForeignKey(
        "places.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("xã, phường, đặc khu"),
    )
    assigns_in_turn = models.BooleanField(
        _("giao việc lần lượt"),
        default=False,
        help_text=_(
            "Vụ việc mới đến được tự động giao cho cán bộ xử lý đang có ít vụ việc mở nhất."
        ),
    )
    # "/1/7/42/": the ids from the root down; a subtree is one prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    supervises = models.ManyToManyField(
        "self",
        symmetrical=False,
        through="SupervisionLink",
        related_name="supervised_by",
        blank=True,
        verbose_name=_("giám sát"),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("tổ chức")
        verbose_name_plural = pgettext_lazy("plural", "tổ chức")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class SupervisionLink(models.Model):
    """The supervisor follows the supervised organization's work and all its subtree."""

    supervisor = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="supervision_links"
    )
    supervised = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="supervisor_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supervisor_id", "supervised_id"]
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "supervised"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("supervised")), name="no_self_supervision"
            ),
        ]
        verbose_name = _("quan hệ giám sát")
        verbose_name_plural = pgettext_lazy("plural", "quan hệ giám sát")

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.supervised}"


class Role(models.TextChoices):
    RECEPTION = "reception", _("Cán bộ tiếp nhận")
    HANDLER = "handler", _("Cán bộ xử lý")
    SUPERVISOR = "supervisor", _("Cán bộ giám sát")
    LEADER = "leader", _("Lãnh đạo")
    ANALYST = "analyst", _("Cán bộ phân tích dư luận")
    ADMIN = "admin", _("Quản trị viên")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("người dùng"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("tổ chức"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["organization__path", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="one_membership_per_role"
            )
        ]
        verbose_name = _("thành viên")
        verbose_name_plural = pgettext_lazy("plural", "thành viên")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organization}"


class SignInFailure(models.Model):
    """One failed sign-in; enough of them in a window make the account and address wait."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"


class ApiToken(models.Model):
    """A bearer token for a staff tool. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mã truy cập API")
        verbose_name_plural = pgettext_lazy("plural", "mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
