"""Hard cases: the marks "kéo dài, đông người, phức tạp" that rules raise and officers confirm,
a supervising body's remark, and its request for a report.

Rules raise unconfirmed flags from what the case already records; an officer who handles the
case confirms or clears them. A flag an officer cleared is not raised again by the rules
(the clearing, with its reason, is in the audit log); anyone may raise it again by hand.
The sweep `cases.flags` runs the rules over open cases, a batch at a time. The thresholds
(how many people make a crowd, how late is prolonged, …) are rows of `FlagRule` with their
reference, edited by administrators and read from the process's rule cache.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from nghedan.audit.chain import record
from nghedan.audit.models import AuditEntry
from nghedan.cases import duplicates, rule_cache
from nghedan.cases.access import may_handle
from nghedan.cases.actions import OPEN, _event
from nghedan.cases.models import Case, CaseFlag, DeadlineRule, FlagRule
from nghedan.cases.watch import handlers_of
from nghedan.lib.refusal import Refused
from nghedan.lib.sweepers import register
from nghedan.notices.actions import do_notify, in_site_language
from nghedan.people.models import Membership, Role

Kind = CaseFlag.Kind
Condition = DeadlineRule.Condition
RULES = "quy tắc vụ việc khó"  # the actor the audit log names for flags raised by rules

Rule = FlagRule.Rule

# The thresholds the rows are seeded with (migration 0007), and what a rule falls back to if
# its row is gone. "Đông người": five people or more raising a matter together, where the
# reception rules start asking a group to choose representatives.
MANY_PEOPLE = 5
# Repeated: the same person has sent at least this many other cases of the same category in
# the last REPEATED_WINDOW_DAYS days…
REPEATED_OTHERS = 2
REPEATED_WINDOW_DAYS = 365
# …or at least this many different people sent a likely duplicate: the same matter from many.
REPEATED_SENDERS = 3
# Prolonged: a running deadline passed more than this many days ago.
PROLONGED_DAYS = 30
SEEDED_THRESHOLDS = {
    Rule.MANY_PEOPLE: MANY_PEOPLE,
    Rule.SAME_SENDER: REPEATED_OTHERS,
    Rule.SAME_SENDER_WINDOW: REPEATED_WINDOW_DAYS,
    Rule.MANY_SENDERS: REPEATED_SENDERS,
    Rule.PROLONGED: PROLONGED_DAYS,
}
COMPLEX_CONDITIONS = (Condition.COMPLEX, Condition.COMPLEX_REMOTE, Condition.SEVERAL_PLACES)
SWEEP_BATCH = 200
SWEEP_CURSOR = "cases.flags.after"
REASON_MAX = 300
NOTE_MAX = 2000
NOTICE_MAX = 300
LISTED_CODES = 5
COUNTED = 50  # other cases counted at most, unless a threshold asks for more


def _case_url(case: Case) -> str:
    return reverse("cases:case", args=[case.pk])


def _short(text: str, length: int = REASON_MAX) -> str:
    return Truncator(text).chars(length)


def _codes(cases: Iterable[Case]) -> str:
    codes = [case.code for case in cases]
    shown = ", ".join(codes[:LISTED_CODES])
    return f"{shown}, …" if len(codes) > LISTED_CODES else shown


# --- who ------------------------------------------------------------------------------------


def supervises(user, case: Case) -> bool:
    """A supervisor or leader of a body that supervises the case's organization or one above
    it (the ward's Front, the city's Ban Dân vận, a People's Council)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user,
        role__in=[Role.SUPERVISOR, Role.LEADER],
        organization__is_active=True,
        organization__supervision_links__supervised_id__in=case.organization.ancestor_ids(),
    ).exists()


# --- the rules ------------------------------------------------------------------------------


def threshold(rule: str) -> int:
    """The administrators' threshold for the rule, as the process keeps it."""
    found = rule_cache.flag_threshold(rule)
    return found if found is not None else SEEDED_THRESHOLDS[Rule(rule)]


def _many_people(case: Case) -> str | None:
    least = threshold(Rule.MANY_PEOPLE)
    if case.people_count >= least:
        return _("%(count)s người cùng nêu (từ %(least)s người trở lên là đông người).") % {
            "count": case.people_count, "least": least}  # fmt: skip
    return None


