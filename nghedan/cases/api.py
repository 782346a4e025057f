"""The JSON API for cases: the officers' queue, one case with its deadlines and timeline, staff
intake, and every step of the handling.

Fetches go through `access`, changes through `actions`. A denouncer's identity never appears
here: not in lists, not in a case, not on its timeline; a submitter's contact is shown only
for cases that are not denunciations.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator

from nghedan.api.pagination import LimitOffset
from nghedan.api.schemas import AS_MEANT, MAX_ID, InputSchema, RecordId, text_limits
from nghedan.cases import actions
from nghedan.cases.access import (
    cases_for_user,
    get_case_for_user,
    handled_organizations,
    may_handle,
)
from nghedan.cases.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    Category,
    DeadlineRule,
    Kind,
    RefusalReason,
    is_phone,
)
from nghedan.cases.public_forms import COMMENT_MAX, CONTENT_MAX, NOTE_MAX, PEOPLE_COUNT_MAX
from nghedan.lib.refusal import Refused
from nghedan.people.models import Membership, Organization, User
from nghedan.places import gazetteer
from nghedan.places.models import Commune

router = Router(tags=["vụ việc"])

Status = Case.Status
Condition = DeadlineRule.Condition
# Channels an officer records by hand; the web form and Open311 have their own doors.
IntakeChannel = Literal[
    "hotline", "reception", "letter", "dialogue", "voter_meeting", "press", "grassroots", "api"
]
SHOWN_CANDIDATES = 10


Title = Annotated[str, text_limits(200), AS_MEANT]
LongText = Annotated[str, text_limits(CONTENT_MAX), AS_MEANT]
OptionalText = Annotated[str, text_limits(NOTE_MAX, min_length=0), AS_MEANT]
Address = Annotated[str, text_limits(300, min_length=0), AS_MEANT]
CategoryCode = Annotated[str, text_limits(40), AS_MEANT]


def _place_code(value: str) -> str:
    if not re.fullmatch(r"[0-9]{5}", value):
        raise ValueError("Mã xã, phường gồm 5 chữ số, ví dụ 26740 (Phường Sài Gòn).")
    return value


def _phone(value: str) -> str:
    if value and not is_phone(value):
        raise ValueError("Số điện thoại gồm 9–15 chữ số, ví dụ 0909 123 456.")
    return value


def _not_in_future(value: date) -> date:
    if value > timezone.localdate():
        raise ValueError("Ngày nhận đơn không thể sau hôm nay; bỏ trống nếu nhận hôm nay.")
    return value


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("Địa chỉ e-mail chưa đúng, ví dụ đúng: ten@example.vn.") from None
    return value


PlaceCode = Annotated[str, text_limits(5), AS_MEANT, AfterValidator(_place_code)]
Name = Annotated[str, text_limits(150, min_length=0), AS_MEANT]
Phone = Annotated[str, text_limits(20, min_length=0), AS_MEANT, AfterValidator(_phone)]
Email = Annotated[str, text_limits(254, min_length=0), AS_MEANT, AfterValidator(_email)]
ReceivedOn = Annotated[date, AfterValidator(_not_in_future)]


# Input


class CaseCreate(InputSchema):
    kind: Kind
    channel: IntakeChannel = Field(description="Kênh tiếp nhận, ví dụ hotline (đường dây nóng).")
    category: CategoryCode = Field(description="Mã lĩnh vực, xem GET /api/v1/cases/categories.")
    title: Title
    description: LongText
    commune: PlaceCode | None = Field(
        None, description="Mã xã, phường nơi xảy ra (5 chữ số); bỏ trống để tra theo địa chỉ."
    )
    address: Address = Field("", description="Địa chỉ nơi xảy ra, tên cũ hay mới đều được.")
    submitter_name: Name = ""
    submitter_phone: Phone = ""
    submitter_email: Email = ""
    submitter_address: Address = ""
    is_anonymous: bool = False
    people_count: int = Field(1, ge=1, le=PEOPLE_COUNT_MAX)
    received_on: ReceivedOn | None = Field(
        None,
        description="Ngày cơ quan nhận đơn (YYYY-MM-DD) khi ghi nhận sau ngày đó, ví dụ đơn thư "
        "đến hôm trước; thời hạn tính từ ngày này. Bỏ trống là hôm nay.",
    )


class ClassifyIn(InputSchema):
    """Fields left out keep their present value."""

    kind: Kind | None = None
    category: CategoryCode | None = None
    condition: Condition | None = None
    people_count: int | None = Field(None, ge=1, le=PEOPLE_COUNT_MAX)
    reason: OptionalText = Field("", description="Bắt buộc khi phân loại lại.")


class RefuseIn(InputSchema):
    reason: Annotated[str, text_limits(60), AS_MEANT] = Field(
        description="Mã lý do không thụ lý theo luật."
    )
    note: OptionalText = ""


class ForwardIn(InputSchema):
    organization: RecordId = Field(description="id của cơ quan có thẩm quyền")
    note: OptionalText = ""


class AssignIn(InputSchema):
    assignee: RecordId | None = Field(
        None,
        description="id của cán bộ xử lý thuộc cơ quan đang giữ vụ việc; bỏ trống để giao "
        "lần lượt cho cán bộ xử lý đang có ít vụ việc mở nhất.",
    )


class ResolveIn(InputSchema):
    answer: LongText
    published_answer: Annotated[str, text_limits(CONTENT_MAX, min_length=0), AS_MEANT] = Field(
        "", description="Nội dung công khai; bỏ trống thì dùng nội dung trả lời."
    )


class ReasonIn(InputSchema):
    reason: Annotated[str, text_limits(NOTE_MAX), AS_MEANT]


class ExtendIn(ReasonIn):
    seen_extensions: int | None = Field(
        None, ge=0, le=100,
        description="Số lần gia hạn của thời hạn giải quyết mà người gọi đã thấy (trường "
        "`extensions` trong `deadlines`). Nếu người khác đã gia hạn sau đó, yêu cầu bị từ chối "
        "(409) thay vì dùng thêm một lần gia hạn. / The extensions the caller saw: if another "
        "officer extended meanwhile, 409 instead of a second extension.",
    )  # fmt: skip


class WithdrawIn(InputSchema):
    reason: OptionalText = ""


class CommentIn(InputSchema):
    note: Annotated[str, text_limits(COMMENT_MAX), AS_MEANT]


# Output


class CategoryOut(Schema):
    code: str = Field(examples=["environment"])
    name: str = Field(examples=["Môi trường, vệ sinh"])
    description: str
    parent: str | None = Field(description="Mã lĩnh vực cha, nếu là lĩnh vực con.")

    @staticmethod
    def resolve_parent(obj: Category) -> str | None:
        return obj.parent.code if obj.parent else None


class CategoryRef(Schema):
    code: str
    name: str


class CommuneRef(Schema):
    code: str
    name: str


class OrganizationRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    full_name: str

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return str(obj)


class CaseOut(Schema):
    id: int
    code: str = Field(examples=["7K3M-Q9XA"])
    kind: Kind
    kind_label: str
    channel: str
    channel_label: str
    status: Status
    status_label: str
    category: CategoryRef
    title: str
    commune: CommuneRef | None
    organization: OrganizationRef
    assignee: PersonRef | None
    received_at: datetime
    updated_at: datetime
    due_on: date | None = Field(description="Hạn của bước đang chạy, nếu có.")
    overdue: bool

    @staticmethod
    def resolve_kind_label(obj: Case) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_channel_label(obj: Case) -> str:
        return obj.get_channel_display()

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_due_on(obj: Case) -> date | None:
        running = _running_deadline(obj)
        return running.due_on if running else None

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        running = _running_deadline(obj)
        return running is not None and running.due_on < timezone.localdate()


class SubmitterOut(Schema):
    name: str
    phone: str
    email: str
    address: str


class RefusalReasonOut(Schema):
    code: str
    text: str
    legal_reference: str


class DeadlineOut(Schema):
    stage: str
    stage_label: str
    starts_on: date
    due_on: date
    met_on: date | None
    extensions: int
    max_extensions: int
    legal_reference: str
    overdue: bool

    @staticmethod
    def resolve_stage_label(obj: CaseDeadline) -> str:
        return obj.get_stage_display()

    @staticmethod
    def resolve_max_extensions(obj: CaseDeadline) -> int:
        return obj.rule.max_extensions

    @staticmethod
    def resolve_legal_reference(obj: CaseDeadline) -> str:
        return obj.rule.legal_reference

    @staticmethod
    def resolve_overdue(obj: CaseDeadline) -> bool:
        finished = obj.met_on or timezone.localdate()
        return finished > obj.due_on


class EventOut(Schema):
    at: datetime
    action: str
    actor: PersonRef | None = Field(description="Cán bộ thực hiện; trống nếu không phải cán bộ.")
    note: str
    public: bool = Field(description="Có hiện trên trang tra cứu của người dân hay không.")


class LinkedCaseOut(Schema):
    code: str
    organization: str

    @staticmethod
    def resolve_organization(obj: Case) -> str:
        return obj.organization.name


class CaseDetailOut(CaseOut):
    description: str
    address: str
    instance: int
    condition: str
    condition_label: str
    people_count: int
    is_anonymous: bool
    submitter: SubmitterOut | None = Field(
        description="Người gửi; luôn trống với tố cáo (danh tính người tố cáo được bảo mật)."
    )
    refusal_reason: RefusalReasonOut | None
    answer: str
    published_answer: str
    resolved_at: datetime | None
    closed_at: datetime | None
    first_instance: str | None = Field(description="Mã khiếu nại lần đầu, với khiếu nại lần hai.")
    forwarded_from: LinkedCaseOut | None
    forwarded_to: list[LinkedCaseOut]
    deadlines: list[DeadlineOut]
    timeline: list[EventOut]
    may_act: bool = Field(description="Người gọi có được xử lý vụ việc này không.")

    @staticmethod
    def resolve_condition_label(obj: Case) -> str:
        return obj.get_condition_display()

    @staticmethod
    def resolve_submitter(obj: Case) -> dict | None:
        if obj.kind == Kind.DENUNCIATION:
            return None
        return {
            "name": obj.submitter_name,
            "phone": obj.submitter_phone,
            "email": obj.submitter_email,
            "address": obj.submitter_address,
        }

    @staticmethod
    def resolve_first_instance(obj: Case) -> str | None:
        return obj.first_instance.code if obj.first_instance else None

    @staticmethod
    def resolve_forwarded_to(obj: Case) -> list[Case]:
        return list(obj.forwarded_to.all())

    @staticmethod
    def resolve_deadlines(obj: Case) -> list[CaseDeadline]:
        return list(obj.deadlines.all())


# Helpers


def _running_deadline(case: Case) -> CaseDeadline | None:
    """The deadline of the stage now running: the open one due last."""
    running = [deadline for deadline in case.deadlines.all() if deadline.met_on is None]
    return max(running, key=lambda deadline: deadline.due_on, default=None)


def _timeline(case: Case) -> list[dict]:
    """Every line of the timeline. On a denunciation only officers are named: whoever else
    acted (the denouncer signed in on the portal) is left blank."""
    events = list(case.events.all())
    officers: set[int] | None = None
    if case.kind == Kind.DENUNCIATION:
        actor_ids = {event.actor_id for event in events if event.actor_id}
        officers = set(
            Membership.objects.filter(user_id__in=actor_ids).values_list("user_id", flat=True)
        )
    return [
        {
            "at": event.at,
            "action": event.action,
            "actor": event.actor
            if event.actor_id and (officers is None or event.actor_id in officers)
            else None,
            "note": event.note,
            "public": event.public,
        }
        for event in events
    ]


def _with_details(user: User, case: Case) -> Case:
    prefetch_related_objects(
        [case],
        Prefetch("deadlines", queryset=CaseDeadline.objects.select_related("rule")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        Prefetch("forwarded_to", queryset=Case.objects.select_related("organization")),
    )
    for relation in ("refusal_reason", "first_instance", "forwarded_from__organization"):
        prefetch_related_objects([case], relation)
    case.timeline = _timeline(case)  # type: ignore[attr-defined]
    case.may_act = may_handle(user, case)  # type: ignore[attr-defined]
    return case


def _case(user: User, case_id: int, write: bool = False) -> Case:
    return get_case_for_user(user, case_id, write=write)


def _detail(user: User, case_id: int) -> Case:
    return _with_details(user, get_case_for_user(user, case_id))


def _category(code: str, field: str = "category") -> Category:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Refused(
            "unknown_category",
            _("Không có lĩnh vực nào đang dùng mang mã “%(code)s”; xem danh sách tại "
              "GET /api/v1/cases/categories.") % {"code": code[:40]},
            field,
        )  # fmt: skip
    return category


def ambiguous_place_message(address: str, candidates: list[Commune], hint: str = "") -> str:
    """The candidates of an ambiguous address, each with its code, and what to do next."""
    shown = "; ".join(
        f"{commune.name}, {commune.province.name} ({commune.code})"
        for commune in candidates[:SHOWN_CANDIDATES]
    )
    more = len(candidates) - SHOWN_CANDIDATES
    if more > 0:
        shown += _(" và %(count)s nơi khác") % {"count": more}
    hint = hint or _(
        "Hãy ghi thêm quận, huyện cũ hoặc tỉnh, thành phố, hoặc gửi mã xã, phường (trong "
        "ngoặc) trong trường commune."
    )
    return _("Địa chỉ “%(address)s” có thể thuộc nhiều xã, phường: %(candidates)s. %(hint)s") % {
        "address": address[:100], "candidates": shown, "hint": hint
    }  # fmt: skip


def resolve_place(commune_code: str | None, address: str) -> Commune | None:
    """The commune given by its code, else the one the address names; None when the address
    names none (routing then decides); refused when the address could be several."""
    if commune_code:
        commune = Commune.objects.select_related("province").filter(code=commune_code).first()
        if commune is None:
            raise Refused(
                "unknown_commune",
                _("Không có xã, phường, đặc khu nào mang mã này; hãy dùng mã 5 chữ số, "
                  "ví dụ 26740 (Phường Sài Gòn)."),
                "commune",
            )  # fmt: skip
        return commune
    if not address.strip():
        return None
    resolution = gazetteer.resolve(address)
    if resolution.status == gazetteer.AMBIGUOUS:
        raise Refused(
            "ambiguous_place", ambiguous_place_message(address, resolution.candidates), "address"
        )
    return resolution.commune if resolution.status == gazetteer.FOUND else None


# Reading


@router.get("/categories", response=list[CategoryOut], auth=None, summary="Các lĩnh vực")
def list_categories(request):
    """Danh sách lĩnh vực đang dùng, chung cho mọi kênh tiếp nhận và Open311."""
    return Category.objects.filter(is_active=True).select_related("parent")


@router.get("", response=list[CaseOut], summary="Các vụ việc tôi được xem")
@paginate(LimitOffset)
def list_cases(
    request,
    kind: Kind | None = None,
    status: Status | None = None,
    category: str | None = Query(None, description="Mã lĩnh vực, ví dụ environment."),
    commune: str | None = Query(None, description="Mã xã, phường, ví dụ 26740."),
    organization: int | None = Query(None, ge=1, le=MAX_ID, description="id của cơ quan xử lý."),
):
    """Mới nhất trước. Không bao giờ có danh tính người tố cáo."""
    found = cases_for_user(request.auth).select_related(
        "category", "commune", "organization", "assignee"
    )
    if kind is not None:
        found = found.filter(kind=kind)
    if status is not None:
        found = found.filter(status=status)
    if category:
        found = found.filter(category__code=category)
    if commune:
        found = found.filter(commune__code=commune)
    if organization is not None:
        found = found.filter(organization_id=organization)
    return found.prefetch_related(
        Prefetch("deadlines", queryset=CaseDeadline.objects.filter(met_on__isnull=True))
    ).order_by("-received_at", "-pk")


@router.get("/{int:case_id}", response=CaseDetailOut, summary="Một vụ việc")
def get_case(request, case_id: int):
    """Nội dung, thời hạn từng bước và diễn biến. Người gửi chỉ hiện khi không phải tố cáo."""
    return _detail(request.auth, case_id)


# Intake


@router.post("", response={201: CaseDetailOut}, summary="Tiếp nhận một vụ việc (cán bộ)")
def create_case(request, payload: CaseCreate):
    """Cán bộ ghi nhận vụ việc đến qua đường dây nóng, tiếp công dân, thư, …

    Nơi xảy ra: gửi mã xã, phường (`commune`), hoặc chỉ gửi địa chỉ (`address`) để hệ thống
    tra; khi địa chỉ khớp nhiều nơi, lỗi `ambiguous_place` liệt kê các xã, phường có thể.
    """
    user = request.auth
    if not handled_organizations(user).exists():
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận, xử lý mới ghi nhận được vụ việc."))
    case = actions.do_submit_case(
        user,
        kind=payload.kind.value,
        channel=payload.channel,
        category=_category(payload.category),
        title=payload.title,
        description=payload.description,
        commune=resolve_place(payload.commune, payload.address),
        address=payload.address,
        submitter_name=payload.submitter_name,
        submitter_phone=payload.submitter_phone,
        submitter_email=payload.submitter_email,
        submitter_address=payload.submitter_address,
        is_anonymous=payload.is_anonymous,
        people_count=payload.people_count,
        received_on=payload.received_on,
    )
    return _with_details(user, case)


# Handling: each step fetches with write access, then calls its action


def _step(
    request, case_id: int, act: Callable[..., object], *args, write: bool = True, **kwargs
) -> Case:
    """Fetch the case through `access` (for a change unless `write` is False), do
    `act(user, case, *args, **kwargs)`, and answer with the case as it now is. A refused step
    is answered by the API's handler of `Refused`. What must be looked up only once the case
    is known to be the caller's (a reason, an organization) goes in `act` itself."""
    user = request.auth
    act(user, _case(user, case_id, write=write), *args, **kwargs)
    return _detail(user, case_id)


