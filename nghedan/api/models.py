from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IdempotentRequest(models.Model):
    """A POST made under an Idempotency-Key, and the answer a retry gets instead of a rerun.

    The row is inserted before the view runs, so the unique constraint lets only one
    request with a given key through; `status_code` stays empty until that request ends.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
    )
    # Who posted without an account (an Open311 post without api_key): their client address.
    client = models.CharField(_("địa chỉ người gửi"), max_length=64, blank=True)
    key = models.CharField(_("khóa"), max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_request_per_idempotency_key"),
            models.UniqueConstraint(
                fields=["client", "key"],
                condition=models.Q(user__isnull=True),
                name="one_request_per_client_key",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(client=""),
                name="idempotent_request_has_an_owner",
            ),
        ]
        verbose_name = _("yêu cầu có khóa chống lặp")
        verbose_name_plural = pgettext_lazy("plural", "yêu cầu có khóa chống lặp")

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"

    @property
    def in_progress(self) -> bool:
        return self.status_code is None
