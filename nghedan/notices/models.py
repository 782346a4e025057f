from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notice(models.Model):
    """One in-app notice to one person: an assignment, a due date, an escalation, a reply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    text = models.CharField(_("nội dung"), max_length=300)
    url = models.CharField(_("đường dẫn"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("thông báo")
        verbose_name_plural = pgettext_lazy("plural", "thông báo")

    def __str__(self) -> str:
        return self.text
