"""Every change to the reception log: one transaction, one audit entry each.

A matter raised at a session becomes a case in the organization's queue through
`cases.actions.do_submit_case`, in the same transaction as the visit that records it, received
on the day of the session. A denouncer's identity is never written in the log, whatever came
of the visit: taken in, that action seals it with the case; guided or refused, it is sealed
with the visit. Nothing personal goes into the audit entries.
"""

import re
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nghedan.audit.chain import record
from nghedan.cases.actions import do_submit_case
from nghedan.cases.models import Category, Channel, Kind
from nghedan.lib import crypto
from nghedan.lib.refusal import Refused
from nghedan.people.models import Membership, Organization, Role, User
from nghedan.reception.models import Reception, RefusalOfReception, Visit

Outcome = Visit.Outcome
RECEIVING_ROLES = (Role.RECEPTION, Role.HANDLER, Role.LEADER)
IDENTITY_REQUIRED = (Kind.COMPLAINT, Kind.DENUNCIATION)
ID_NUMBER_LENGTHS = (9, 12)  # chứng minh nhân dân (old), căn cước
ID_NUMBER_SEPARATORS = re.compile(r"[\s.\-]")


def _is_receiving_officer(person: User, organization: Organization) -> bool:
    return Membership.objects.filter(
        user=person, organization=organization, role__in=RECEIVING_ROLES, user__is_active=True
    ).exists()


@transaction.atomic
def do_open_reception(
    actor, *, organization: Organization, held_on: date, place: str, kind: str, presiding: User,
    officers: Iterable[User] = (), note: str = "",
) -> Reception:  # fmt: skip
    """Open the log of one session: who holds it, when, where, who presides, who else sits."""
    if not organization.is_active:
        raise Refused(
            "inactive_organization",
            _("Cơ quan này đã ngừng hoạt động; hãy chọn cơ quan khác."),
            "organization",
        )
    if held_on > timezone.localdate():
        raise Refused(
            "future_date",
            _("Ngày tiếp không được sau hôm nay (%(today)s): sổ chỉ ghi buổi tiếp đã hoặc đang "
              "diễn ra.") % {"today": f"{timezone.localdate():%d/%m/%Y}"},
            "held_on",
        )  # fmt: skip
    if not place.strip():
        raise Refused("place_required", _("Hãy ghi địa điểm tiếp công dân."), "place")
    if kind not in Reception.Kind.values:
        raise Refused("bad_kind", _("Hãy chọn một hình thức tiếp trong danh sách."), "kind")
    if not _is_receiving_officer(presiding, organization):
        raise Refused(
            "presiding_not_member",
            _("Người chủ trì phải là lãnh đạo, cán bộ tiếp công dân hoặc cán bộ xử lý của "
              "%(organization)s.") % {"organization": organization},
            "presiding",
        )  # fmt: skip
    officers = list(officers)
    strangers = [person for person in officers if not _is_receiving_officer(person, organization)]
    if strangers:
        raise Refused(
            "officer_not_member",
            _("%(names)s không phải cán bộ của %(organization)s; hãy bỏ chọn.")
            % {"names": ", ".join(str(person) for person in strangers),
               "organization": organization},
            "officers",
        )  # fmt: skip
    reception = Reception.objects.create(
        organization=organization, held_on=held_on, place=place.strip(), kind=kind,
        presiding=presiding, note=note.strip(),
    )  # fmt: skip
    reception.officers.set([person for person in officers if person != presiding])
    record(actor, "reception.open", reception, organization=organization.pk,
           held_on=held_on.isoformat(), kind=kind, presiding=presiding.pk)  # fmt: skip
    return reception


def normalize_id_number(value: str) -> str:
    return ID_NUMBER_SEPARATORS.sub("", value or "")


