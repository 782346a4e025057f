"""The JSON API for organizations, people, memberships and API tokens.

Fetches go through `access`, changes through `actions`, as on the administrators' pages;
choices are limited to the organizations the caller administers.
"""

import re
from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator, field_validator

from nghedan.api.auth import session_auth
from nghedan.api.idempotency import secret_response
from nghedan.api.pagination import LimitOffset
from nghedan.api.schemas import AS_MEANT, MAX_ID, InputSchema, RecordId, text_limits
from nghedan.lib.refusal import Refused
from nghedan.people import actions
from nghedan.people.access import (
    administered_organizations,
    get_api_token_for_user,
    get_membership_for_user,
    get_organization_for_user,
    get_person_for_user,
    is_administrator,
    is_staff_member,
    people_for_user,
    visible_organizations,
)
from nghedan.people.management_forms import send_password_email
from nghedan.people.models import ApiToken, Membership, Organization, Role, User
from nghedan.places.models import Commune, Province

router = Router()

NOT_AN_ADMINISTRATOR = "Chỉ quản trị viên của một tổ chức mới làm được việc này."


# Input


def _slug(value: str) -> str:
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", value):
        raise ValueError(
            "Mã chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang (-) và gạch dưới (_), "
            "ví dụ: mttq-phuong-ben-thanh."
        )
    return value.lower()


def _username(value: str) -> str:
    try:
        User.username_validator(value)
    except DjangoValidationError:
        raise ValueError(
            "Tên đăng nhập chỉ gồm chữ cái, chữ số và các dấu @ . + - _ (không khoảng trắng)."
        ) from None
    return value


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("Địa chỉ e-mail chưa đúng, ví dụ đúng: ten@example.vn.") from None
    return value


def _phone(value: str) -> str:
    if value and not re.fullmatch(r"\+?[0-9 .]{9,15}", value):
        raise ValueError("Số điện thoại gồm 9–15 chữ số, ví dụ 0909 123 456.")
    return value


OrganizationName = Annotated[str, text_limits(200), AS_MEANT]
OrganizationCode = Annotated[str, text_limits(80), AS_MEANT, AfterValidator(_slug)]
PlaceCode = Annotated[str, text_limits(5), AS_MEANT]
FullName = Annotated[str, text_limits(150), AS_MEANT]
Username = Annotated[str, text_limits(150), AS_MEANT, AfterValidator(_username)]
Email = Annotated[str, text_limits(254, min_length=0), AS_MEANT, AfterValidator(_email)]
Phone = Annotated[str, text_limits(20, min_length=0), AS_MEANT, AfterValidator(_phone)]
Title = Annotated[str, text_limits(150, min_length=0), AS_MEANT]
TokenName = Annotated[str, text_limits(100), AS_MEANT]


class OrganizationCreate(InputSchema):
    name: OrganizationName
    code: OrganizationCode = Field(description="Mã duy nhất, dạng slug: mttq-phuong-ben-thanh")
    kind: Organization.Kind
    parent: RecordId | None = Field(None, description="id của tổ chức cấp trên mà bạn quản trị")
    province: PlaceCode | None = Field(None, description="Mã tỉnh, thành (2 chữ số)")
    commune: PlaceCode | None = Field(None, description="Mã xã, phường, đặc khu (5 chữ số)")


class OrganizationUpdate(InputSchema):
    """Only the fields sent are changed."""

    name: OrganizationName | None = None
    code: OrganizationCode | None = None
    kind: Organization.Kind | None = None
    parent: RecordId | None = None
    province: PlaceCode | None = None
    commune: PlaceCode | None = None
    is_active: bool | None = None

    @field_validator("name", "code", "kind", "is_active")
    @classmethod
    def not_null(cls, value):
        if value is None:
            raise ValueError("Trường này không được để trống; bỏ hẳn trường nếu không muốn đổi.")
        return value


class MembershipCreate(InputSchema):
    organization: int = Field(description="id của tổ chức mà bạn quản trị")
    role: Role
    title: Title = ""


class PersonCreate(MembershipCreate):
    username: Username
    full_name: FullName
    email: Email = Field("", description="Thư đặt mật khẩu được gửi đến địa chỉ này.")
    phone: Phone = ""


class TokenCreate(InputSchema):
    name: TokenName = Field(description="Tên gợi nhớ, ví dụ: công cụ nhập đơn thư")


# Output


class OrganizationBrief(Schema):
    id: int
    name: str
    code: str
    kind: Organization.Kind
    is_active: bool


