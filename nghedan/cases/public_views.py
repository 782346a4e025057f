"""The citizen's pages: send a matter, follow it by its code, rate the answer or ask for it to
be looked at again, and see what one has sent.

Nothing here shows who sent a case: the tracking page is open to anyone holding the code.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nghedan.cases.access import cases_sent_by, get_public_case
from nghedan.cases.actions import SENDER, do_rate, do_reopen, reopen_until
from nghedan.cases.attachments import do_attach, do_submit_case_with_attachments
from nghedan.cases.duplicates import already_sent
from nghedan.cases.models import Case, CaseDeadline, Channel, Rating
from nghedan.cases.public_forms import (
    ACCOUNT,
    CONTACT,
    RateForm,
    ReopenForm,
    SubmitForm,
    TrackForm,
    nobody_can_prove,
    normalize_code,
    sender_proof,
)
from nghedan.lib import ratelimit
from nghedan.lib.addresses import client_address
from nghedan.lib.refusal import Refused
from nghedan.people.access import is_signed_in
from nghedan.people.decorators import signed_in_required

# Sends per client address in an hour and per contact in a day: settings.SUBMITS_PER_HOUR and
# settings.SUBMITS_PER_CONTACT_PER_DAY (NGHEDAN_SUBMITS_PER_HOUR, …; docs/operator-guide.md).
LOOKUPS_PER_WINDOW, LOOKUP_WINDOW = 60, 600  # codes cannot be enumerated
ANSWERS_PER_HOUR = 20  # ratings and requests to look again, per client address
ANSWERS_PER_CASE_PER_HOUR = 10  # so a phone number cannot be guessed for one code
HOUR, DAY = 3600, 86400
MY_CASES_PER_PAGE = 20
# The confirmation page's address carries the code just sent, signed and dated, so sending
# writes no session; a link edited by hand, or older than a day, is refused.
CONFIRMATION_SALT = "nghedan.cases.submitted"
CONFIRMATION_MAX_AGE = 86400
CONFIRMATION_PARAMETER = "xac-nhan"

Status = Case.Status
ANSWERED = (Status.RESOLVED, Status.CLOSED)

TIMELINE_LABELS = {
    "merged": gettext_lazy("Đã gộp với ý kiến cùng nội dung"),
    "received": gettext_lazy("Đã tiếp nhận"),
    "accepted": gettext_lazy("Đã thụ lý"),
    "refused": gettext_lazy("Không thụ lý"),
    "forwarded": gettext_lazy("Đã chuyển cơ quan có thẩm quyền"),
    "verifying": gettext_lazy("Đang xác minh, xử lý"),
    "extended": gettext_lazy("Gia hạn thời gian giải quyết"),
    "resolved": gettext_lazy("Đã có kết quả"),
    "closed": gettext_lazy("Đã kết thúc"),
    "reopened": gettext_lazy("Người gửi đề nghị xem xét lại"),
    "withdrawn": gettext_lazy("Đã rút"),
}


def address_key(request) -> str:
    return client_address(request) or "?"


# --- sending ------------------------------------------------------------------------------


def contact_initial(user) -> dict:
    if not is_signed_in(user):
        return {}
    return {
        "submitter_name": user.full_name, "submitter_email": user.email,
        "submitter_phone": user.phone,
    }  # fmt: skip


def render_submit(request, form: SubmitForm, status: int = 200):
    return render(request, "cases/submit.html", {"form": form}, status=status)


def too_many_submissions(request, form: SubmitForm):
    form.add_error(None, _("Bạn đã gửi quá nhiều ý kiến trong thời gian ngắn. Vui lòng thử lại "
                           "sau, hoặc gọi đường dây nóng 1022."))  # fmt: skip
    return render_submit(request, form, status=429)


def address_allowed(request) -> bool:
    return ratelimit.allow(
        "case_submit", address_key(request), limit=settings.SUBMITS_PER_HOUR, window=HOUR
    )


def contact_allowed(form: SubmitForm) -> bool:
    return ratelimit.allow_all(
        "case_submit_contact", form.contact_keys(),
        limit=settings.SUBMITS_PER_CONTACT_PER_DAY, window=DAY,
    )  # fmt: skip


def not_counted(request, form: SubmitForm | None = None) -> None:
    """A sending refused for what was typed made nothing: it does not count against the person
    (a citizen correcting a typo is not flooding)."""
    ratelimit.give_back("case_submit", [address_key(request)], window=HOUR)
    if form is not None:
        ratelimit.give_back("case_submit_contact", form.contact_keys(), window=DAY)


def refused(request, form: SubmitForm, refusal: Refused, *, contact_counted: bool):
    not_counted(request, form if contact_counted else None)
    form.show_refusal(refusal)
    return render_submit(request, form, status=refusal.status)


def submit(request):
    """Send feedback, a recommendation, a complaint or a denunciation."""
    data = request.POST if request.method == "POST" else None
    files = request.FILES if data is not None else None
    form = SubmitForm(data=data, files=files, initial=contact_initial(request.user))
    if data is None:
        return render_submit(request, form)
    if not address_allowed(request):
        return too_many_submissions(request, form)
    if not form.is_valid():
        not_counted(request)
        return render_submit(request, form, status=400)
    if form.is_from_a_robot():
        form.add_error(None, _("Không gửi được biểu mẫu. Vui lòng tải lại trang và thử lại."))
        return render_submit(request, form, status=400)
    if not contact_allowed(form):
        return too_many_submissions(request, form)
    # Someone who asks for anonymity is not tied to their account either.
    sender = request.user if is_signed_in(request.user) and not form.wants_anonymity() else None
    files = form.cleaned_data["attachments"]
    if (resent := already_sent(submitted_by=sender, **form.case_fields())) is not None:
        return add_to_resent(request, form, resent, sender, files)
    try:
        # The case and its files are taken in together: a refused file leaves no case.
        case = do_submit_case_with_attachments(
            sender, files, channel=Channel.WEB, submitted_by=sender, **form.case_fields()
        )
    except Refused as refusal:
        return refused(request, form, refusal, contact_counted=True)
    return redirect(confirmation_url(case, form.can_be_answered()))


def add_to_resent(request, form: SubmitForm, case: Case, sender, files):
    """The same person sent the same matter again: no second case, but the files they add
    (a new photo of the same flooding) go with the case they sent before."""
    try:
        attached = do_attach(sender, case, files) if files else []
    except Refused as refusal:
        return refused(request, form, refusal, contact_counted=True)
    context = {"case": case, "attached": attached}
    return render(request, "cases/duplicates_resent.html", context)


def confirmation_url(case: Case, answerable: bool) -> str:
    signed = signing.dumps([case.code, answerable], salt=CONFIRMATION_SALT)
    return f"{reverse('cases:submitted')}?{urlencode({CONFIRMATION_PARAMETER: signed})}"


def confirmed_sending(request) -> tuple[str, bool] | None:
    """(code, answerable) from the confirmation address; None when it is missing, was
    changed or is too old."""
    signed = request.GET.get(CONFIRMATION_PARAMETER, "")
    try:
        code, answerable = signing.loads(
            signed, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return str(code), bool(answerable)


def submitted(request):
    """The confirmation: the code to keep, and what happens next."""
    sent = confirmed_sending(request)
    if sent is None:
        if CONFIRMATION_PARAMETER in request.GET:
            messages.warning(request, _("Đường dẫn xác nhận không đúng hoặc đã quá một ngày. Hãy "
                                        "tra cứu ý kiến bằng mã số bạn đã ghi lại."))  # fmt: skip
            return redirect("cases:track")
        return redirect("cases:submit")
    code, answerable = sent
    case = get_public_case(code)
    return render(request, "cases/submit_done.html", {
        "case": case, "answerable": answerable, "deadline": open_deadline(case),
    })  # fmt: skip


# --- following ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineLine:
    label: str
    at: datetime
    note: str


def public_timeline(case: Case) -> list[TimelineLine]:
    events = case.events.filter(public=True).only("action", "at", "note")
    return [
        TimelineLine(str(TIMELINE_LABELS.get(event.action, _("Cập nhật"))), event.at, event.note)
        for event in events
    ]


def open_deadline(case: Case) -> CaseDeadline | None:
    return (
        case.deadlines.filter(met_on__isnull=True)
        .select_related("rule")
        .order_by("-starts_on", "-pk")
        .first()
    )


def find_case(code: str) -> Case | None:
    try:
        return get_public_case(code)
    except Http404:
        return None


def lookup_allowed(request) -> bool:
    return ratelimit.allow("case_track", address_key(request), limit=LOOKUPS_PER_WINDOW,
                           window=LOOKUP_WINDOW)  # fmt: skip


def render_search(request, form: TrackForm, status: int = 200, blocked: str = ""):
    context = {"form": form, "blocked": blocked}
    return render(request, "cases/track.html", context, status=status)


def lookup_blocked(request):
    blocked = _("Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng chờ 10 phút rồi "
                "thử lại.")  # fmt: skip
    return render_search(request, TrackForm(), status=429, blocked=blocked)


def unknown_code(request, form: TrackForm):
    form.add_error("code", _("Không tìm thấy ý kiến nào có mã số này. Hãy kiểm tra lại mã số "
                             "trên trang xác nhận, tin nhắn hoặc e-mail đã nhận."))  # fmt: skip
    return render_search(request, form, status=404)


def look_up(request, form: TrackForm, bad_code_status: int):
    if not lookup_allowed(request):
        return lookup_blocked(request)
    if not form.is_valid():
        return render_search(request, form, status=bad_code_status)
    case = find_case(form.cleaned_data["code"])
    if case is None:
        return unknown_code(request, form)
    return render_case(request, case)


def track(request):
    """The search box; with ?code=… the case itself."""
    if "code" not in request.GET:
        return render_search(request, TrackForm())
    return look_up(request, TrackForm(request.GET), bad_code_status=400)


def track_case(request, code: str):
    return look_up(request, TrackForm({"code": code}), bad_code_status=404)


def is_the_sender_account(case: Case, user) -> bool:
    return is_signed_in(user) and case.submitted_by_id == user.pk


def sender_notice(case: Case, user) -> str:
    """Why the rating and reopen forms are not offered to this person, or "" if they are."""
    proof = sender_proof(case)
    if proof == CONTACT or is_the_sender_account(case, user):
        return ""
    if proof == ACCOUNT:
        return _("Ý kiến này được gửi từ một tài khoản. Hãy đăng nhập đúng tài khoản đó để "
                 "đánh giá hoặc đề nghị xem xét lại.")  # fmt: skip
    return str(nobody_can_prove(case))


def may_still_reopen(reopen_ends: datetime | None) -> bool:
    return reopen_ends is not None and timezone.now() <= reopen_ends


def render_case(request, case: Case, *, rate_form=None, reopen_form=None, notice="",
                status: int = 200):  # fmt: skip
    answered = case.status in ANSWERED
    reopen_ends = reopen_until(case)
    context = {
        "case": case,
        "timeline": public_timeline(case),
        "deadline": open_deadline(case),
        "forwarded_to": case.forwarded_to.select_related("organization").order_by("-pk").first(),
        "answered": answered,
        "rating": Rating.objects.filter(case=case).only("score").first(),
        "sender_notice": sender_notice(case, request.user) if answered else "",
        "sign_in_helps": not is_signed_in(request.user) and sender_proof(case) == ACCOUNT,
        "rate_form": rate_form or RateForm(case, request.user),
        "reopen_form": reopen_form or ReopenForm(case, request.user),
        "may_reopen": answered and case.reopen_count == 0 and may_still_reopen(reopen_ends),
        "reopen_ends": reopen_ends,
        "notice": notice,
    }
    return render(request, "cases/track_case.html", context, status=status)


# --- rating and asking to look again ------------------------------------------------------


def case_or_404(code: str) -> Case:
    normalized = normalize_code(code)
    if normalized is None:
        raise Http404("Không tìm thấy mã số / Code not found")
    return get_public_case(normalized)


def answer_allowed(request, case: Case) -> bool:
    return ratelimit.allow(
        "case_answer", address_key(request), limit=ANSWERS_PER_HOUR, window=HOUR
    ) and ratelimit.allow(
        "case_answer_code", case.code, limit=ANSWERS_PER_CASE_PER_HOUR, window=HOUR
    )


TOO_MANY_ANSWERS = gettext_lazy("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau một giờ.")


@require_POST
def rate(request, code: str):
    case = case_or_404(code)
    if not answer_allowed(request, case):
        return render_case(request, case, notice=TOO_MANY_ANSWERS, status=429)
    form = RateForm(case, request.user, request.POST)
    if not form.is_valid():
        return render_case(request, case, rate_form=form, status=400)
    data = form.cleaned_data
    try:
        do_rate(case, score=data["score"], resolved=data["resolved"], comment=data["comment"])
    except Refused as refusal:
        form.show_refusal(refusal)
        return render_case(request, case, rate_form=form, status=refusal.status)
    messages.success(request, _("Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp cơ quan làm tốt hơn."))
    return redirect("cases:track_case", code=case.code)


@require_POST
def reopen(request, code: str):
    case = case_or_404(code)
    if not answer_allowed(request, case):
        return render_case(request, case, notice=TOO_MANY_ANSWERS, status=429)
    form = ReopenForm(case, request.user, request.POST)
    if not form.is_valid():
        return render_case(request, case, reopen_form=form, status=400)
    try:
        do_reopen(SENDER, case, form.cleaned_data["reason"])  # the form checked their contact
    except Refused as refusal:
        form.show_refusal(refusal)
        return render_case(request, case, reopen_form=form, status=refusal.status)
    messages.success(request, _("Đã gửi đề nghị xem xét lại. Cơ quan xử lý sẽ xem xét và trả "
                                "lời; hạn mới hiện trên trang này."))  # fmt: skip
    return redirect("cases:track_case", code=case.code)


# --- my cases -----------------------------------------------------------------------------


@signed_in_required
def mine(request):
    """What a signed-in citizen has sent, newest first."""
    page = Paginator(cases_sent_by(request.user), MY_CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/public_mine.html", {"page": page})
