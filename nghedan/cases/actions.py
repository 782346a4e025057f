"""Every change to a case: one transaction, one audit entry, and a line on its timeline.

A status change is `filter(pk=…, status__in=allowed).update(…)` with the row count checked:
of two officers acting at once, one wins and the other is told.
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nghedan.audit.chain import record
from nghedan.cases import counts, deadlines, replies
from nghedan.cases.models import (
    Case,
    CaseEvent,
    Category,
    Channel,
    Kind,
    Rating,
    RefusalReason,
    SecretIdentity,
    Stage,
)
from nghedan.cases.routing import route
from nghedan.lib import crypto
from nghedan.lib.refusal import Refused
from nghedan.notices.actions import do_notify, in_site_language
from nghedan.people.models import Membership, Organization, Role, User

Status = Case.Status
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # no I, L, O, U: read aloud on the phone
OPEN = (Status.RECEIVED, Status.CLASSIFIED, Status.ACCEPTED, Status.VERIFYING)
IDENTITY_REQUIRED = (Kind.COMPLAINT, Kind.DENUNCIATION)
HANDLING_ROLES = (Role.RECEPTION, Role.HANDLER, Role.LEADER)
IN_TURN = "giao việc lần lượt"  # the actor the audit log names for automatic assignments
# The audit log names officials by their accounts. A case's own sender (signed in, or giving
# their contact on the tracking page) is "người gửi": the case alone names them, and forgets
# them if it becomes a denunciation (Luật Tố cáo 2018, Điều 47), while an entry in the chained
# log could never be taken back.
SENDER = "người gửi"
# Luật Tố cáo 2018, Điều 22: a denunciation is made by a letter or in person. One made any
# other way is not processed as a denunciation but kept as information (Điều 25).
NOT_A_FORM_OF_DENUNCIATION = (Channel.HOTLINE,)


def new_code() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if not Case.objects.filter(code=code).exists():
            return code


def today():
    return timezone.localdate()


def _event(case: Case, actor, action: str, note: str = "", public: bool = False) -> None:
    CaseEvent.objects.create(
        case=case, actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, note=note, public=public,
    )  # fmt: skip


def _move(case: Case, allowed, to: str, **fields) -> None:
    """Change status only from an allowed one; refuse (changing nothing) otherwise. The kept
    counts follow in the same transaction: the row is locked and read first."""
    before = counts.standing_of(case.pk, lock=True)
    changed = Case.objects.filter(pk=case.pk, status__in=allowed).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if changed:
        counts.record_change(before, counts.standing_of(case.pk))
    if not changed:
        raise _wrong_state(case)
    case.refresh_from_db()


def _wrong_state(case: Case) -> Refused:
    current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
    return Refused(
        "wrong_state",
        _("Vụ việc đang ở trạng thái “%(status)s” nên không thể làm việc này. "
          "Hãy tải lại trang để xem trạng thái mới nhất.")
        % {"status": Status(current).label if current else "?"},
        status=409,
    )  # fmt: skip


def _reload_locked(case: Case) -> None:
    """Decide on the case as the database has it, its row held until the commit: what was read
    on a page earlier must not undo what another officer did meanwhile."""
    case.refresh_from_db(from_queryset=Case.objects.select_for_update(of=("self",)))


def _check_identity(kind: str, name: str, address: str) -> None:
    if kind in IDENTITY_REQUIRED and not (name.strip() and address.strip()):
        raise Refused(
            "identity_required",
            _("Khiếu nại, tố cáo phải ghi rõ họ tên và địa chỉ của người gửi "
              "(Luật Khiếu nại 2011 Điều 8; Luật Tố cáo 2018 Điều 23)."),
            "submitter_name",
        )  # fmt: skip


def _kept_as_information(kind: str, channel: str, name: str, is_anonymous: bool) -> bool:
    """A denunciation the law does not let be processed as one, kept as information instead
    (Luật Tố cáo 2018, Điều 25): without a name, or not made by a letter or in person (Điều 22)."""
    return kind == Kind.DENUNCIATION and (
        is_anonymous or not name.strip() or channel in NOT_A_FORM_OF_DENUNCIATION
    )


def _information_note(kind: str, channel: str) -> str:
    """Why a denunciation that names its sender is still only kept as information."""
    if kind != Kind.DENUNCIATION or channel not in NOT_A_FORM_OF_DENUNCIATION:
        return ""
    return _(
        "Tố cáo qua điện thoại không đúng hình thức tố cáo (bằng đơn hoặc trình bày trực tiếp, "
        "Luật Tố cáo 2018, Điều 22) nên được lưu làm thông tin, không giải quyết theo thủ tục "
        "tố cáo (Điều 25). Muốn được giải quyết, người tố cáo hãy gửi đơn hoặc đến trình bày "
        "trực tiếp."
    )


def _seal_identity(case: Case, *, name: str, phone: str, email: str, address: str,
                   account: User | None) -> None:  # fmt: skip
    """A denouncer's identity, encrypted, apart from the case (Luật Tố cáo 2018, Điều 47–48)."""
    SecretIdentity.objects.create(
        case=case,
        ciphertext=crypto.seal({
            "name": name, "phone": phone, "email": email, "address": address,
            "account": account.get_username() if account else "",
        }),
    )  # fmt: skip


