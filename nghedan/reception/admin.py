from django.contrib import admin

from nghedan.lib.audited_admin import AuditedAdmin
from nghedan.reception.models import CrowdRule, RefusalOfReception


@admin.register(RefusalOfReception)
class RefusalOfReceptionAdmin(AuditedAdmin):
    list_display = ["code", "text", "legal_reference", "position", "is_active"]
    list_filter = ["is_active"]


@admin.register(CrowdRule)
class CrowdRuleAdmin(AuditedAdmin):
    list_display = ["min_people", "valid_from", "legal_reference"]