@router.post("/{int:case_id}/classify", response=CaseDetailOut, summary="Phân loại")
def classify_case(request, case_id: int, payload: ClassifyIn):
    def classify(user: User, case: Case) -> Case:
        return actions.do_classify(
            user,
            case,
            kind=payload.kind.value if payload.kind else case.kind,
            category=_category(payload.category) if payload.category else case.category,
            condition=payload.condition.value if payload.condition else case.condition,
            people_count=payload.people_count or case.people_count,
            reason=payload.reason,
        )

    return _step(request, case_id, classify)


@router.post("/{int:case_id}/accept", response=CaseDetailOut, summary="Thụ lý")
def accept_case(request, case_id: int):
    return _step(request, case_id, actions.do_accept)


def _refusal_reason(code: str) -> RefusalReason:
    reason = RefusalReason.objects.filter(code=code, is_active=True).first()
    if reason is None:
        raise Refused(
            "unknown_reason",
            _("Không có lý do không thụ lý nào đang dùng mang mã này; hãy chọn lý do theo luật "
              "phù hợp với loại vụ việc."),
            "reason",
        )  # fmt: skip
    return reason


@router.post("/{int:case_id}/refuse", response=CaseDetailOut, summary="Không thụ lý")
def refuse_case(request, case_id: int, payload: RefuseIn):
    return _step(
        request,
        case_id,
        lambda user, case: actions.do_refuse(
            user, case, _refusal_reason(payload.reason), payload.note
        ),
    )


