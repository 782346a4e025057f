"""Django's admin for the rule tables administrators edit (deadlines, categories, refusal
reasons, routing, calendar changes): every save and delete writes an audit entry."""

from django.contrib import admin
from django.db import transaction
from django.forms.models import model_to_dict

from nghedan.audit.chain import record


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            action = "update" if change else "create"
            record(request.user, f"{obj._meta.label_lower}.{action}", obj,
                   changed=form.changed_data, values=model_to_dict(obj))  # fmt: skip

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(request.user, f"{obj._meta.label_lower}.delete", obj, values=model_to_dict(obj))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