def receipt_time(received_on: date | None) -> datetime:
    """Now, or the first moment of an earlier day on which the petition came."""
    if received_on is None or received_on >= today():
        return timezone.now()
    return counts.start_of_day(received_on)


@transaction.atomic
def do_submit_case(
    actor, *, kind: str, channel: str, category: Category, title: str, description: str,
    commune=None, address: str = "", submitter_name: str = "", submitter_phone: str = "",
    submitter_email: str = "", submitter_address: str = "", is_anonymous: bool = False,
    people_count: int = 1, first_instance: Case | None = None,
    organization: Organization | None = None, submitted_by=None,
    received_on: date | None = None,
) -> Case:  # fmt: skip
    """Take in one matter from any channel. A denouncer's identity is sealed apart from the
    case; a denunciation with no identity, or made by phone, is kept as information, not
    processed (Luật Tố cáo 2018, Điều 22 and 25).
    `received_on` is the day a petition came when it is entered later (a letter, an import):
    it is counted on that day and its deadline runs from it."""
    anonymous_denunciation = kind == Kind.DENUNCIATION and (
        is_anonymous or not submitter_name.strip()
    )
    information = _kept_as_information(kind, channel, submitter_name, is_anonymous)
    if not information:
        _check_identity(kind, submitter_name, submitter_address)
    if first_instance is not None and kind != Kind.COMPLAINT:
        raise Refused("bad_instance", _("Chỉ khiếu nại mới có lần hai."), "first_instance")
    organization = organization or route(category, commune)
    if organization is None:
        raise Refused(
            "no_route",
            _("Chưa xác định được cơ quan xử lý: hãy chọn xã, phường nơi xảy ra sự việc."),
            "commune",
        )
    secret = kind == Kind.DENUNCIATION
    received_at = receipt_time(received_on)
    case = Case(
        code=new_code(), kind=kind, channel=channel, category=category, title=title,
        description=description, commune=commune, address=address, organization=organization,
        instance=2 if first_instance else 1, first_instance=first_instance,
        people_count=people_count, is_anonymous=is_anonymous or anonymous_denunciation,
        submitter_name="" if secret else submitter_name,
        submitter_phone="" if secret else submitter_phone,
        submitter_email="" if secret else submitter_email,
        submitter_address="" if secret else submitter_address,
        # A denouncer's account would name them: it goes into the sealed identity instead.
        submitted_by=None if secret else submitted_by,
        status=Status.INFORMATION if information else Status.RECEIVED,
        received_at=received_at,
    )  # fmt: skip
    planned = None
    if not information:
        planned = deadlines.plan_stage(case, Stage.RECEIVE, timezone.localdate(received_at))
        case.open_due = planned.due_on if planned else None  # its only running deadline
    case.save(force_insert=True)
    if secret and not anonymous_denunciation:
        _seal_identity(case, name=submitter_name, phone=submitter_phone, email=submitter_email,
                       address=submitter_address, account=submitted_by)  # fmt: skip
    # A denouncer who sends from their own account must not be named by the timeline either
    # (the audit log names no sender: SENDER): only the sealed identity knows them.
    by_sender = actor is not None and actor == submitted_by
    named = None if secret and by_sender else actor
    _event(case, named, "received", _information_note(kind, channel), public=True)
    if planned is not None:
        deadlines.open_planned(case, planned)
    # The shared rows last, counts then the audit chain's head (the order every action keeps):
    # they stay locked until the commit, so every other intake waits only for the commit.
    counts.record_change(None, counts.standing_of_new(case))
    day = timezone.localdate(received_at)
    came = {"received_on": day.isoformat()} if day != today() else {}
    record(SENDER if by_sender else actor, "case.submit", case, kind=kind, channel=channel,
           organization=organization.pk, **came)  # fmt: skip
    _assign_if_in_turn(case)
    return case


