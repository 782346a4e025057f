from django.contrib import admin

from nghedan.lib.readonly_admin import ReadOnlyAdmin
from nghedan.people.models import ApiToken, Membership, Organization, SupervisionLink, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    exclude = ["password"]


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "commune", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organization", "role", "title"]
    list_filter = ["role"]


@admin.register(SupervisionLink)
class SupervisionLinkAdmin(ReadOnlyAdmin):
    list_display = ["supervisor", "supervised"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "name", "prefix", "created_at", "revoked_at"]
    exclude = ["key_hash"]
