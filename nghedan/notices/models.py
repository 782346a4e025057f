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


class Delivery(models.Model):
    """One answer owed to a citizen (a reply, a refusal notice), by e-mail and by SMS.

    Written before anything is sent and marked channel by channel as each one leaves, so a
    gateway that fails loses nothing: the sweep sends what is still owed again, up to
    MAX_ATTEMPTS times. It holds no contact: the sending reads it from the case (or unseals a
    denouncer's) at the moment of sending.
    """

    MAX_ATTEMPTS = 5

    class Purpose(models.TextChoices):
        REPLY = "reply", _("Trả lời kết quả")
        REFUSAL = "refusal", _("Thông báo không thụ lý")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="deliveries")
    purpose = models.CharField(_("loại"), max_length=20, choices=Purpose.choices)
    email_done = models.BooleanField(_("đã gửi e-mail"), default=False)
    sms_done = models.BooleanField(_("đã gửi SMS"), default=False)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    # Set while one worker sends it, so a second one (or the sweep) leaves it alone.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The kind of the last failure only: a gateway's message may carry the number.
    last_error = models.CharField(_("lỗi gần nhất"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["email_done", "sms_done", "attempts"])]
        verbose_name = _("lượt gửi trả lời")
        verbose_name_plural = pgettext_lazy("plural", "lượt gửi trả lời")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} #{self.case_id}"