@transaction.atomic
def do_classify(
    actor, case: Case, *, kind: str, category: Category, condition: str, people_count: int,
    reason: str = "",
) -> Case:  # fmt: skip
    """Confirm or correct the kind and category; a change after classification needs a reason.
    A case that becomes a denunciation is treated as one taken in so: its sender's identity is
    sealed, or it is kept as information. The running deadlines follow the new rules."""
    _reload_locked(case)
    reclassifying = case.status == Status.CLASSIFIED and (
        kind != case.kind or category != case.category
    )
    if reclassifying and not reason.strip():
        raise Refused("reason_required", _("Phân loại lại cần ghi rõ lý do."), "reason")
    _check_kind_change(case, kind)
    becomes_denunciation = kind == Kind.DENUNCIATION and case.kind != Kind.DENUNCIATION
    information = becomes_denunciation and _kept_as_information(
        kind, case.channel, case.submitter_name, case.is_anonymous
    )
    sender = _sender_of(case) if becomes_denunciation else None
    before = {"kind": case.kind, "category": case.category.code}
    _move(
        case, (Status.RECEIVED, Status.CLASSIFIED),
        Status.INFORMATION if information else Status.CLASSIFIED, kind=kind,
        category=category, condition=condition, people_count=people_count,
        **(_forget_sender(case) if becomes_denunciation else {}),
    )  # fmt: skip
    if sender is not None:
        _seal_sender(case, sender)
    _follow_rules_of_new_kind(case)
    note = reason or (_information_note(case.kind, case.channel) if information else "")
    _event(case, actor, "reclassified" if reclassifying else "classified", note)
    record(actor, "case.classify", case, before=before,
           after={"kind": kind, "category": category.code}, reason=reason,
           **({"identity_sealed": True} if sender is not None else {}))  # fmt: skip
    return case


def _check_kind_change(case: Case, kind: str) -> None:
    if kind == case.kind:
        return
    if case.kind == Kind.DENUNCIATION:
        # Refused rather than unsealed: in another kind the sender's name and address would be
        # shown to everyone who follows the case, while the denouncer gave them under the
        # protection of Luật Tố cáo 2018, Điều 47–48. The sender may file anew as that kind.
        raise Refused(
            "denunciation_stays",
            _("Không đổi được tố cáo sang loại khác: danh tính người tố cáo phải được giữ bí mật "
              "(Luật Tố cáo 2018, Điều 47, 48), còn ở loại khác họ tên, địa chỉ sẽ hiện cho mọi "
              "người theo dõi vụ việc. Nếu nội dung thực chất là khiếu nại, phản ánh hay kiến "
              "nghị, hãy hướng dẫn người gửi gửi đơn mới theo đúng loại; vụ việc này vẫn xử lý "
              "là tố cáo hoặc không thụ lý với lý do phù hợp."),
            "kind",
        )  # fmt: skip
    if not _kept_as_information(kind, case.channel, case.submitter_name, case.is_anonymous):
        _check_identity(kind, case.submitter_name, case.submitter_address)


