"""The menu each person sees, by role. Later apps add their entries here."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nghedan.cases.access import handled_organizations
from nghedan.insight.access import may_read_texts, may_see_feeds
from nghedan.people.access import (
    has_working_role,
    is_administrator,
    is_signed_in,
    is_staff_member,
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str


def menu_for(user) -> list[NavItem]:
    items = [
        NavItem(_("Trang chủ"), reverse("shell:home")),
        NavItem(_("Gửi ý kiến"), reverse("cases:submit")),
        NavItem(_("Tra cứu ý kiến"), reverse("cases:track")),
    ]
    if not is_signed_in(user):
        return items
    items.append(NavItem(_("Ý kiến của tôi"), reverse("cases:mine")))
    if is_staff_member(user):
        items.insert(1, NavItem(_("Bảng điều khiển"), reverse("shell:dashboard")))
    if has_working_role(user):
        items.insert(2, NavItem(_("Vụ việc"), reverse("cases:queue")))
        items.insert(3, NavItem(_("Tổng quan"), reverse("cases:dashboard")))
        items.insert(4, NavItem(_("Vụ việc khó"), reverse("cases:registry")))
    if handled_organizations(user).exists():
        items.insert(3, NavItem(_("Tiếp nhận"), reverse("cases:intake")))
    if has_working_role(user):
        items.insert(4, NavItem(_("Tiếp công dân"), reverse("reception:list")))
    if may_read_texts(user):
        items.append(NavItem(_("Dư luận"), reverse("insight:texts")))
    elif may_see_feeds(user):
        items.append(NavItem(_("Nguồn tin"), reverse("insight:feeds")))
    items.append(NavItem(_("Tra cứu địa danh"), reverse("places:lookup")))
    if is_administrator(user):
        items.append(NavItem(pgettext_lazy("plural", "Tổ chức"), reverse("people:organizations")))
        items.append(NavItem(_("Người dùng"), reverse("people:people")))
    items.append(NavItem(_("Thông báo"), reverse("notices:inbox")))
    items.append(NavItem(_("Tài khoản"), reverse("people:account")))
    return items


def navigation(request):
    return {"menu": menu_for(request.user)}
