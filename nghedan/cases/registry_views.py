"""The registry of hard cases, and on each case its likely duplicates and its flags.

The registry lists, within what the person works on or follows, the cases with confirmed
flags (a second tab: flags still to confirm). On a case, the panel shows the likely
duplicates with "Liên kết" and "Gộp" for those who handle it, the flags with "Xác nhận" and
"Bỏ", and for a supervising body its "Lưu ý" and "Đề nghị báo cáo". The panel is loaded into
the case page (htmx) and is also a page of its own, which is where a refused form comes back.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nghedan.cases import duplicates, flags
from nghedan.cases.access import (
    cases_for_user,
    get_case_for_user,
    handled_organizations,
    may_handle,
)
from nghedan.cases.actions import OPEN
from nghedan.cases.models import Case, CaseFlag, Kind
from nghedan.cases.officer_forms import (
    ANY,
    ANY_LABEL,
    NamedChoiceField,
    choice_field,
    textarea,
)
from nghedan.cases.suggestions import suggest_for_case
from nghedan.lib.refusal import Refused
from nghedan.people.access import working_organizations
from nghedan.people.decorators import working_role_required
from nghedan.people.models import Organization
from nghedan.places.models import Commune

CASES_PER_PAGE = 50
UNCONFIRMED = "chua-xac-nhan"
FlagKind = CaseFlag.Kind

# --- the registry ---------------------------------------------------------------------------


class RegistryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Dấu hiệu"), required=False,
                             choices=ANY + FlagKind.choices)  # fmt: skip
    organization = NamedChoiceField(
        label=gettext_lazy("Cơ quan xử lý (gồm cả đơn vị trực thuộc)"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=ANY_LABEL,
    )
    commune = NamedChoiceField(
        label=gettext_lazy("Xã, phường"),
        required=False,
        queryset=Commune.objects.none(),
        to_field_name="code",
        empty_label=ANY_LABEL,
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sắp xếp theo"),
        required=False,
        choices=[
            ("", gettext_lazy("Ngày tiếp nhận, mới nhất trước")),
            ("received", gettext_lazy("Ngày tiếp nhận, cũ nhất trước")),
            ("overdue", gettext_lazy("Số ngày quá hạn, nhiều nhất trước")),
        ],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organization").queryset = working_organizations(user)
        choice_field(self, "commune").queryset = Commune.objects.filter(
            pk__in=cases_for_user(user).filter(flags__isnull=False).values("commune_id")
        ).order_by("name")

    @property
    def unconfirmed(self) -> bool:
        return self.data.get("tab") == UNCONFIRMED

    def filter(self, cases):
        data = self.cleaned_data if self.is_valid() else {}
        marked = CaseFlag.objects.filter(case=OuterRef("pk"),
                                         confirmed_at__isnull=self.unconfirmed)  # fmt: skip
        if data.get("kind"):
            marked = marked.filter(kind=data["kind"])
        cases = cases.filter(Exists(marked))
        if data.get("organization"):
            cases = cases.filter(organization__path__startswith=data["organization"].path)
        if data.get("commune"):
            cases = cases.filter(commune=data["commune"])
        if data.get("sort") == "received":
            return cases.order_by("received_at", "pk")
        if data.get("sort") == "overdue":
            return cases.order_by(F("open_due").asc(nulls_last=True), "-received_at", "-pk")
        return cases.order_by("-received_at", "-pk")


def days_overdue(due: date | None, today: date) -> int:
    return (today - due).days if due and due < today else 0


@working_role_required
def registry(request):
    """Hard cases, for leaders, supervisors and analysts as for those who handle them."""
    form = RegistryFilterForm(request.user, request.GET)
    today = timezone.localdate()
    found = form.filter(cases_for_user(request.user)).select_related(
        "organization", "commune"
    ).prefetch_related(
        Prefetch("flags", queryset=CaseFlag.objects.order_by("kind"))
    )  # fmt: skip
    page = Paginator(found, CASES_PER_PAGE).get_page(request.GET.get("page"))
    for case in page:
        case.days_overdue = days_overdue(case.open_due, today) if case.status in OPEN else 0
    context = {
        "form": form, "page": page, "unconfirmed": form.unconfirmed,
        "unconfirmed_tab": UNCONFIRMED, "kind": form.data.get("kind", ""),
    }  # fmt: skip
    return render(request, "cases/registry.html", context)


# --- on a case: the forms ---------------------------------------------------------------------


class OriginalForm(forms.Form):
    original = forms.ModelChoiceField(
        queryset=Case.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("Hãy chọn vụ việc gốc trong danh sách vụ việc có thể trùng."),
            "invalid_choice": gettext_lazy("Không tìm thấy vụ việc gốc trong các vụ việc bạn "
                                           "theo dõi; hãy tải lại trang và chọn lại."),
        },
    )  # fmt: skip

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "original").queryset = cases_for_user(user).select_related(
            "organization"
        )


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Dấu hiệu"),
        choices=[choice for choice in FlagKind.choices if choice[0] != FlagKind.SUPERVISOR],
        error_messages={"required": gettext_lazy("Hãy chọn một loại dấu hiệu."),
                        "invalid_choice": gettext_lazy("Hãy chọn một loại dấu hiệu trong danh "
                                                       "sách.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=gettext_lazy("Căn cứ"),
        max_length=flags.REASON_MAX,
        widget=textarea(2),
        error_messages={
            "required": gettext_lazy("Hãy ghi căn cứ: vì sao vụ việc có dấu hiệu này."),
            "max_length": gettext_lazy("Căn cứ dài tối đa %(limit_value)d ký tự (đang có "
                                       "%(show_value)d)."),
        },
    )  # fmt: skip


class NoteForm(forms.Form):
    """A supervising body's remark: a flag of the kind SUPERVISOR."""

    kind = forms.CharField(widget=forms.HiddenInput, initial=FlagKind.SUPERVISOR)
    reason = forms.CharField(
        label=gettext_lazy("Nội dung lưu ý"),
        max_length=flags.REASON_MAX,
        widget=textarea(2),
        error_messages={
            "required": gettext_lazy("Hãy ghi điều cơ quan giám sát lưu ý."),
            "max_length": gettext_lazy("Nội dung lưu ý dài tối đa %(limit_value)d ký tự (đang "
                                       "có %(show_value)d)."),
        },
    )  # fmt: skip


class ClearForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do bỏ dấu hiệu"),
        max_length=flags.REASON_MAX,
        widget=textarea(2),
        error_messages={
            "required": gettext_lazy("Hãy ghi lý do bỏ dấu hiệu này."),
            "max_length": gettext_lazy("Lý do dài tối đa %(limit_value)d ký tự (đang có "
                                       "%(show_value)d)."),
        },
    )  # fmt: skip


class ReportForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Nội dung đề nghị báo cáo"),
        max_length=flags.NOTE_MAX,
        widget=textarea(3),
        help_text=gettext_lazy("Cán bộ xử lý nhận được thông báo kèm nội dung này."),
        error_messages={
            "required": gettext_lazy("Hãy ghi cơ quan xử lý cần báo cáo điều gì, hạn khi nào."),
            "max_length": gettext_lazy("Nội dung dài tối đa %(limit_value)d ký tự (đang có "
                                       "%(show_value)d)."),
        },
    )  # fmt: skip


# --- on a case: the panel -------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    match: duplicates.Match
    linked: bool  # this case is already noted as its duplicate
    may_merge: bool


@dataclass(frozen=True)
class FlagRow:
    flag: CaseFlag
    may_confirm: bool
    may_clear: bool
    clear_form: Any


@dataclass(frozen=True)
class Failure:
    form_name: str
    message: str


def marks_context(request, case: Case, bound: dict | None = None,
                  failure: Failure | None = None) -> dict:  # fmt: skip
    """What the panel shows: likely duplicates, flags, and the forms this person may use."""
    user, bound = request.user, bound or {}
    handles = may_handle(user, case)
    supervising = flags.supervises(user, case)
    handled = set(handled_organizations(user).values_list("pk", flat=True)) if handles else set()
    suggestion = suggest_for_case(case, among=cases_for_user(user))
    matches = [
        MatchRow(
            match,
            linked=match.case.pk == case.duplicate_of_id,
            may_merge=case.status in OPEN and match.case.status in OPEN
            and match.case.organization_id in handled
            and (case.kind != Kind.DENUNCIATION or match.case.kind == Kind.DENUNCIATION),
        )
        for match in suggestion.duplicates
    ]  # fmt: skip
    rows = []
    for flag in case.flags.select_related("raised_by", "confirmed_by"):
        may_clear = supervising if flag.kind == FlagKind.SUPERVISOR else handles
        clear_form = bound.get(f"clear_{flag.pk}") or ClearForm(auto_id=f"id_clear_{flag.pk}_%s")
        rows.append(FlagRow(flag, handles and not flag.confirmed_at, may_clear, clear_form))
    return {
        "matches": matches,
        # What the language engine read in the text, when it differs from what the case says.
        "category": suggestion.category if suggestion.category != case.category else None,
        "category_percent": suggestion.category_percent,
        "place": suggestion.commune if suggestion.commune != case.commune else None,
        "place_text": suggestion.place_text,
        "place_choices": suggestion.place_choices if case.commune is None else [],
        "flag_rows": rows,
        "handles": handles,
        "supervising": supervising,
        "case_open": case.status in OPEN,
        "flag_form": bound.get("flag") or FlagForm(auto_id="id_flag_%s"),
        "note_form": bound.get("note") or NoteForm(auto_id="id_note_%s"),
        "report_form": bound.get("report") or ReportForm(auto_id="id_report_%s"),
        "failure": failure,
    }


@working_role_required
def case_marks(request, pk):
    """The panel alone (loaded into the case page) or as a page."""
    case = get_case_for_user(request.user, pk)
    template = "cases/duplicates_case.html" if request.htmx else "cases/duplicates_page.html"
    response = render(request, template, {"case": case, "marks": marks_context(request, case)})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _back(case: Case):
    return redirect(reverse("cases:case", args=[case.pk]) + "#marks")