def _sender_of(case: Case) -> dict:
    return {
        "name": case.submitter_name, "phone": case.submitter_phone,
        "email": case.submitter_email, "address": case.submitter_address,
        "account": case.submitted_by,
    }  # fmt: skip


def _forget_sender(case: Case) -> dict:
    """The fields that drop the sender from a case becoming a denunciation, as at intake."""
    return {
        "submitter_name": "", "submitter_phone": "", "submitter_email": "",
        "submitter_address": "", "sender_phone_tail": "", "submitted_by": None,
        "is_anonymous": case.is_anonymous or not case.submitter_name.strip(),
    }  # fmt: skip


def audited_as(actor, case: Case):
    """Who the audit log names for `actor` acting on `case`: its sender is not named (SENDER)."""
    sender = case.submitted_by_id
    return SENDER if sender is not None and getattr(actor, "pk", None) == sender else actor


def _seal_sender(case: Case, sender: dict) -> None:
    """What the case knew of its sender moves into the sealed identity (kept even for a case
    kept as information). Its timeline and files stop naming the sender's account, and the
    timeline no longer lists the names of the files sent before: a name may name the sender."""
    if any(sender.values()):
        _seal_identity(case, **sender)
    if sender["account"] is not None:
        CaseEvent.objects.filter(case=case, actor=sender["account"]).update(actor=None)
        case.attachments.filter(uploaded_by=sender["account"]).update(uploaded_by=None)
    with in_site_language():
        hidden = _("Tệp đính kèm (tên tệp được ẩn để giữ bí mật người tố cáo)")
    CaseEvent.objects.filter(case=case, action="attached").update(note=hidden)


def _follow_rules_of_new_kind(case: Case) -> None:
    if case.status == Status.INFORMATION:
        deadlines.close_stages(case, today())  # kept as information: no clock runs
        return
    _replan_running_stages(case)
    deadlines.close_stages(case, today(), [Stage.RECEIVE])
    if case.kind in IDENTITY_REQUIRED and not case.deadlines.filter(stage=Stage.ACCEPT).exists():
        deadlines.open_stage(case, Stage.ACCEPT, today())


def _replan_running_stages(case: Case) -> None:
    """Each running stage follows the rule of the kind and condition the case now has, counted
    from the day the stage started (the receive stage: the day the petition came): a change of
    kind neither keeps the old kind's limit nor starts a fresh clock. A stage the new kind does
    not have (a complaint's accept stage, for feedback) stops."""
    calendar = deadlines.work_calendar()
    for deadline in case.deadlines.filter(met_on__isnull=True):
        rule = deadlines.rule_for(case, deadline.stage)
        if rule is None:
            deadline.delete()
        elif rule.pk != deadline.rule_id:
            deadline.rule = rule
            deadline.due_on = deadlines.count_days(rule, deadline.starts_on, rule.days, calendar)
            deadline.save(update_fields=["rule", "due_on"])
    deadlines.refresh_open_due(case)


@transaction.atomic
def do_accept(actor, case: Case) -> Case:
    """Thụ lý: the handling (and its resolve deadline) starts today."""
    _move(case, (Status.CLASSIFIED,), Status.ACCEPTED)
    deadlines.close_stages(case, today(), [Stage.RECEIVE, Stage.ACCEPT])
    deadlines.open_stage(case, Stage.RESOLVE, today())
    _event(case, actor, "accepted", public=True)
    record(actor, "case.accept", case)
    return case


