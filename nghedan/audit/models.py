from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditImmutable(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("Nhật ký kiểm toán chỉ được ghi thêm. / The audit log is append-only.")

    def delete(self):
        raise AuditImmutable("Nhật ký kiểm toán chỉ được ghi thêm. / The audit log is append-only.")


class AuditEntry(models.Model):
    """One change, or one read of secret data. Each entry seals the one before it.

    `digest` is an HMAC over this entry's fields and the previous entry's digest in its
    lane, so an edited, inserted or deleted entry breaks the chain from that point on.
    `seq` orders all entries; each lane is a chain of its own (see `audit.chain`).
    """

    seq = models.PositiveBigIntegerField(_("số thứ tự"), unique=True)
    lane = models.PositiveSmallIntegerField(_("nhánh"), default=1, db_default=1)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150)
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    target_type = models.CharField(_("loại đối tượng"), max_length=80)
    target_id = models.CharField(_("mã đối tượng"), max_length=64)
    data = models.JSONField(_("chi tiết"), default=dict)
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký kiểm toán")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable(
                "Nhật ký kiểm toán chỉ được ghi thêm. / The audit log is append-only."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("Nhật ký kiểm toán chỉ được ghi thêm. / The audit log is append-only.")


class AuditHead(models.Model):
    """The tip of one lane (its id): the number and digest of the lane's last entry. Updating
    it first serializes the lane's writers."""

    seq = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"#{self.seq}"
