"""Administrators' pages for organizations, supervision links, people and memberships.

Each view fetches through `access` (404 outside the administrator's subtrees, 403 where
they may only look) and changes through `actions`; a refusal is shown beside its field.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghedan.lib.refusal import Refused
from nghedan.people import actions
from nghedan.people.access import (
    administered_organizations,
    get_membership_for_user,
    get_organization_for_user,
    get_person_for_user,
    get_supervision_link_for_user,
    may_change_person,
    people_for_user,
    visible_organizations,
)
from nghedan.people.decorators import administrator_required
from nghedan.people.management_forms import (
    MembershipForm,
    OrganizationFilterForm,
    OrganizationForm,
    PersonCreateForm,
    PersonFilterForm,
    PersonForm,
    SupervisionForm,
    person_initial,
    send_password_email,
)
from nghedan.people.models import Membership
from nghedan.places.models import Province

ORGANIZATIONS_PER_PAGE = 100
PEOPLE_PER_PAGE = 50


def _posted(request):
    return request.POST if request.method == "POST" else None


def _refuse(form, refusal: Refused) -> None:
    """Show an action's refusal beside its field, or above the form."""
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


def _form_page(request, template, context):
    return render(request, template, context, status=400 if context["form"].errors else 200)


def _list_page(request, template, partial_template, context):
    """The whole page, or only the results when htmx asks for them while filtering."""
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, partial_template if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _ids_among(organizations, ids) -> set[int]:
    return set(organizations.filter(pk__in=ids).values_list("pk", flat=True))


# Organizations


@administrator_required
def organizations(request):
    form = OrganizationFilterForm(request.GET)
    found = (
        form.filter(administered_organizations(request.user))
        .select_related("province", "commune")
        .annotate(member_count=Count("memberships__user", distinct=True))
        .order_by("path")  # a tree: each organization right after its parent
    )
    page = Paginator(found, ORGANIZATIONS_PER_PAGE).get_page(request.GET.get("page"))
    # Indent from the administrator's highest level, not from the root of the whole tree.
    top = min((organization.depth for organization in page), default=0)
    for organization in page:
        organization.indent = organization.depth - top
    return _list_page(
        request,
        "people/organizations.html",
        "people/organizations_table.html",
        {"form": form, "page": page},
    )


@administrator_required
def organization(request, pk):
    return _organization_page(request, get_organization_for_user(request.user, pk))


def _organization_page(request, organization, supervision_form=None, status=200):
    user = request.user
    may_change = administered_organizations(user).filter(pk=organization.pk).exists()
    if may_change and supervision_form is None:
        supervision_form = SupervisionForm(user, organization)
    supervising = list(organization.supervision_links.select_related("supervised"))
    supervised_by = list(organization.supervisor_links.select_related("supervisor"))
    others = [organization.parent_id]
    others += [link.supervised_id for link in supervising]
    others += [link.supervisor_id for link in supervised_by]
    context = {
        "organization": organization,
        "may_change": may_change,
        "children": organization.children.select_related("commune"),
        "memberships": organization.memberships.select_related("user").order_by(
            "user__full_name", "role"
        ),
        "supervising": supervising,
        "supervised_by": supervised_by,
        # Names of organizations outside the administrator's view are shown without links.
        "visible_ids": _ids_among(visible_organizations(user), others),
        "administered_ids": _ids_among(administered_organizations(user), others),
        "supervision_form": supervision_form,
    }
    return render(request, "people/organization.html", context, status=status)


@administrator_required
def organization_create(request):
    form = OrganizationForm(request.user, _posted(request), initial=_initial_place(request))
    if form.is_valid():
        try:
            organization = actions.do_create_organization(request.user, **form.cleaned_data)
        except Refused as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, _("Đã tạo tổ chức %(name)s.") % {"name": organization})
            return redirect("people:organization", pk=organization.pk)
    return _form_page(request, "people/organization_form.html", {"form": form})


