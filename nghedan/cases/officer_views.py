"""The officers' pages: the queue, a case with the actions its status allows, and intake.

Each view fetches through `access` (404 outside the officer's organizations, 403 where they
only follow the case) and changes through `actions`; a refusal is shown beside its form with
the status the action gave (400, or 409 when the case moved meanwhile) and nothing changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nghedan.cases import actions, attachments
from nghedan.cases.access import (
    cases_for_user,
    get_case_for_user,
    handled_organizations,
    may_handle,
    may_read_identity,
    read_identity,
)
from nghedan.cases.deadlines import work_calendar
from nghedan.cases.models import Case, CaseDeadline, CaseEvent, Kind, Stage
from nghedan.cases.officer_forms import (
    OPEN,
    AssignForm,
    AttachFilesForm,
    BulkAssignForm,
    ClassifyForm,
    CommentForm,
    ConfirmForm,
    ExtendForm,
    ForwardForm,
    IntakeForm,
    QueueFilterForm,
    ReasonForm,
    RefuseForm,
    ResolveForm,
)
from nghedan.lib.refusal import Refused
from nghedan.lib.workdays import WorkCalendar
from nghedan.people.decorators import working_role_required

Status = Case.Status
CASES_PER_PAGE = 50
FORWARD_SEARCH = "tim_co_quan"

EVENT_LABELS = {
    "duplicate_linked": gettext_lazy("Ghi nhận trùng"),
    "duplicate_noted": gettext_lazy("Có vụ việc trùng"),
    "merged": gettext_lazy("Gộp vào vụ việc khác"),
    "merged_in": gettext_lazy("Gộp vụ việc trùng vào"),
    "flag_raised": gettext_lazy("Nêu dấu hiệu vụ việc khó"),
    "flag_confirmed": gettext_lazy("Xác nhận dấu hiệu vụ việc khó"),
    "flag_cleared": gettext_lazy("Bỏ dấu hiệu vụ việc khó"),
    "report_requested": gettext_lazy("Cơ quan giám sát đề nghị báo cáo"),
    "escalated": gettext_lazy("Chuyển cấp giám sát do quá hạn"),
    "received": gettext_lazy("Tiếp nhận"),
    "classified": gettext_lazy("Phân loại"),
    "reclassified": gettext_lazy("Phân loại lại"),
    "accepted": gettext_lazy("Thụ lý"),
    "refused": gettext_lazy("Không thụ lý"),
    "forwarded": gettext_lazy("Chuyển cơ quan có thẩm quyền"),
    "assigned": gettext_lazy("Giao cán bộ xử lý"),
    "verifying": gettext_lazy("Bắt đầu xác minh, xử lý"),
    "resolved": gettext_lazy("Có kết quả giải quyết"),
    "closed": gettext_lazy("Kết thúc"),
    "reopened": gettext_lazy("Mở lại theo đề nghị của người dân"),
    "withdrawn": gettext_lazy("Rút đơn"),
    "extended": gettext_lazy("Gia hạn giải quyết"),
    "comment": gettext_lazy("Ý kiến"),
    "rated": gettext_lazy("Người dân đánh giá"),
    "attached": gettext_lazy("Đính kèm tệp"),
}


# Deadlines as people read them


@dataclass(frozen=True)
class Due:
    on: date
    days_left: int  # working days; counted back when overdue
    overdue: bool

    @property
    def days_late(self) -> int:
        return -self.days_left


def due(on: date | None, today: date, calendar: WorkCalendar) -> Due | None:
    """One calendar for the whole page: building it reads the table of announced days off."""
    if on is None:
        return None
    return Due(on, calendar.working_days_between(today, on), on < today)


# The queue


class CappedPaginator(Paginator):
    """Counts no further than COUNT_CAP + 1 cases: an exact count would read every case in
    scope (a city's million) on every page, while past a thousand the officer needs a filter,
    not a number. The pages go as far as the count."""

    COUNT_CAP = 1000

    @cached_property
    def count(self) -> int:
        cases = cast(QuerySet, self.object_list)
        return cases.order_by()[: self.COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.COUNT_CAP


@working_role_required
def queue(request):
    return _queue_page(request, BulkAssignForm(request.user) if _handles_some(request) else None)


def _handles_some(request) -> bool:
    return handled_organizations(request.user).exists()


def _queue_page(request, bulk_form, status=200):
    form = QueueFilterForm(request.user, request.GET)
    today = timezone.localdate()
    found = form.filter(cases_for_user(request.user), today).select_related(
        "category", "commune", "organization", "assignee"
    )
    page = CappedPaginator(found, CASES_PER_PAGE).get_page(request.GET.get("page"))
    calendar = work_calendar()
    for case in page:
        case.due = due(case.open_due, today, calendar)
    context = {"form": form, "page": page, "bulk_form": bulk_form, "query": request.GET.urlencode()}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/queue_table.html" if partial else "cases/queue.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@working_role_required
@require_POST
def queue_assign(request):
    """Give the ticked cases to one handler: each case on its own, refusals listed."""
    if not _handles_some(request):
        raise PermissionDenied(_("Bạn chỉ theo dõi, không giao việc được."))
    form = BulkAssignForm(request.user, request.POST)
    if not form.is_valid():
        return _queue_page(request, form, status=400)
    assignee = None if form.cleaned_data["in_turn"] else form.cleaned_data["assignee"]
    done, refused = _assign_each(request.user, form.cleaned_data["cases"], assignee)
    if done and assignee:
        messages.success(
            request,
            _("Đã giao %(count)s vụ việc cho %(name)s: %(codes)s.")
            % {"count": len(done), "name": assignee, "codes": ", ".join(done)},
        )
    elif done:
        messages.success(
            request,
            _("Đã chia lần lượt %(count)s vụ việc: %(codes)s.")
            % {"count": len(done), "codes": ", ".join(done)},
        )
    for code, message in refused:
        messages.error(request, _("Chưa giao được %(code)s: %(message)s") % {
            "code": code, "message": message})  # fmt: skip
    query = request.GET.urlencode()
    return redirect(reverse("cases:queue") + (f"?{query}" if query else ""))


def _assign_each(user, ids: list[int], assignee) -> tuple[list[str], list[tuple[str, str]]]:
    """Each case on its own; with no assignee, each to the handler next in turn."""
    handled = set(handled_organizations(user).values_list("pk", flat=True))
    done, refused = [], []
    for case in cases_for_user(user).filter(pk__in=ids).select_related("organization"):
        if case.organization_id not in handled:
            refused.append((case.code, _("bạn chỉ theo dõi vụ việc này.")))
            continue
        try:
            if assignee is None:
                case = actions.do_assign_in_turn(user, case)
            else:
                actions.do_assign(user, case, assignee)
        except Refused as refusal:
            refused.append((case.code, refusal.message))
        else:
            done.append(f"{case.code} → {case.assignee}" if assignee is None else case.code)
    return done, refused


# One case


@dataclass(frozen=True)
class CaseAction:
    """An action on a case, as the page offers it: its form, when, and what it calls."""

    name: str
    title: str | Promise
    button: str | Promise
    form: type
    perform: Callable[[Any, Case, dict], Any]
    done: str | Promise  # the success message; %(code)s and the form's values
    statuses: tuple = OPEN
    handling: bool = True  # False: whoever follows the case may do it
    note: str | Promise = ""


ACTIONS = {
    action.name: action
    for action in [
        CaseAction(
            "classify", gettext_lazy("Phân loại"), gettext_lazy("Lưu phân loại"), ClassifyForm,
            lambda user, case, data: actions.do_classify(user, case, **data),
            gettext_lazy("Đã phân loại vụ việc %(code)s."),
            statuses=(Status.RECEIVED, Status.CLASSIFIED),
        ),
        CaseAction(
            "accept", gettext_lazy("Thụ lý"), gettext_lazy("Thụ lý"), ConfirmForm,
            lambda user, case, data: actions.do_accept(user, case),
            gettext_lazy("Đã thụ lý vụ việc %(code)s; thời hạn giải quyết bắt đầu từ hôm nay."),
            statuses=(Status.CLASSIFIED,),
            note=gettext_lazy("Thụ lý thì thời hạn giải quyết bắt đầu tính từ hôm nay."),
        ),
        CaseAction(
            "refuse", gettext_lazy("Không thụ lý"), gettext_lazy("Không thụ lý"), RefuseForm,
            lambda user, case, data: actions.do_refuse(user, case, data["reason"], data["note"]),
            gettext_lazy("Đã ghi nhận không thụ lý vụ việc %(code)s."),
            statuses=(Status.RECEIVED, Status.CLASSIFIED),
            note=gettext_lazy("Chỉ chọn được các lý do pháp luật cho phép với loại vụ việc này; "
                              "lý do được báo cho người gửi."),
        ),
        CaseAction(
            "forward", gettext_lazy("Chuyển cơ quan có thẩm quyền"), gettext_lazy("Chuyển đi"),
            ForwardForm,
            lambda user, case, data: actions.do_forward(
                user, case, data["organization"], data["note"]),
            gettext_lazy("Đã chuyển vụ việc %(code)s đến %(organization)s "
                         "(mã số tại nơi nhận: %(new_code)s)."),
            statuses=(Status.RECEIVED, Status.CLASSIFIED),
            note=gettext_lazy("Khi vụ việc không thuộc thẩm quyền: cơ quan nhận có một vụ việc "
                              "mới liên kết với vụ việc này, còn vụ việc này kết thúc."),
        ),
        CaseAction(
            "assign", gettext_lazy("Giao cán bộ xử lý"), gettext_lazy("Giao việc"), AssignForm,
            lambda user, case, data: actions.do_assign(user, case, data["assignee"]),
            gettext_lazy("Đã giao vụ việc %(code)s cho %(assignee)s."),
        ),
        CaseAction(
            "verify", gettext_lazy("Xác minh, xử lý"), gettext_lazy("Bắt đầu xác minh"),
            ConfirmForm,
            lambda user, case, data: actions.do_start_verifying(user, case),
            gettext_lazy("Vụ việc %(code)s chuyển sang xác minh, xử lý."),
            statuses=(Status.ACCEPTED,),
        ),
        CaseAction(
            "resolve", gettext_lazy("Kết quả giải quyết"), gettext_lazy("Ghi kết quả"),
            ResolveForm,
            lambda user, case, data: attachments.do_resolve_with_files(
                user, case, data["attachments"], answer=data["answer"],
                published_answer=data["published_answer"]),
            gettext_lazy("Đã ghi kết quả giải quyết vụ việc %(code)s."),
            statuses=(Status.ACCEPTED, Status.VERIFYING),
        ),
        CaseAction(
            "close", gettext_lazy("Kết thúc"), gettext_lazy("Kết thúc vụ việc"), ConfirmForm,
            lambda user, case, data: actions.do_close(user, case),
            gettext_lazy("Đã kết thúc vụ việc %(code)s."),
            statuses=(Status.RESOLVED,),
        ),
        CaseAction(
            "extend", gettext_lazy("Gia hạn giải quyết"), gettext_lazy("Gia hạn"), ExtendForm,
            lambda user, case, data: actions.do_extend_deadline(
                user, case, data["reason"], seen_extensions=data["seen_extensions"]),
            gettext_lazy("Đã gia hạn giải quyết vụ việc %(code)s."),
            statuses=(Status.ACCEPTED, Status.VERIFYING),
            note=gettext_lazy("Gia hạn bằng quyết định có lý do, trong số lần pháp luật cho phép; "
                              "lý do hiện trên trang tra cứu của người gửi."),
        ),
        CaseAction(
            "withdraw", gettext_lazy("Rút đơn"), gettext_lazy("Ghi nhận rút đơn"), ReasonForm,
            lambda user, case, data: actions.do_withdraw(user, case, data["reason"]),
            gettext_lazy("Đã ghi nhận rút đơn; vụ việc %(code)s kết thúc."),
            note=gettext_lazy("Khi người gửi xin rút: ghi rõ họ rút bằng cách nào, ngày nào."),
        ),
        CaseAction(
            "attach", gettext_lazy("Thêm tệp vào hồ sơ"), gettext_lazy("Thêm tệp"),
            AttachFilesForm,
            lambda user, case, data: attachments.do_add_files(user, case, data["attachments"]),
            gettext_lazy("Đã thêm tệp vào hồ sơ vụ việc %(code)s."),
            note=gettext_lazy("Tệp lưu trong hồ sơ, không hiện trên trang tra cứu của người "
                              "dân. Tệp của đơn tố cáo chỉ cán bộ được giao xử lý mở được."),
        ),
        CaseAction(
            "comment", gettext_lazy("Ý kiến theo dõi"), gettext_lazy("Ghi ý kiến"), CommentForm,
            lambda user, case, data: actions.do_comment(user, case, data["note"]),
            gettext_lazy("Đã ghi ý kiến vào diễn biến vụ việc %(code)s."),
            statuses=tuple(Status.values), handling=False,
        ),
    ]
}  # fmt: skip


@dataclass(frozen=True)
class Failure:
    """An action that did not happen, to tell about at the top of the re-rendered page."""

    action: CaseAction
    form: Any
    message: str


@working_role_required
def case(request, pk):
    return _case_page(request, get_case_for_user(request.user, pk))


@working_role_required
@require_POST
def case_action(request, pk, action):
    spec = ACTIONS[action]
    case = get_case_for_user(request.user, pk, write=spec.handling)
    form = _action_form(request, spec, case, request.POST, request.FILES)
    if not form.is_valid():
        failure = Failure(spec, form, _("Vui lòng sửa các mục trong biểu mẫu."))
        return _case_page(request, case, failure, status=400)
    try:
        result = spec.perform(request.user, case, form.cleaned_data)
    except Refused as refusal:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        # Nothing changed here, but the case may have moved meanwhile: show it as it is now.
        case = get_case_for_user(request.user, pk)
        return _case_page(request, case, Failure(spec, form, refusal.message), refusal.status)
    messages.success(request, spec.done % _done_values(case, form.cleaned_data, result))
    return redirect("cases:case", pk=case.pk)


def _done_values(case: Case, data: dict, result) -> dict:
    return {
        "code": case.code,
        "organization": data.get("organization", ""),
        "assignee": data.get("assignee", ""),
        "new_code": getattr(result, "code", ""),
    }


@working_role_required
@require_POST
@never_cache
def case_identity(request, pk):
    """The denouncer's identity, shown once on this response to the assigned handler (403 for
    anyone else); the read is written to the audit log."""
    case = get_case_for_user(request.user, pk, write=True)
    identity = read_identity(request.user, case)
    return _case_page(request, case, identity=identity)


def _action_form(request, spec: CaseAction, case: Case, data=None, files=None):
    extra = {"search": request.GET.get(FORWARD_SEARCH, "")} if spec.form is ForwardForm else {}
    return spec.form(case, data, files, auto_id=f"id_{spec.name}_%s", **extra)


def _case_page(request, case: Case, failure: Failure | None = None, status=200, identity=None):
    user = request.user
    today = timezone.localdate()
    calendar = work_calendar()
    deadlines = list(case.deadlines.select_related("rule"))
    deadline_rows = [
        DeadlineRow(d, None if d.met_on else due(d.due_on, today, calendar)) for d in deadlines
    ]
    context = {
        "case": case,
        "is_denunciation": case.kind == Kind.DENUNCIATION,
        "may_read_identity": may_read_identity(user, case),
        "identity": identity,
        "deadlines": deadline_rows,
        "events": _timeline(case),
        "linked": _linked_cases(user, case),
        "panels": _panels(request, case, deadlines, failure),
        "failure": failure,
        "forward_search": request.GET.get(FORWARD_SEARCH, ""),
        "attachments": list(case.attachments.select_related("uploaded_by")),
        "may_open_attachments": attachments.may_open(user, case),
    }
    return render(request, "cases/case.html", context, status=status)


@dataclass(frozen=True)
class DeadlineRow:
    deadline: CaseDeadline
    due: Due | None  # None once the stage is done


@dataclass(frozen=True)
class TimelineLine:
    event: CaseEvent
    label: str | Promise


def _timeline(case: Case) -> list[TimelineLine]:
    return [
        TimelineLine(event, EVENT_LABELS.get(event.action, event.action))
        for event in case.events.select_related("actor")
    ]


@dataclass(frozen=True)
class Linked:
    relation: str
    case: Case
    visible: bool


def _linked_cases(user, case: Case) -> list[Linked]:
    """Cases this one came from or led to; linked only where the officer may open them."""
    linked = (
        Case.objects.filter(
            Q(pk__in=[case.forwarded_from_id, case.first_instance_id, case.duplicate_of_id])
            | Q(forwarded_from=case)
            | Q(first_instance=case)
            | Q(duplicate_of=case)
        )
        .select_related("organization")
        .order_by("received_at")
    )
    others = list(linked)
    visible = set(
        cases_for_user(user).filter(pk__in=[o.pk for o in others]).values_list("pk", flat=True)
    )
    return [Linked(_relation(case, other), other, other.pk in visible) for other in others]


def _relation(case: Case, other: Case) -> str:
    if other.pk == case.forwarded_from_id:
        return _("Chuyển đến từ")
    if other.forwarded_from_id == case.pk:
        return _("Đã chuyển thành")
    if other.pk == case.first_instance_id:
        return _("Khiếu nại lần đầu")
    if other.first_instance_id == case.pk:
        return _("Khiếu nại lần hai")
    if other.pk == case.duplicate_of_id:
        return _("Trùng với")
    return _("Vụ việc trùng")


@dataclass(frozen=True)
class Panel:
    action: CaseAction
    form: Any
    url: str


def _panels(request, case: Case, deadlines: list[CaseDeadline], failure: Failure | None):
    """The forms the officer may use now: actions for those who handle, a comment for all."""
    handles = may_handle(request.user, case)
    panels = []
    for spec in ACTIONS.values():
        if not _offered(spec, case, deadlines, handles):
            continue
        if failure is not None and failure.action is spec:
            form = failure.form
        else:
            form = _action_form(request, spec, case)
        url = reverse(f"cases:case_{spec.name}", args=[case.pk])
        panels.append(Panel(spec, form, url))
    return panels


def _offered(spec: CaseAction, case: Case, deadlines: list[CaseDeadline], handles: bool) -> bool:
    if spec.handling and not handles:
        return False
    if case.status not in spec.statuses:
        return False
    if spec.name == "extend":
        return any(
            d.stage == Stage.RESOLVE and not d.met_on and d.extensions < d.rule.max_extensions
            for d in deadlines
        )
    return True


# Intake


@working_role_required
def intake(request):
    """A case an officer took in by phone, in person, by letter, at a meeting or from the
    press; only for those who handle cases somewhere."""
    if not _handles_some(request):
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận, xử lý mới nhập được vụ việc."))
    posted = request.method == "POST"
    form = IntakeForm(
        request.user, request.POST if posted else None, request.FILES if posted else None
    )
    if form.is_valid():
        try:
            case = attachments.do_submit_case_with_attachments(
                request.user, form.cleaned_data["attachments"], **form.submission()
            )
        except Refused as refusal:
            field = refusal.field if refusal.field in form.fields else None
            form.add_error("address" if field == "commune" else field, refusal.message)
        else:
            return _after_intake(request, case)
    return render(request, "cases/intake.html", {"form": form}, status=400 if form.errors else 200)


def _after_intake(request, case: Case):
    messages.success(
        request,
        _("Đã tiếp nhận vụ việc, mã số %(code)s, chuyển đến %(organization)s. Hãy báo mã số này "
          "cho người gửi để họ tra cứu.") % {"code": case.code, "organization": case.organization},
    )  # fmt: skip
    if cases_for_user(request.user).filter(pk=case.pk).exists():
        return redirect("cases:case", pk=case.pk)
    return redirect("cases:intake")  # routed where this officer does not work: the next one


# Attachments


@working_role_required
@never_cache
def attachment(request, pk):
    """One file of a case, to those who may see the case (404 for anyone else), always as a
    download: never shown inside the site, never guessed at by the browser."""
    found = attachments.get_attachment_for_user(request.user, pk)
    try:
        content = found.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Không tìm thấy tệp / File not found") from missing
    response = FileResponse(
        content, as_attachment=True, filename=found.original_name,
        content_type=found.content_type,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
