from django.contrib import admin

from nghedan.cases.models import (
    CalendarChange,
    Case,
    Category,
    DeadlineRule,
    FlagRule,
    RefusalReason,
    RoutingRule,
)
from nghedan.lib.audited_admin import AuditedAdmin
from nghedan.lib.readonly_admin import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "parent", "is_active"]
    list_filter = ["is_active"]


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = ["kind", "stage", "condition", "days", "basis", "max_extensions",
                    "legal_reference"]  # fmt: skip
    list_filter = ["kind", "stage"]


@admin.register(CalendarChange)
class CalendarChangeAdmin(AuditedAdmin):
    list_display = ["day", "is_working_day", "legal_reference"]


@admin.register(RefusalReason)
class RefusalReasonAdmin(AuditedAdmin):
    list_display = ["code", "kind", "text", "legal_reference", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["category", "commune", "organization"]
    raw_id_fields = ["commune", "organization"]


@admin.register(FlagRule)
class FlagRuleAdmin(AuditedAdmin):
    """One row per rule the code reads: its threshold, reference and note are edited here; the
    flag it raises and its unit come with the rule. A row is not deleted (the rule would fall
    back to its first value unseen): a missing one may be added back."""

    list_display = ["rule", "flag", "threshold", "unit", "legal_reference"]
    readonly_fields = ["flag", "unit"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "rule"] if obj is not None else self.readonly_fields

    def has_add_permission(self, request):
        missing = set(FlagRule.Rule.values) - set(FlagRule.objects.values_list("rule", flat=True))
        return bool(missing) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases are handled on the officers' pages; here only what is not secret is listed."""

    list_display = ["code", "kind", "status", "organization", "received_at"]
    list_filter = ["kind", "status"]
    fields = ["code", "kind", "status", "category", "commune", "organization", "received_at"]