def _initial_place(request) -> dict:
    """A new organization starts under the parent given in ?parent=, in its province."""
    raw = request.GET.get("parent", "")
    parent = (
        administered_organizations(request.user).filter(pk=raw).first() if raw.isdigit() else None
    )
    if parent is None:
        return {}
    return {"parent": parent.pk, "province": parent.province_id}


@administrator_required
def organization_edit(request, pk):
    organization = get_organization_for_user(request.user, pk, write=True)
    form = OrganizationForm(request.user, _posted(request), organization=organization)
    if form.is_valid():
        try:
            actions.do_update_organization(request.user, organization, **form.cleaned_data)
        except Refused as refusal:
            organization.refresh_from_db()  # the action may have set fields before refusing
            _refuse(form, refusal)
        else:
            messages.success(request, _("Đã lưu tổ chức %(name)s.") % {"name": organization})
            return redirect("people:organization", pk=organization.pk)
    return _form_page(
        request, "people/organization_form.html", {"form": form, "organization": organization}
    )


@administrator_required
def organization_communes(request):
    """The commune select for the chosen province, swapped in by htmx."""
    raw = request.GET.get("province", "")
    province = Province.objects.filter(pk=raw).first() if raw.isdigit() else None
    form = OrganizationForm(request.user, initial={"province": province})
    return render(request, "people/organization_communes.html", {"form": form})


@administrator_required
@require_POST
def organization_set_active(request, pk):
    organization = get_organization_for_user(request.user, pk, write=True)
    active = request.POST.get("active") == "1"
    actions.do_set_organization_active(request.user, organization, active)
    if active:
        message = _("Tổ chức %(name)s hoạt động trở lại.")
    else:
        message = _("Đã ngừng hoạt động tổ chức %(name)s.")
    messages.success(request, message % {"name": organization})
    return redirect("people:organization", pk=organization.pk)


@administrator_required
@require_POST
def supervision_add(request, pk):
    supervisor = get_organization_for_user(request.user, pk, write=True)
    form = SupervisionForm(request.user, supervisor, request.POST)
    if form.is_valid():
        supervised = form.cleaned_data["supervised"]
        try:
            actions.do_link_supervision(request.user, supervisor, supervised)
        except Refused as refusal:
            _refuse(form, refusal)
        else:
            messages.success(
                request,
                _("%(supervisor)s từ nay giám sát %(supervised)s.")
                % {"supervisor": supervisor, "supervised": supervised},
            )
            return redirect("people:organization", pk=supervisor.pk)
    return _organization_page(request, supervisor, supervision_form=form, status=400)


@administrator_required
@require_POST
def supervision_remove(request, pk):
    link = get_supervision_link_for_user(request.user, pk)
    actions.do_unlink_supervision(request.user, link)
    messages.success(
        request,
        _("%(supervisor)s thôi giám sát %(supervised)s.")
        % {"supervisor": link.supervisor, "supervised": link.supervised},
    )
    # Back to whichever of the two pages the button was on.
    back = request.POST.get("back")
    ends = {str(link.supervisor_id), str(link.supervised_id)}
    return redirect("people:organization", pk=back if back in ends else link.supervisor_id)


# People


@administrator_required
def people(request):
    user = request.user
    form = PersonFilterForm(user, request.GET)
    managed_memberships = Membership.objects.filter(
        organization__in=administered_organizations(user)
    ).select_related("organization")
    found = form.filter(people_for_user(user)).prefetch_related(
        Prefetch("memberships", queryset=managed_memberships, to_attr="managed_memberships")
    )
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return _list_page(
        request, "people/people.html", "people/people_table.html", {"form": form, "page": page}
    )


@administrator_required
def person(request, pk):
    return _person_page(request, get_person_for_user(request.user, pk))