def _receiving_organization(pk: int) -> Organization:
    organization = Organization.objects.filter(pk=pk, is_active=True).first()
    if organization is None:
        raise Refused(
            "unknown_organization",
            _("Không có cơ quan đang hoạt động nào mang id này; hãy chọn lại cơ quan nhận."),
            "organization",
        )
    return organization


@router.post(
    "/{int:case_id}/forward", response=CaseDetailOut, summary="Chuyển cơ quan có thẩm quyền"
)
def forward_case(request, case_id: int, payload: ForwardIn):
    """Vụ việc đến cơ quan kia thành một vụ việc mới có mã riêng (xem `forwarded_to`)."""
    return _step(
        request,
        case_id,
        lambda user, case: actions.do_forward(
            user, case, _receiving_organization(payload.organization), payload.note
        ),
    )


@router.post("/{int:case_id}/assign", response=CaseDetailOut, summary="Giao cán bộ xử lý")
def assign_case(request, case_id: int, payload: AssignIn):
    def assign(user: User, case: Case) -> Case:
        if payload.assignee is None:
            return actions.do_assign_in_turn(user, case)
        handler = User.objects.filter(pk=payload.assignee, is_active=True).first()
        if handler is None:
            raise Refused(
                "not_a_handler",
                _("Người này không phải cán bộ xử lý của cơ quan đang giữ vụ việc."),
                "assignee",
            )
        return actions.do_assign(user, case, handler)

    return _step(request, case_id, assign)


