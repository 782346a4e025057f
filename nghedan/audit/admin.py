from django.contrib import admin

from nghedan.audit.models import AuditEntry
from nghedan.lib.readonly_admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Looked at, never changed."""

    list_display = ["seq", "at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "actor_label", "action"]
