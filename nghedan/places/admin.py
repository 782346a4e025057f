from django.contrib import admin

from nghedan.lib.readonly_admin import ReadOnlyAdmin
from nghedan.places.models import Commune, LegacyUnit, Province


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "short_name"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    list_select_related = ["province"]
    search_fields = ["code", "name", "short_name"]


@admin.register(LegacyUnit)
class LegacyUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "commune", "province"]
    list_filter = ["level", "kind", "province"]
    list_select_related = ["parent", "commune", "province"]
    search_fields = ["code", "name", "short_name"]