@router.post("/{int:case_id}/verify", response=CaseDetailOut, summary="Bắt đầu xác minh, xử lý")
def verify_case(request, case_id: int):
    return _step(request, case_id, actions.do_start_verifying)


@router.post("/{int:case_id}/resolve", response=CaseDetailOut, summary="Ghi kết quả giải quyết")
def resolve_case(request, case_id: int, payload: ResolveIn):
    return _step(request, case_id, actions.do_resolve, answer=payload.answer,
                 published_answer=payload.published_answer)  # fmt: skip


@router.post("/{int:case_id}/close", response=CaseDetailOut, summary="Kết thúc")
def close_case(request, case_id: int):
    return _step(request, case_id, actions.do_close)


@router.post("/{int:case_id}/extend", response=CaseDetailOut, summary="Gia hạn giải quyết")
def extend_case(request, case_id: int, payload: ExtendIn):
    return _step(request, case_id, actions.do_extend_deadline, payload.reason,
                 seen_extensions=payload.seen_extensions)  # fmt: skip


@router.post("/{int:case_id}/withdraw", response=CaseDetailOut, summary="Ghi nhận rút đơn")
def withdraw_case(request, case_id: int, payload: WithdrawIn):
    return _step(request, case_id, actions.do_withdraw, payload.reason)


@router.post("/{int:case_id}/comment", response=CaseDetailOut, summary="Ghi ý kiến")
def comment_case(request, case_id: int, payload: CommentIn):
    """Cả cơ quan giám sát (MTTQ, HĐND, Ban Dân vận) cũng ghi được ý kiến."""
    return _step(request, case_id, actions.do_comment, payload.note, write=False)