def _person_page(request, person, membership_form=None, error=None, status=200):
    user = request.user
    memberships = person.memberships.filter(
        organization__in=administered_organizations(user)
    ).select_related("organization")
    context = {
        "person": person,
        "memberships": memberships,
        "may_change": may_change_person(user, person),
        "is_self": person.pk == user.pk,
        "membership_form": membership_form or MembershipForm(user),
        "error": error,
    }
    return render(request, "people/person.html", context, status=status)


@administrator_required
def person_create(request):
    form = PersonCreateForm(request.user, _posted(request))
    if form.is_valid():
        try:
            person = form.create(request.user)
        except Refused as refusal:
            _refuse(form, refusal)
        else:
            _tell_about_password_email(request, person, send_password_email(request, person))
            return redirect("people:person", pk=person.pk)
    return _form_page(request, "people/person_form.html", {"form": form})


def _tell_about_password_email(request, person, sent: bool) -> None:
    if sent:
        messages.success(
            request,
            _("Đã tạo tài khoản %(name)s và gửi thư đặt mật khẩu đến %(email)s.")
            % {"name": person, "email": person.email},
        )
    else:
        messages.warning(
            request,
            _(
                "Đã tạo tài khoản %(name)s. Người này chưa có e-mail nên chưa nhận được thư đặt "
                "mật khẩu: hãy bổ sung e-mail rồi gửi thư."
            )
            % {"name": person},
        )


@administrator_required
def person_edit(request, pk):
    person = get_person_for_user(request.user, pk, write=True)
    form = PersonForm(_posted(request), initial=person_initial(person))
    if form.is_valid():
        try:
            actions.do_update_person(request.user, person, **form.cleaned_data)
        except Refused as refusal:
            person.refresh_from_db()
            _refuse(form, refusal)
        else:
            messages.success(request, _("Đã lưu thông tin của %(name)s.") % {"name": person})
            return redirect("people:person", pk=person.pk)
    return _form_page(request, "people/person_form.html", {"form": form, "person": person})


@administrator_required
@require_POST
def person_set_active(request, pk):
    person = get_person_for_user(request.user, pk, write=True)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_person_active(request.user, person, active)
    except Refused as refusal:
        return _person_page(request, person, error=refusal.message, status=400)
    message = _("Đã mở lại tài khoản %(name)s.") if active else _("Đã khóa tài khoản %(name)s.")
    messages.success(request, message % {"name": person})
    return redirect("people:person", pk=person.pk)


@administrator_required
@require_POST
def person_send_password_email(request, pk):
    person = get_person_for_user(request.user, pk, write=True)
    if send_password_email(request, person):
        messages.success(
            request, _("Đã gửi thư đặt mật khẩu đến %(email)s.") % {"email": person.email}
        )
    else:
        messages.error(request, _("Người này chưa có e-mail; hãy bổ sung e-mail trước."))
    return redirect("people:person", pk=person.pk)


@administrator_required
@require_POST
def membership_add(request, pk):
    person = get_person_for_user(request.user, pk, write=True)
    form = MembershipForm(request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_add_membership(
                request.user, person, data["organization"], data["role"], data["title"]
            )
        except Refused as refusal:
            _refuse(form, refusal)
        else:
            messages.success(request, _("Đã thêm vai trò cho %(name)s.") % {"name": person})
            return redirect("people:person", pk=person.pk)
    return _person_page(request, person, membership_form=form, status=400)


@administrator_required
@require_POST
def membership_remove(request, pk):
    membership = get_membership_for_user(request.user, pk)
    person = membership.user
    actions.do_remove_membership(request.user, membership)
    messages.success(
        request,
        _("Đã bỏ vai trò %(role)s tại %(organization)s của %(name)s.")
        % {
            "role": membership.get_role_display(),
            "organization": membership.organization,
            "name": person,
        },
    )
    # Without a role left in the administrator's organizations the person is out of their view.
    if people_for_user(request.user).filter(pk=person.pk).exists():
        return redirect("people:person", pk=person.pk)
    return redirect("people:people")
