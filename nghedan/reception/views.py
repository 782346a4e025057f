"""The reception log's pages: the list of sessions, opening one, a session with its visits
and the form to record the next one, and the audited reads of a visitor's ID number and of a
denouncer's identity sealed with a visit.

Each view fetches through `access` (404 outside the officer's organizations, 403 where they
only follow the log) and changes through `actions`; a refusal is shown beside its field with
status 400 and nothing changed.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nghedan.cases.models import Kind
from nghedan.lib.refusal import Refused
from nghedan.people.decorators import working_role_required
from nghedan.reception import actions
from nghedan.reception.access import (
    get_reception_for_user,
    get_visit_for_user,
    may_read_visitor_identity,
    may_write,
    read_id_number,
    read_visitor_identity,
    receiving_organizations,
    receptions_for_user,
)
from nghedan.reception.forms import OpenReceptionForm, ReceptionFilterForm, VisitForm
from nghedan.reception.models import CrowdRule, Reception, Visit

RECEPTIONS_PER_PAGE = 50
Outcome = Visit.Outcome


# The list


@working_role_required
def receptions(request):
    form = ReceptionFilterForm(request.user, request.GET)
    found = (
        form.filter(receptions_for_user(request.user))
        .select_related("organization", "presiding")
        .annotate(
            visit_count=Count("visits"),
            people_count=Sum("visits__group_size"),
            case_count=Count("visits__case"),
        )
    )
    page = Paginator(found, RECEPTIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "may_open": receiving_organizations(request.user).exists(),
    }
    return render(request, "reception/list.html", context)


# Opening a session


@working_role_required
def open_reception(request):
    if not receiving_organizations(request.user).exists():
        raise PermissionDenied(
            _("Chỉ cán bộ tiếp công dân, cán bộ xử lý và lãnh đạo mới mở được buổi tiếp.")
        )
    form = OpenReceptionForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            reception = actions.do_open_reception(request.user, **form.cleaned_data)
        except Refused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(
                request,
                _("Đã mở sổ buổi tiếp ngày %(day)s tại %(organization)s.")
                % {"day": f"{reception.held_on:%d/%m/%Y}", "organization": reception.organization},
            )
            return redirect("reception:reception", pk=reception.pk)
    status = 400 if form.errors else 200
    return render(request, "reception/open.html", {"form": form}, status=status)


# One session


@working_role_required
def reception(request, pk):
    return _reception_page(request, get_reception_for_user(request.user, pk))


@working_role_required
@require_POST
def record_visit(request, pk):
    reception = get_reception_for_user(request.user, pk, write=True)
    form = VisitForm(reception, request.POST)
    if not form.is_valid():
        return _reception_page(request, reception, form, status=400)
    try:
        visit = _record(request.user, reception, form.cleaned_data)
    except Refused as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return _reception_page(request, reception, form, status=refusal.status)
    messages.success(request, _done_message(visit))
    return redirect(reverse("reception:reception", args=[reception.pk]) + f"#luot-{visit.pk}")


def _record(user, reception: Reception, data: dict) -> Visit:
    visitor = {
        "visitor_name": data["visitor_name"],
        "visitor_phone": data["visitor_phone"],
        "visitor_address": data["visitor_address"],
        "id_number": data["id_number"],
        "group_size": data["group_size"],
    }
    if data["outcome"] == Outcome.REFUSED:
        return actions.do_refuse_reception(
            user, reception, reason=data["refusal"], raised=data["raised"], note=data["note"],
            kind=data["kind"], **visitor,
        )  # fmt: skip
    return actions.do_record_visit(
        user, reception, kind=data["kind"], category=data["category"], title=data["title"],
        raised=data["raised"], note=data["note"], create_case=data["outcome"] == Outcome.CASE,
        **visitor,
    )  # fmt: skip


def _done_message(visit: Visit) -> str:
    if visit.outcome in (Outcome.REFUSED, Outcome.GUIDED):
        if visit.outcome == Outcome.REFUSED:
            assert visit.refusal is not None
            done = _("Đã ghi việc từ chối tiếp: %(reason)s.") % {"reason": visit.refusal}
        else:
            done = _("Đã ghi lượt tiếp: người dân được hướng dẫn, giải thích.")
        if visit.identity_sealed:
            done += " " + _(
                "Danh tính người tố cáo được niêm phong, không ghi trong sổ tiếp; chỉ cán bộ "
                "đã tiếp người tố cáo xem được."
            )
        return done
    assert visit.case is not None
    done = _(
        "Đã ghi lượt tiếp và tiếp nhận vụ việc mã số %(code)s vào danh sách xử lý của "
        "%(organization)s. Hãy báo mã số này cho người dân để họ tra cứu."
    ) % {"code": visit.case.code, "organization": visit.case.organization}
    if visit.identity_sealed:
        done += " " + _(
            "Danh tính người tố cáo được niêm phong cùng vụ việc, không ghi trong sổ tiếp."
        )
    return done


@working_role_required
@require_POST
@never_cache
def visit_id_number(request, pk):
    """A visitor's ID number, shown once on this response to an officer of the receiving
    organization (403 for those who only follow the log); the read is audited."""
    visit = get_visit_for_user(request.user, pk, write=True)
    if not visit.has_id_number:
        raise Http404("Lượt tiếp này không ghi số căn cước / No ID number recorded")
    number = read_id_number(request.user, visit)
    reception = get_reception_for_user(request.user, visit.reception_id)
    return _reception_page(request, reception, revealed=Revealed(visit.pk, number))


@working_role_required
@require_POST
@never_cache
def visit_identity(request, pk):
    """A denouncer's identity sealed with a visit (not taken in as a case), shown once on this
    response to the officers who received them (403 for anyone else who reads the log); the
    read is audited."""
    visit = get_visit_for_user(request.user, pk, write=True)
    if not visit.has_sealed_identity:
        raise Http404("Lượt tiếp này không có danh tính niêm phong / No sealed identity")
    identity = read_visitor_identity(request.user, visit)
    reception = get_reception_for_user(request.user, visit.reception_id)
    return _reception_page(request, reception, revealed=Revealed(visit.pk, identity=identity))


@dataclass(frozen=True)
class Revealed:
    visit_id: int
    id_number: str = ""
    identity: dict | None = None


@dataclass(frozen=True)
class Line:
    number: int
    visit: Visit
    crowd: bool
    may_reveal_identity: bool = False


def _reception_page(
    request, reception: Reception, form: VisitForm | None = None, status: int = 200,
    revealed: Revealed | None = None,
):  # fmt: skip
    writer = may_write(request.user, reception)
    crowd_from = CrowdRule.threshold_on(reception.held_on)
    visits = list(reception.visits.select_related("category", "case", "refusal"))
    for visit in visits:
        visit.reception = reception
    lines = [
        Line(
            number,
            visit,
            crowd=bool(crowd_from and visit.group_size >= crowd_from),
            may_reveal_identity=writer and may_read_visitor_identity(request.user, visit),
        )
        for number, visit in enumerate(visits, start=1)
    ]
    context = {
        "reception": reception,
        "officers": list(reception.officers.all()),
        "lines": lines,
        "people": sum(visit.group_size for visit in visits),
        "cases": sum(1 for visit in visits if visit.case_id),
        "crowds": sum(1 for line in lines if line.crowd),
        "crowd_from": crowd_from,
        "writer": writer,
        "form": form if form is not None else (VisitForm(reception) if writer else None),
        "revealed": revealed,
        "denunciation": Kind.DENUNCIATION,
    }
    return render(request, "reception/reception.html", context, status=status)
