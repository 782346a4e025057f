"""Small shared tables every web process reads and writes: rate counters and change versions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """Attempts counted in one window for one key (see nghedan.lib.ratelimit).

    A row is counted up by a single upsert, so every process shares one count; rows whose
    window has passed are deleted by the sweep. A row without `expires` is kept for good (the
    running total of blocked attempts per scope).
    """

    bucket = models.CharField(_("khóa đếm"), max_length=250, primary_key=True)
    count = models.PositiveIntegerField(_("số lần"), default=0)
    expires = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("bộ đếm giới hạn truy cập")
        verbose_name_plural = _("bộ đếm giới hạn truy cập")

    def __str__(self) -> str:
        return f"{self.bucket}: {self.count}"


class SharedVersion(models.Model):
    """A number raised whenever a group of rarely changed tables changes, so every process
    knows when its own copy of them is out of date (see nghedan.lib.process_cache)."""

    name = models.CharField(_("tên"), max_length=100, primary_key=True)
    version = models.PositiveBigIntegerField(_("phiên bản"), default=0)

    class Meta:
        verbose_name = _("phiên bản dữ liệu dùng chung")
        verbose_name_plural = _("phiên bản dữ liệu dùng chung")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