def visit_problems(
    *, outcome: str, kind: str = "", category: Category | None = None, title: str = "",
    raised: str = "", visitor_name: str = "", visitor_address: str = "", id_number: str = "",
    group_size: int | None = 1, refusal: RefusalOfReception | None = None, note: str = "",
) -> list[Refused]:  # fmt: skip
    """Everything wrong with a visit about to be recorded, each with its field: the form shows
    them all at once, the actions refuse on the first."""
    problems = []
    if outcome != Outcome.CASE and kind and kind not in Kind.values:
        problems.append(Refused("bad_kind", _("Hãy chọn một loại trong danh sách."), "kind"))
    if group_size is None or group_size < 1:
        problems.append(Refused(
            "bad_group_size", _("Số người đến ít nhất là 1; đoàn đông người thì ghi đủ số người."),
            "group_size",
        ))  # fmt: skip
    number = normalize_id_number(id_number)
    if number and not (number.isdigit() and len(number) in ID_NUMBER_LENGTHS):
        problems.append(Refused(
            "bad_id_number",
            _("Số căn cước gồm 12 chữ số (chứng minh nhân dân cũ: 9 chữ số); hãy ghi lại đúng "
              "hoặc để trống."),
            "id_number",
        ))  # fmt: skip
    if outcome == Outcome.REFUSED:
        if refusal is None or not refusal.is_active:
            problems.append(Refused(
                "reason_required",
                _("Hãy chọn lý do từ chối tiếp theo Luật Tiếp công dân 2013, Điều 9."),
                "refusal",
            ))  # fmt: skip
        return problems
    if outcome == Outcome.CASE:
        if kind not in Kind.values:
            problems.append(Refused(
                "kind_required",
                _("Hãy chọn loại: phản ánh, kiến nghị, khiếu nại hay tố cáo."), "kind",
            ))  # fmt: skip
        if category is None:
            problems.append(Refused("category_required", _("Hãy chọn lĩnh vực."), "category"))
        elif not category.is_active:
            problems.append(Refused(
                "category_inactive", _("Lĩnh vực này không còn dùng; hãy chọn lĩnh vực khác."),
                "category",
            ))  # fmt: skip
        if not title.strip():
            problems.append(Refused(
                "title_required", _("Hãy ghi tóm tắt việc người dân nêu trong một câu."), "title"
            ))  # fmt: skip
    if not raised.strip():
        problems.append(Refused(
            "raised_required", _("Hãy ghi nội dung người dân trình bày."), "raised"
        ))  # fmt: skip
    if outcome == Outcome.CASE and kind in IDENTITY_REQUIRED:
        law = _("Luật Khiếu nại 2011, Điều 8; Luật Tố cáo 2018, Điều 23")
        if not visitor_name.strip():
            problems.append(Refused(
                "identity_required",
                _("Khiếu nại, tố cáo phải ghi rõ họ tên người đến (%(law)s).") % {"law": law},
                "visitor_name",
            ))  # fmt: skip
        if not visitor_address.strip():
            problems.append(Refused(
                "identity_required",
                _("Khiếu nại, tố cáo phải ghi rõ địa chỉ người đến (%(law)s).") % {"law": law},
                "visitor_address",
            ))  # fmt: skip
    if outcome == Outcome.GUIDED and not note.strip():
        problems.append(Refused(
            "guidance_required",
            _("Hãy ghi đã hướng dẫn, giải thích những gì, chỉ người dân đến cơ quan nào."),
            "note",
        ))  # fmt: skip
    return problems


def _refuse_on_first(problems: list[Refused]) -> None:
    if problems:
        raise problems[0]


def _sealed_id_number(id_number: str) -> str:
    number = normalize_id_number(id_number)
    return crypto.seal({"id_number": number}) if number else ""


def _seal_denouncer(visitor: dict[str, str]) -> tuple[dict[str, str], str]:
    """The visitor fields emptied and the identity sealed apart (Luật Tố cáo 2018, Điều
    47–48). The ID number is not kept for a denouncer."""
    identity = {
        "name": visitor["visitor_name"],
        "phone": visitor["visitor_phone"],
        "address": visitor["visitor_address"],
    }
    sealed = crypto.seal(identity) if any(identity.values()) else ""
    return dict.fromkeys(visitor, ""), sealed