def _complexity(case: Case) -> tuple[str, str] | None:
    reason = _("Được phân loại mức độ “%(condition)s”.") % {
        "condition": case.get_condition_display()}  # fmt: skip
    if case.condition == Condition.ESPECIALLY_COMPLEX:
        return Kind.ESPECIALLY_COMPLEX, reason
    if case.condition in COMPLEX_CONDITIONS:
        return Kind.COMPLEX, reason
    return None


def _prolonged(case: Case, today: date) -> str | None:
    if case.status not in OPEN:
        return None
    limit = today - timedelta(days=threshold(Rule.PROLONGED))
    late = case.deadlines.filter(met_on__isnull=True, due_on__lt=limit).order_by("due_on").first()
    if late is None:
        return None
    return _("Quá hạn %(stage)s %(days)s ngày (hạn %(due)s).") % {
        "stage": late.get_stage_display().lower(), "days": (today - late.due_on).days,
        "due": late.due_on.strftime("%d/%m/%Y"),
    }  # fmt: skip


def _same_sender_again(case: Case) -> str | None:
    sender = duplicates.same_sender(
        phone=case.submitter_phone, email=case.submitter_email, account_id=case.submitted_by_id
    )
    if sender is None:
        return None
    window_days, needed = threshold(Rule.SAME_SENDER_WINDOW), threshold(Rule.SAME_SENDER)
    others = list(
        Case.objects.filter(
            sender,
            category_id=case.category_id,
            received_at__gte=timezone.now() - timedelta(days=window_days),
        )
        # A forwarded case lives on as its copy at the receiving body: count it once.
        .exclude(status=Case.Status.FORWARDED)
        .exclude(pk__in=[case.pk, case.forwarded_from_id or 0])
        .only("code")
        .order_by("-received_at")[: max(COUNTED, needed)]
    )
    if len(others) < needed:
        return None
    return _("Cùng người gửi đã có %(count)s vụ việc khác cùng lĩnh vực trong %(days)s ngày qua: "
             "%(codes)s.") % {"count": len(others), "days": window_days,
                              "codes": _codes(others)}  # fmt: skip


def _many_senders(case: Case, index: duplicates.Index | None) -> str | None:
    if case.commune_id is None:
        return None
    if index is None:
        index = duplicates.Index.of(case.commune_id)
    text = duplicates.matter_text(case.title, case.description)
    needed = threshold(Rule.MANY_SENDERS)
    limit = max(duplicates.MAX_LISTED, needed)
    found = [match.case for match in index.matches(text, exclude=case, limit=limit)]
    found += list(case.duplicates.only("code", "submitter_phone", "submitter_email",
                                       "submitted_by_id"))  # fmt: skip
    own = duplicates.sender_key(case)
    by_sender: dict[tuple, Case] = {}
    for other in found:
        key = duplicates.sender_key(other)
        if key != own:
            by_sender.setdefault(key, other)
    if len(by_sender) < needed:
        return None
    return _("%(count)s người khác gửi nội dung gần giống: %(codes)s.") % {
        "count": len(by_sender), "codes": _codes(by_sender.values())}  # fmt: skip


def derived_flags(case: Case, today: date, index: duplicates.Index | None = None) -> dict[str, str]:
    """What the rules find in the case's data: {kind: reason}."""
    found: dict[str, str] = {}
    if reason := _many_people(case):
        found[Kind.MANY_PEOPLE] = reason
    if complexity := _complexity(case):
        found[complexity[0]] = complexity[1]
    if reason := _prolonged(case, today):
        found[Kind.PROLONGED] = reason
    if reason := _same_sender_again(case) or _many_senders(case, index):
        found[Kind.REPEATED] = reason
    return found


def _cleared_kinds(case_ids: list[int]) -> dict[int, set[str]]:
    """Kinds an officer cleared, per case: the rules leave those alone."""
    cleared: dict[int, set[str]] = {}
    entries = AuditEntry.objects.filter(
        target_type=Case._meta.label_lower,
        target_id__in=[str(pk) for pk in case_ids],
        action="case.flag_clear",
    ).values_list("target_id", "data")
    for target_id, data in entries:
        cleared.setdefault(int(target_id), set()).add((data or {}).get("kind", ""))
    return cleared