@transaction.atomic
def do_refuse(actor, case: Case, reason: RefusalReason, note: str = "") -> Case:
    if reason.kind != case.kind or not reason.is_active:
        raise Refused("bad_reason", _("Lý do này không áp dụng cho loại vụ việc này."), "reason")
    _move(case, (Status.RECEIVED, Status.CLASSIFIED), Status.REFUSED, refusal_reason=reason,
          closed_at=timezone.now())  # fmt: skip
    deadlines.close_stages(case, today())
    _event(case, actor, "refused", f"{reason.text} ({reason.legal_reference}). {note}".strip(),
           public=True)  # fmt: skip
    record(actor, "case.refuse", case, reason=reason.code)
    transaction.on_commit(lambda: replies.send_refusal(case))
    return case


@transaction.atomic
def do_forward(actor, case: Case, organization: Organization, note: str = "") -> Case:
    """Send to the competent body, where it arrives as a new linked case in its queue."""
    if organization == case.organization:
        raise Refused(
            "same_organization", _("Hãy chọn một cơ quan khác cơ quan đang xử lý."),
            "organization",
        )  # fmt: skip
    _move(case, (Status.RECEIVED, Status.CLASSIFIED), Status.FORWARDED,
          closed_at=timezone.now())  # fmt: skip
    deadlines.close_stages(case, today())
    arrived = Case.objects.create(
        code=new_code(), kind=case.kind, channel=case.channel, category=case.category,
        title=case.title, description=case.description, commune=case.commune,
        address=case.address, organization=organization, instance=case.instance,
        first_instance=case.first_instance, people_count=case.people_count,
        is_anonymous=case.is_anonymous, submitter_name=case.submitter_name,
        submitter_phone=case.submitter_phone, submitter_email=case.submitter_email,
        submitter_address=case.submitter_address, submitted_by=case.submitted_by,
        forwarded_from=case, received_at=timezone.now(),
    )  # fmt: skip
    counts.record_change(None, counts.standing_of_new(arrived))
    identity = SecretIdentity.objects.filter(case=case).first()
    if identity:
        SecretIdentity.objects.create(case=arrived, ciphertext=identity.ciphertext)
    deadlines.open_stage(arrived, Stage.RECEIVE, today())
    _event(case, actor, "forwarded", _("Chuyển đến %(organization)s. %(note)s")
           % {"organization": organization, "note": note}, public=True)  # fmt: skip
    _event(arrived, actor, "received", _("Chuyển đến từ %(organization)s.")
           % {"organization": case.organization}, public=True)  # fmt: skip
    record(actor, "case.forward", case, to=organization.pk, arrived=arrived.pk)
    _assign_if_in_turn(arrived)
    return arrived


@transaction.atomic
def do_assign(actor, case: Case, handler) -> Case:
    if not Membership.objects.filter(
        user=handler, organization=case.organization, role__in=HANDLING_ROLES,
        user__is_active=True,
    ).exists():  # fmt: skip
        raise Refused(
            "not_a_handler", _("Người này không phải cán bộ xử lý của cơ quan đang giữ vụ việc."),
            "assignee",
        )  # fmt: skip
    _set_assignee(case, handler)
    _event(case, actor, "assigned", str(handler))
    with in_site_language():
        text = _("Bạn được giao xử lý vụ việc %(code)s: %(title)s") % {
            "code": case.code, "title": case.title}  # fmt: skip
    do_notify([handler], text, reverse("cases:case", args=[case.pk]))
    record(actor, "case.assign", case, assignee=handler.pk)
    return case


def _set_assignee(case: Case, handler) -> None:
    """Only the assignee changes: writing back the status read earlier (a page, the queue's
    ticked cases) would undo whatever another officer did meanwhile."""
    changed = Case.objects.filter(pk=case.pk, status__in=OPEN).update(
        assignee=handler, updated_at=timezone.now()
    )
    if not changed:
        raise _wrong_state(case)
    case.refresh_from_db()