class OrganizationOut(OrganizationBrief):
    kind_label: str
    parent: int | None
    province: str | None = Field(description="Mã tỉnh, thành")
    commune: str | None = Field(description="Mã xã, phường, đặc khu")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent(obj: Organization) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_province(obj: Organization) -> str | None:
        return obj.province.code if obj.province else None

    @staticmethod
    def resolve_commune(obj: Organization) -> str | None:
        return obj.commune.code if obj.commune else None


class MembershipOut(Schema):
    id: int
    role: Role
    role_label: str
    title: str
    organization: OrganizationBrief
    created_at: datetime

    @staticmethod
    def resolve_role_label(obj: Membership) -> str:
        return obj.get_role_display()


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    is_superuser: bool
    is_administrator: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_is_administrator(obj: User) -> bool:
        return is_administrator(obj)

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return list(obj.memberships.select_related("organization"))


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    is_active: bool
    created_at: datetime
    memberships: list[MembershipOut] = Field(
        description="Các vai trò của người này tại những tổ chức bạn quản trị"
    )

    @staticmethod
    def resolve_memberships(obj: User) -> list[Membership]:
        return obj.managed_memberships  # type: ignore[attr-defined]


class PersonCreatedOut(PersonOut):
    password_email_sent: bool = Field(
        description="Đã gửi thư đặt mật khẩu (false khi người này chưa có e-mail)"
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssuedOut(TokenOut):
    token: str = Field(description="Mã truy cập: chỉ hiện một lần, hãy lưu lại ngay")


# Choices the caller may make


def _require_administrator(user: User) -> None:
    if not is_administrator(user):
        raise PermissionDenied(NOT_AN_ADMINISTRATOR)


def _administered(user: User, pk: int, field: str) -> Organization:
    """An active organization the user administers, as the target of a change."""
    organization = administered_organizations(user).filter(is_active=True, pk=pk).first()
    if organization is None:
        raise Refused(
            "organization_not_administered",
            "Hãy chọn một tổ chức đang hoạt động mà bạn quản trị.",
            field,
            status=403,
        )
    return organization


def _parent(user: User, parent_id: int | None, organization: Organization | None = None):
    """The parent to create or move under. Only a superuser makes a new top of the tree."""
    if organization is not None and parent_id == organization.parent_id:
        return organization.parent  # keeping the present parent, even one above the user
    if parent_id is None:
        if user.is_superuser:
            return None
        raise Refused(
            "parent_required",
            "Hãy chọn tổ chức cấp trên (parent) là một tổ chức mà bạn quản trị.",
            "parent",
        )
    return _administered(user, parent_id, "parent")


def _province(code: str | None) -> Province | None:
    if code is None:
        return None
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise Refused(
            "unknown_province",
            "Không có tỉnh, thành nào mang mã này; hãy dùng mã 2 chữ số, ví dụ 79.",
            "province",
        )
    return province


def _commune(code: str | None, province: Province | None) -> Commune | None:
    if code is None:
        return None
    commune = Commune.objects.select_related("province").filter(code=code).first()
    if commune is None:
        raise Refused(
            "unknown_commune",
            "Không có xã, phường, đặc khu nào mang mã này; hãy dùng mã 5 chữ số.",
            "commune",
        )
    if province is not None and commune.province_id != province.pk:
        raise Refused(
            "commune_outside_province", "Xã, phường này không thuộc tỉnh, thành đã chọn.", "commune"
        )
    return commune


def _managed_memberships(user: User):
    return Membership.objects.filter(
        organization__in=administered_organizations(user)
    ).select_related("organization")


# The caller


@router.get("/me", response=MeOut, summary="Tài khoản của tôi và các vai trò")
def me(request):
    return request.auth


# Organizations


@router.get("/organizations", response=list[OrganizationOut], summary="Các tổ chức tôi được xem")
@paginate(LimitOffset)
def list_organizations(
    request,
    kind: Organization.Kind | None = None,
    parent: int | None = Query(None, ge=1, le=MAX_ID),
):
    found = visible_organizations(request.auth).select_related("province", "commune")
    if kind is not None:
        found = found.filter(kind=kind)
    if parent is not None:
        found = found.filter(parent_id=parent)
    return found


@router.get("/organizations/{organization_id}", response=OrganizationOut, summary="Một tổ chức")
def get_organization(request, organization_id: int):
    return get_organization_for_user(request.auth, organization_id)


@router.post(
    "/organizations", response={201: OrganizationOut}, summary="Tạo tổ chức (quản trị viên)"
)
def create_organization(request, payload: OrganizationCreate):
    user = request.auth
    _require_administrator(user)
    province = _province(payload.province)
    return actions.do_create_organization(
        user,
        name=payload.name,
        code=payload.code,
        kind=payload.kind.value,
        parent=_parent(user, payload.parent),
        province=province,
        commune=_commune(payload.commune, province),
    )


@router.patch("/organizations/{organization_id}", response=OrganizationOut, summary="Sửa tổ chức")
def update_organization(request, organization_id: int, payload: OrganizationUpdate):
    user = request.auth
    organization = get_organization_for_user(user, organization_id, write=True)
    sent = payload.dict(exclude_unset=True)
    is_active = sent.pop("is_active", None)
    changes: dict[str, Any] = {name: sent[name] for name in ("name", "code") if name in sent}
    if "kind" in sent:
        changes["kind"] = sent["kind"].value
    if "parent" in sent:
        changes["parent"] = _parent(user, sent["parent"], organization)
    if "province" in sent:
        changes["province"] = _province(sent["province"])
    if "commune" in sent:
        province = changes.get("province", organization.province)
        changes["commune"] = _commune(sent["commune"], province)
    with transaction.atomic():
        if changes:
            actions.do_update_organization(user, organization, **changes)
        if is_active is not None and is_active != organization.is_active:
            actions.do_set_organization_active(user, organization, is_active)
    return organization


# People and their roles


@router.get("/people", response=list[PersonOut], summary="Những người tôi quản trị")
@paginate(LimitOffset)
def list_people(request):
    user = request.auth
    _require_administrator(user)
    return people_for_user(user).prefetch_related(
        Prefetch("memberships", queryset=_managed_memberships(user), to_attr="managed_memberships")
    )


def _with_managed_memberships(user: User, person: User) -> User:
    person.managed_memberships = list(  # type: ignore[attr-defined]
        _managed_memberships(user).filter(user=person)
    )
    return person


@router.get("/people/{person_id}", response=PersonOut, summary="Một người tôi quản trị")
def get_person(request, person_id: int):
    user = request.auth
    _require_administrator(user)
    return _with_managed_memberships(user, get_person_for_user(user, person_id))


@router.post(
    "/people",
    response={201: PersonCreatedOut},
    summary="Tạo tài khoản cùng vai trò đầu tiên (quản trị viên)",
    description="Người được tạo tự đặt mật khẩu qua thư gửi đến e-mail của họ.",
)
def create_person(request, payload: PersonCreate):
    user = request.auth
    _require_administrator(user)
    organization = _administered(user, payload.organization, "organization")
    with transaction.atomic():  # both the account and its role, or neither
        person = actions.do_create_person(
            user,
            username=payload.username,
            full_name=payload.full_name,
            email=payload.email,
            phone=payload.phone,
        )
        actions.do_add_membership(user, person, organization, payload.role.value, payload.title)
    person.password_email_sent = send_password_email(request, person)  # type: ignore[attr-defined]
    return _with_managed_memberships(user, person)


@router.post(
    "/people/{person_id}/memberships",
    response={201: MembershipOut},
    summary="Thêm vai trò cho một người",
)
def add_membership(request, person_id: int, payload: MembershipCreate):
    user = request.auth
    _require_administrator(user)
    person = get_person_for_user(user, person_id, write=True)
    organization = _administered(user, payload.organization, "organization")
    return actions.do_add_membership(user, person, organization, payload.role.value, payload.title)


@router.delete("/memberships/{membership_id}", response={204: None}, summary="Bỏ một vai trò")
def remove_membership(request, membership_id: int):
    user = request.auth
    actions.do_remove_membership(user, get_membership_for_user(user, membership_id))


# API tokens: each person manages their own


@router.get("/tokens", response=list[TokenOut], summary="Các mã truy cập API của tôi")
def list_tokens(request):
    return ApiToken.objects.filter(user=request.auth)


@router.post(
    "/tokens",
    response={201: TokenIssuedOut},
    # A token cannot mint more tokens: a leaked one must not outlive its revocation.
    auth=session_auth,
    summary="Cấp mã truy cập API cho tôi",
    description="Chỉ dùng được từ phiên đăng nhập. Mã chỉ hiện một lần trong kết quả này.",
)
@secret_response
def issue_token(request, payload: TokenCreate):
    user = request.auth
    if not is_staff_member(user):
        raise PermissionDenied("Chỉ cán bộ có vai trò trong một tổ chức mới được cấp mã.")
    token, raw = actions.do_issue_api_token(user, payload.name)
    token.token = raw  # type: ignore[attr-defined]
    return token


@router.delete("/tokens/{token_id}", response={204: None}, summary="Thu hồi mã truy cập của tôi")
def revoke_token(request, token_id: int):
    user = request.auth
    actions.do_revoke_api_token(user, get_api_token_for_user(user, token_id))