@transaction.atomic
def do_record_visit(
    actor, reception: Reception, *, kind: str, category: Category | None, title: str,
    raised: str, visitor_name: str = "", visitor_phone: str = "", visitor_address: str = "",
    id_number: str = "", group_size: int = 1, note: str = "", create_case: bool = True,
) -> Visit:  # fmt: skip
    """One person or group received. With `create_case` what they raised becomes a case in the
    organization's queue; without, they were guided and `note` says how."""
    outcome = Outcome.CASE if create_case else Outcome.GUIDED
    _refuse_on_first(visit_problems(
        outcome=outcome, kind=kind, category=category, title=title, raised=raised,
        visitor_name=visitor_name, visitor_address=visitor_address, id_number=id_number,
        group_size=group_size, note=note,
    ))  # fmt: skip
    visitor = {
        "visitor_name": visitor_name.strip(),
        "visitor_phone": visitor_phone.strip(),
        "visitor_address": visitor_address.strip(),
    }
    case = None
    if create_case:
        assert category is not None  # visit_problems refused a case without one
        organization = reception.organization
        case = do_submit_case(
            actor, kind=kind, channel=Channel.RECEPTION, category=category, title=title.strip(),
            description=raised.strip(), commune=organization.commune,
            submitter_name=visitor["visitor_name"], submitter_phone=visitor["visitor_phone"],
            submitter_address=visitor["visitor_address"], people_count=group_size,
            organization=organization, received_on=reception.held_on,
        )  # fmt: skip
    sealed_identity = ""
    if kind == Kind.DENUNCIATION:
        # Taken in, the identity went into the case's sealed record; guided, it is sealed
        # with the visit. None of it stays in the log.
        visitor, sealed = _seal_denouncer(visitor)
        sealed_identity = "" if create_case else sealed
        id_number = ""
    visit = Visit.objects.create(
        reception=reception, **visitor, id_number=_sealed_id_number(id_number),
        sealed_identity=sealed_identity, group_size=group_size, kind=kind or "",
        category=category, title=title.strip(), raised=raised.strip(), outcome=outcome,
        note=note.strip(), case=case,
        recorded_by=_user_or_none(actor),
    )  # fmt: skip
    record(actor, "reception.visit", visit, reception=reception.pk, outcome=outcome,
           case=case.pk if case else None, group_size=group_size)  # fmt: skip
    return visit


@transaction.atomic
def do_refuse_reception(
    actor, reception: Reception, *, reason: RefusalOfReception | None, visitor_name: str = "",
    visitor_phone: str = "", visitor_address: str = "", id_number: str = "",
    group_size: int = 1, raised: str = "", note: str = "", kind: str = "",
) -> Visit:  # fmt: skip
    """Refuse to receive someone, for a reason the law allows; no case is made. A denouncer's
    identity is sealed with the visit."""
    _refuse_on_first(visit_problems(
        outcome=Outcome.REFUSED, kind=kind, refusal=reason, id_number=id_number,
        group_size=group_size,
    ))  # fmt: skip
    visitor = {
        "visitor_name": visitor_name.strip(),
        "visitor_phone": visitor_phone.strip(),
        "visitor_address": visitor_address.strip(),
    }
    sealed_identity = ""
    if kind == Kind.DENUNCIATION:
        visitor, sealed_identity = _seal_denouncer(visitor)
        id_number = ""
    visit = Visit.objects.create(
        reception=reception, **visitor, id_number=_sealed_id_number(id_number),
        sealed_identity=sealed_identity, group_size=group_size, kind=kind,
        raised=raised.strip(), outcome=Outcome.REFUSED, refusal=reason, note=note.strip(),
        recorded_by=_user_or_none(actor),
    )  # fmt: skip
    record(actor, "reception.refuse", visit, reception=reception.pk,
           reason=reason.code if reason else None, group_size=group_size)  # fmt: skip
    return visit


def _user_or_none(actor) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None