def next_in_turn(organization_id: int) -> User | None:
    """The organization's handler with the fewest open cases there; on a tie, the one who
    joined first, so equal loads take turns."""
    open_here = Q(assigned_cases__organization_id=organization_id, assigned_cases__status__in=OPEN)
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role=Role.HANDLER,
        )
        .annotate(load=Count("assigned_cases", filter=open_here, distinct=True))
        .order_by("load", "pk")
        .first()
    )


@transaction.atomic
def do_assign_in_turn(actor, case: Case) -> Case:
    handler = next_in_turn(case.organization_id)
    if handler is None:
        raise Refused(
            "no_handler",
            _("%(organization)s chưa có cán bộ nào giữ vai trò xử lý để giao lần lượt; "
              "hãy nhờ quản trị viên thêm cán bộ xử lý, hoặc chọn một người cụ thể.")
            % {"organization": case.organization},
            "assignee",
        )  # fmt: skip
    return do_assign(actor, case, handler)


def _assign_if_in_turn(case: Case) -> None:
    """A case arriving at an organization that assigns in turn goes straight to a handler."""
    if case.organization.assigns_in_turn and case.status in OPEN:
        handler = next_in_turn(case.organization_id)
        if handler is not None:
            do_assign(IN_TURN, case, handler)


@transaction.atomic
def do_start_verifying(actor, case: Case) -> Case:
    _move(case, (Status.ACCEPTED,), Status.VERIFYING)
    _event(case, actor, "verifying", public=True)
    record(actor, "case.verify", case)
    return case


@transaction.atomic
def do_resolve(actor, case: Case, *, answer: str, published_answer: str = "") -> Case:
    if not answer.strip():
        raise Refused("answer_required", _("Hãy ghi kết quả giải quyết, trả lời."), "answer")
    if case.kind == Kind.DENUNCIATION and not published_answer.strip():
        # The internal conclusion may name the denouncer; what is published is written apart.
        raise Refused(
            "published_answer_required",
            _("Kết luận tố cáo phải có nội dung công khai riêng, không chứa thông tin "
              "về người tố cáo (Nghị định 31/2019, Điều 6)."),
            "published_answer",
        )  # fmt: skip
    _move(case, (Status.ACCEPTED, Status.VERIFYING), Status.RESOLVED, answer=answer,
          published_answer=published_answer or answer, resolved_at=timezone.now())  # fmt: skip
    deadlines.close_stages(case, today())
    _event(case, actor, "resolved", public=True)
    record(actor, "case.resolve", case)
    transaction.on_commit(lambda: replies.send_reply(case))
    return case


@transaction.atomic
def do_close(actor, case: Case) -> Case:
    _move(case, (Status.RESOLVED,), Status.CLOSED, closed_at=timezone.now())
    _event(case, actor, "closed", public=True)
    record(actor, "case.close", case)
    return case


def reopen_until(case: Case) -> datetime | None:
    """The last moment the citizen may ask for the answer to be looked at again."""
    if case.resolved_at is None:
        return None
    return case.resolved_at + timedelta(days=settings.REOPEN_DAYS)


@transaction.atomic
def do_reopen(actor, case: Case, reason: str) -> Case:
    """The citizen is not satisfied: once, within the window after the answer."""
    if case.reopen_count >= 1:
        raise Refused("reopened_before", _("Vụ việc này đã được mở lại một lần."))
    until = reopen_until(case)
    if until is None or timezone.now() > until:
        raise Refused(
            "reopen_too_late",
            _("Chỉ có thể đề nghị xem xét lại trong %(days)s ngày kể từ khi có kết quả.")
            % {"days": settings.REOPEN_DAYS},
        )
    if not reason.strip():
        raise Refused("reason_required", _("Hãy cho biết vì sao chưa hài lòng."), "reason")
    _move(case, (Status.RESOLVED, Status.CLOSED), Status.VERIFYING,
          reopen_count=case.reopen_count + 1, closed_at=None)  # fmt: skip
    deadlines.open_stage(case, Stage.RESOLVE, today())
    _event(case, actor, "reopened", reason, public=True)
    record(actor, "case.reopen", case)
    return case