def raise_flags(case: Case, *, today: date | None = None, index: duplicates.Index | None = None,
                cleared: set[str] | None = None) -> list[CaseFlag]:  # fmt: skip
    """Raise, unconfirmed, the flags the case's data calls for and it does not have yet.
    Safe to run again: a flag already there, or cleared by an officer, is left alone."""
    today = today or timezone.localdate()
    if cleared is None:
        cleared = _cleared_kinds([case.pk]).get(case.pk, set())
    present = set(CaseFlag.objects.filter(case=case).values_list("kind", flat=True))
    with in_site_language():  # the reasons and timeline lines are stored
        wanted = {
            kind: reason
            for kind, reason in derived_flags(case, today, index).items()
            if kind not in present and kind not in cleared
        }
        raised = [_raise_by_rule(case, kind, reason) for kind, reason in wanted.items()]
    return [flag for flag in raised if flag]


def _raise_by_rule(case: Case, kind: str, reason: str) -> CaseFlag | None:
    try:
        with transaction.atomic():
            flag, created = CaseFlag.objects.get_or_create(
                case=case, kind=kind, defaults={"reason": _short(reason)}
            )
            if not created:
                return None
            _event(case, None, "flag_raised", f"{flag.get_kind_display()}: {flag.reason}")
            record(RULES, "case.flag_raise", case, kind=kind, reason=flag.reason, rule=True)
    except IntegrityError:  # raised at the same moment by another sweep
        return None
    return flag


def raise_flags_on_open_cases(limit: int = SWEEP_BATCH) -> int:
    """One batch of open cases, after the one the previous run ended with; from the start
    again when they are all done. Returns how many flags were raised."""
    after = cache.get(SWEEP_CURSOR) or 0
    batch = list(
        Case.objects.filter(status__in=OPEN, pk__gt=after)
        .select_related("organization")
        .order_by("pk")[:limit]
    )
    cache.set(SWEEP_CURSOR, batch[-1].pk if len(batch) == limit else 0, timeout=None)
    return _raise_on(batch)


def _raise_on(cases: list[Case]) -> int:
    today = timezone.localdate()
    cleared = _cleared_kinds([case.pk for case in cases])
    indexes: dict[int, duplicates.Index] = {}
    raised = 0
    for case in cases:
        index = None
        if case.commune_id is not None:
            if case.commune_id not in indexes:
                indexes[case.commune_id] = duplicates.Index.of(case.commune_id)
            index = indexes[case.commune_id]
        raised += len(
            raise_flags(case, today=today, index=index, cleared=cleared.get(case.pk, set()))
        )
    return raised


register("cases.flags", raise_flags_on_open_cases)


# --- by hand --------------------------------------------------------------------------------


def _reason(text: str, field: str = "reason", length: int = REASON_MAX) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused("reason_required", _("Hãy ghi căn cứ, lý do."), field)
    if len(text) > length:
        raise Refused(
            "reason_too_long",
            _("Lý do dài tối đa %(limit)s ký tự (đang có %(count)s); hãy rút gọn.")
            % {"limit": length, "count": len(text)}, field,
        )  # fmt: skip
    return text