def _refused(request, case: Case, refusal: Refused, name: str, form=None):
    if form is not None:
        form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
    bound = {name: form} if form is not None else {}
    case = get_case_for_user(request.user, case.pk)  # as it is now
    marks = marks_context(request, case, bound, Failure(name, refusal.message))
    return render(request, "cases/duplicates_page.html", {"case": case, "marks": marks},
                  status=refusal.status)  # fmt: skip


def _invalid(request, case: Case, name: str, form, message: str = ""):
    failure = Failure(name, message or _("Vui lòng sửa các mục trong biểu mẫu."))
    marks = marks_context(request, case, {name: form}, failure)
    return render(request, "cases/duplicates_page.html", {"case": case, "marks": marks},
                  status=400)  # fmt: skip


def _pair_action(request, pk, perform, done: str, name: str):
    case = get_case_for_user(request.user, pk, write=True)
    form = OriginalForm(request.user, request.POST)
    if not form.is_valid():  # the choice is a hidden field: say what is wrong at the top
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return _invalid(request, case, name, form, message)
    original = form.cleaned_data["original"]
    try:
        perform(request.user, case, original)
    except Refused as refusal:
        return _refused(request, case, refusal, name)
    messages.success(request, done % {"code": case.code, "original": original.code})
    return _back(case)


@working_role_required
@require_POST
def case_link_duplicate(request, pk):
    done = _("Đã ghi vụ việc %(code)s là trùng với %(original)s.")
    return _pair_action(request, pk, duplicates.do_link_duplicate, done, "link")


@working_role_required
@require_POST
def case_merge(request, pk):
    done = _("Đã gộp vụ việc %(code)s vào %(original)s.")
    return _pair_action(request, pk, duplicates.do_merge, done, "merge")


@working_role_required
@require_POST
def case_flag(request, pk):
    """A flag raised by hand; with kind=supervisor, a supervising body's remark."""
    case = get_case_for_user(request.user, pk)
    remark = request.POST.get("kind") == FlagKind.SUPERVISOR
    name = "note" if remark else "flag"
    form_class = NoteForm if remark else FlagForm
    form = form_class(request.POST, auto_id=f"id_{name}_%s")
    if not form.is_valid():
        return _invalid(request, case, name, form)
    try:
        flag = flags.do_raise_flag(
            request.user, case, form.cleaned_data["kind"], form.cleaned_data["reason"]
        )
    except Refused as refusal:
        return _refused(request, case, refusal, name, form)
    messages.success(request, _("Đã ghi dấu hiệu “%(kind)s” cho vụ việc %(code)s.")
                     % {"kind": flag.get_kind_display(), "code": case.code})  # fmt: skip
    return _back(case)


def _flag_of(request, pk, flag_pk) -> tuple[Case, CaseFlag]:
    case = get_case_for_user(request.user, pk)
    flag = CaseFlag.objects.filter(case=case, pk=flag_pk).first()
    if flag is None:
        raise Refused("gone", _("Dấu hiệu này không còn; có thể vừa được bỏ. Hãy tải lại trang."),
                      status=409)  # fmt: skip
    flag.case = case
    return case, flag


@working_role_required
@require_POST
def flag_confirm(request, pk, flag_pk):
    case = get_case_for_user(request.user, pk)
    try:
        case, flag = _flag_of(request, pk, flag_pk)
        flags.do_confirm_flag(request.user, flag)
    except Refused as refusal:
        return _refused(request, case, refusal, "confirm")
    messages.success(request, _("Đã xác nhận dấu hiệu “%(kind)s”.")
                     % {"kind": flag.get_kind_display()})  # fmt: skip
    return _back(case)


@working_role_required
@require_POST
def flag_clear(request, pk, flag_pk):
    case = get_case_for_user(request.user, pk)
    name = f"clear_{flag_pk}"
    form = ClearForm(request.POST, auto_id=f"id_clear_{flag_pk}_%s")
    try:
        case, flag = _flag_of(request, pk, flag_pk)
        if not form.is_valid():
            return _invalid(request, case, name, form)
        flags.do_clear_flag(request.user, flag, form.cleaned_data["reason"])
    except Refused as refusal:
        return _refused(request, case, refusal, name, form)
    messages.success(request, _("Đã bỏ dấu hiệu “%(kind)s”.") % {"kind": flag.get_kind_display()})
    return _back(case)


@working_role_required
@require_POST
def case_request_report(request, pk):
    case = get_case_for_user(request.user, pk)
    form = ReportForm(request.POST, auto_id="id_report_%s")
    if not form.is_valid():
        return _invalid(request, case, "report", form)
    try:
        flags.do_request_report(request.user, case, form.cleaned_data["note"])
    except Refused as refusal:
        return _refused(request, case, refusal, "report", form)
    messages.success(request, _("Đã gửi đề nghị báo cáo vụ việc %(code)s đến cán bộ xử lý.")
                     % {"code": case.code})  # fmt: skip
    return _back(case)