@transaction.atomic
def do_withdraw(actor, case: Case, reason: str = "") -> Case:
    _move(case, OPEN, Status.WITHDRAWN, closed_at=timezone.now())
    deadlines.close_stages(case, today())
    _event(case, actor, "withdrawn", reason, public=True)
    record(actor, "case.withdraw", case)
    return case


@transaction.atomic
def do_extend_deadline(actor, case: Case, reason: str, seen_extensions: int | None = None) -> Case:
    """A written decision with a reason, within the law's limit on extensions. The page sends
    `seen_extensions`, the count its officer saw: of two officers extending from pages opened
    at once, the second is told rather than using up a second extension."""
    if not reason.strip():
        raise Refused("reason_required", _("Gia hạn phải có lý do."), "reason")
    deadline = (
        case.deadlines.select_for_update(of=("self",))
        .filter(stage=Stage.RESOLVE, met_on__isnull=True)
        .select_related("rule")
        .first()
    )
    if deadline is None:
        raise Refused("no_deadline", _("Vụ việc không có thời hạn giải quyết đang chạy."))
    if seen_extensions is not None and seen_extensions != deadline.extensions:
        raise _extended_meanwhile(deadline)
    if deadline.extensions >= deadline.rule.max_extensions:
        raise Refused(
            "extension_limit",
            _("Đã gia hạn tối đa %(limit)s lần theo %(reference)s.")
            % {"limit": deadline.rule.max_extensions, "reference": deadline.rule.legal_reference},
        )
    updated = (
        type(deadline)
        .objects.filter(pk=deadline.pk, extensions=deadline.extensions)
        .update(due_on=deadlines.extend(deadline), extensions=deadline.extensions + 1)
    )
    if not updated:
        raise _extended_meanwhile(deadline)
    deadlines.refresh_open_due(case)
    _event(case, actor, "extended", reason, public=True)
    record(actor, "case.extend", case, reason=reason)
    return case


def _extended_meanwhile(deadline) -> Refused:
    deadline.refresh_from_db()
    return Refused(
        "extended_meanwhile",
        _("Hạn đã được gia hạn bởi người khác sau khi bạn mở trang (nay là %(due)s, đã gia hạn "
          "%(count)s lần); lần gia hạn của bạn chưa được ghi, hãy tải lại trang để xem thời hạn "
          "mới trước khi quyết định.")
        % {"due": f"{deadline.due_on:%d/%m/%Y}", "count": deadline.extensions},
        status=409,
    )  # fmt: skip


@transaction.atomic
def do_comment(actor, case: Case, note: str) -> None:
    if not note.strip():
        raise Refused("note_required", _("Hãy nhập nội dung ý kiến."), "note")
    _event(case, actor, "comment", note)
    record(actor, "case.comment", case)


@transaction.atomic
def do_rate(case: Case, *, score: int, resolved: bool, comment: str = "") -> Rating:
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise Refused("not_resolved", _("Chỉ đánh giá được khi vụ việc đã có kết quả."))
    if not 1 <= score <= 5:
        raise Refused("bad_score", _("Mức hài lòng từ 1 đến 5."), "score")
    with counts.tracking(case.pk):
        rating, created = Rating.objects.get_or_create(
            case=case, defaults={"score": score, "resolved": resolved, "comment": comment}
        )
    if not created:
        raise Refused("rated_before", _("Vụ việc này đã được đánh giá."))
    _event(case, None, "rated")
    record(SENDER, "case.rate", case, score=score, resolved=resolved)  # who gave their contact
    return rating