@transaction.atomic
def do_raise_flag(actor, case: Case, kind: str, reason: str) -> CaseFlag:
    """An officer who handles the case, or a body that supervises it, marks it. A handler's flag
    is confirmed at once; a supervisor's remark (`SUPERVISOR`) is confirmed by being made,
    and tells the handlers; other flags a supervisor raises wait for a handler to confirm."""
    if kind not in Kind.values:
        raise Refused("bad_kind", _("Hãy chọn một loại dấu hiệu trong danh sách."), "kind")
    reason = _reason(reason)
    handles, supervising = may_handle(actor, case), supervises(actor, case)
    if kind == Kind.SUPERVISOR and not supervising:
        raise Refused(
            "not_a_supervisor",
            _("Chỉ cơ quan giám sát (Mặt trận, Hội đồng nhân dân, Ban Dân vận) mới ghi lưu ý "
              "của cơ quan giám sát. Hãy chọn loại dấu hiệu khác."),
            "kind", status=403,
        )  # fmt: skip
    if not (handles or supervising):
        raise Refused("not_allowed", _("Bạn không xử lý, không giám sát vụ việc này nên không "
                                       "nêu dấu hiệu được."), status=403)  # fmt: skip
    confirmed = handles or kind == Kind.SUPERVISOR
    now = timezone.now()
    flag, created = CaseFlag.objects.get_or_create(
        case=case, kind=kind,
        defaults={
            "reason": reason, "raised_by": actor, "confirmed_by": actor if confirmed else None,
            "confirmed_at": now if confirmed else None,
        },
    )  # fmt: skip
    if not created:
        raise Refused(
            "flag_exists",
            _("Vụ việc đã có dấu hiệu “%(kind)s”. Nếu đúng, hãy xác nhận dấu hiệu đó; muốn nhắc "
              "cơ quan xử lý, hãy đề nghị báo cáo.") % {"kind": flag.get_kind_display()},
            "kind", status=409,
        )  # fmt: skip
    with in_site_language():
        _event(case, actor, "flag_raised", f"{flag.get_kind_display()}: {reason}")
        text = _("Cơ quan giám sát lưu ý vụ việc %(code)s: %(reason)s") % {
            "code": case.code, "reason": reason}  # fmt: skip
    if kind == Kind.SUPERVISOR:
        do_notify(handlers_of(case), _short(text, NOTICE_MAX), _case_url(case))
    record(actor, "case.flag_raise", case, kind=kind, reason=reason, confirmed=confirmed)
    return flag


@transaction.atomic
def do_confirm_flag(actor, flag: CaseFlag) -> CaseFlag:
    case = flag.case
    if not may_handle(actor, case):
        raise Refused("not_handled", _("Chỉ cán bộ xử lý vụ việc mới xác nhận dấu hiệu được."),
                      status=403)  # fmt: skip
    now = timezone.now()
    if not CaseFlag.objects.filter(pk=flag.pk, confirmed_at__isnull=True).update(
        confirmed_by=actor, confirmed_at=now
    ):
        raise Refused("already_confirmed", _("Dấu hiệu này đã được xác nhận hoặc vừa được bỏ; "
                                             "hãy tải lại trang."), status=409)  # fmt: skip
    flag.refresh_from_db()
    with in_site_language():
        _event(case, actor, "flag_confirmed", flag.get_kind_display())
    record(actor, "case.flag_confirm", case, kind=flag.kind)
    return flag


@transaction.atomic
def do_clear_flag(actor, flag: CaseFlag, reason: str) -> None:
    """Take a flag off, with the reason. A supervising body's remark is taken off only by a
    supervising body: the body it concerns does not clear it."""
    case = flag.case
    if flag.kind == Kind.SUPERVISOR:
        if not supervises(actor, case):
            raise Refused(
                "supervisor_flag",
                _("Lưu ý của cơ quan giám sát chỉ cơ quan giám sát bỏ được. Hãy báo cáo kết quả "
                  "xử lý để cơ quan giám sát xem xét."), status=403,
            )  # fmt: skip
    elif not may_handle(actor, case):
        raise Refused("not_handled", _("Chỉ cán bộ xử lý vụ việc mới bỏ dấu hiệu được."),
                      status=403)  # fmt: skip
    reason = _reason(reason)
    deleted, _rows = CaseFlag.objects.filter(pk=flag.pk).delete()
    if not deleted:
        raise Refused("gone", _("Dấu hiệu này vừa được bỏ; hãy tải lại trang."), status=409)
    with in_site_language():
        _event(case, actor, "flag_cleared", f"{flag.get_kind_display()}: {reason}")
    record(actor, "case.flag_clear", case, kind=flag.kind, reason=reason)


@transaction.atomic
def do_request_report(actor, case: Case, note: str) -> None:
    """A supervising body asks the handlers to report on the case: a line on the timeline and a
    notice with the note."""
    if not supervises(actor, case):
        raise Refused("not_a_supervisor", _("Chỉ cơ quan giám sát vụ việc này mới đề nghị báo "
                                            "cáo được."), status=403)  # fmt: skip
    note = _reason(note, "note", NOTE_MAX)
    _event(case, actor, "report_requested", note)
    with in_site_language():
        text = _("Đề nghị báo cáo vụ việc %(code)s: %(note)s") % {"code": case.code, "note": note}
    do_notify(handlers_of(case), _short(text, NOTICE_MAX), _case_url(case))
    record(actor, "case.request_report", case)
