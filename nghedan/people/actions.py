"""Every change to organizations, people, memberships and tokens.

Each is one transaction with one audit entry."""

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nghedan.api.idempotency import forget_answers_of
from nghedan.audit.chain import record
from nghedan.lib.refusal import Refused
from nghedan.people.models import (
    ApiToken,
    Membership,
    Organization,
    Role,
    SupervisionLink,
    User,
)

TOKEN_PREFIX = "nd_"


def _place_fields(organization: Organization) -> dict:
    return {
        "name": organization.name,
        "code": organization.code,
        "kind": organization.kind,
        "parent": organization.parent_id,
        "province": organization.province_id,
        "commune": organization.commune_id,
        "assigns_in_turn": organization.assigns_in_turn,
    }


@transaction.atomic
def do_create_organization(
    actor, *, name, code, kind, parent=None, province=None, commune=None, assigns_in_turn=False
) -> Organization:
    if Organization.objects.filter(code=code).exists():
        raise Refused("code_taken", _("Mã tổ chức này đã được dùng; hãy chọn mã khác."), "code")
    if commune is not None and province is None:
        province = commune.province
    organization = Organization.objects.create(
        name=name,
        code=code,
        kind=kind,
        parent=parent,
        province=province,
        commune=commune,
        assigns_in_turn=assigns_in_turn,
        path="/",
    )
    organization.path = f"{parent.path if parent else '/'}{organization.pk}/"
    organization.save(update_fields=["path"])
    record(actor, "organization.create", organization, **_place_fields(organization))
    return organization


@transaction.atomic
def do_update_organization(actor, organization: Organization, **fields) -> Organization:
    new_parent = fields.pop("parent", organization.parent)
    code = fields.get("code", organization.code)
    if Organization.objects.filter(code=code).exclude(pk=organization.pk).exists():
        raise Refused("code_taken", _("Mã tổ chức này đã được dùng; hãy chọn mã khác."), "code")
    before = _place_fields(organization)
    for name, value in fields.items():
        setattr(organization, name, value)
    if fields.get("commune") is not None and not fields.get("province"):
        organization.province = fields["commune"].province
    if new_parent != organization.parent:
        _move(organization, new_parent)
    organization.save()
    after = _place_fields(organization)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    record(actor, "organization.update", organization, changed=changed)
    return organization


def _move(organization: Organization, new_parent: Organization | None) -> None:
    if new_parent is not None and new_parent.path.startswith(organization.path):
        raise Refused(
            "parent_cycle",
            _("Không thể đặt tổ chức trực thuộc chính nó hoặc một đơn vị cấp dưới của nó."),
            "parent",
        )
    old_path = organization.path
    new_path = f"{new_parent.path if new_parent else '/'}{organization.pk}/"
    # Rewrite the prefix of every descendant in one statement.
    Organization.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
    )
    organization.parent = new_parent
    organization.path = new_path


def _would_lock_out(actor, memberships) -> bool:
    """True when removing these memberships leaves the actor administering nothing."""
    if not isinstance(actor, User) or actor.is_superuser:
        return False
    own_admin = Membership.objects.filter(user=actor, role=Role.ADMIN, organization__is_active=True)
    return own_admin.exists() and not own_admin.exclude(pk__in=memberships).exists()


LOCK_OUT_MESSAGE = gettext_noop(
    "Thao tác này sẽ làm bạn mất quyền quản trị của chính mình. "
    "Hãy nhờ một quản trị viên cấp trên thực hiện."
)


@transaction.atomic
def do_set_organization_active(actor, organization: Organization, active: bool) -> None:
    held_inside = Membership.objects.filter(organization__path__startswith=organization.path)
    if not active and _would_lock_out(actor, held_inside.values("pk")):
        raise Refused("self_lock_out", _(LOCK_OUT_MESSAGE))
    organization.is_active = active
    organization.save(update_fields=["is_active", "updated_at"])
    record(actor, "organization.activate" if active else "organization.deactivate", organization)


@transaction.atomic
def do_link_supervision(
    actor, supervisor: Organization, supervised: Organization
) -> SupervisionLink:
    if supervisor == supervised:
        raise Refused(
            "self_supervision", _("Một tổ chức không thể tự giám sát chính mình."), "supervised"
        )
    link, created = SupervisionLink.objects.get_or_create(
        supervisor=supervisor, supervised=supervised
    )
    if not created:
        raise Refused("link_exists", _("Quan hệ giám sát này đã có."), "supervised")
    record(actor, "supervision.link", supervisor, supervised=supervised.pk)
    return link


@transaction.atomic
def do_unlink_supervision(actor, link: SupervisionLink) -> None:
    record(actor, "supervision.unlink", link.supervisor, supervised=link.supervised_id)
    SupervisionLink.objects.filter(pk=link.pk).delete()


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise Refused("weak_password", " ".join(error.messages), "password") from None


@transaction.atomic
def do_create_person(actor, *, username, full_name, email="", phone="", password=None) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise Refused(
            "username_taken",
            _("Tên đăng nhập này đã có người dùng; hãy chọn tên khác."),
            "username",
        )
    if email and User.objects.filter(email__iexact=email).exists():
        raise Refused(
            "email_taken", _("Địa chỉ e-mail này đã gắn với một tài khoản khác."), "email"
        )
    person = User(username=username, full_name=full_name, email=email, phone=phone)
    if password:
        _check_password(password, person)
        person.set_password(password)
    else:
        # The person chooses their own password through the reset link sent by e-mail.
        person.set_unusable_password()
    try:
        person.save()
    except IntegrityError:
        raise Refused(
            "username_taken", _("Tên đăng nhập này đã có người dùng."), "username"
        ) from None
    record(actor, "person.create", person, username=username)
    return person


@transaction.atomic
def do_update_person(actor, person: User, *, full_name, email, phone) -> User:
    if email and User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise Refused(
            "email_taken", _("Địa chỉ e-mail này đã gắn với một tài khoản khác."), "email"
        )
    changed = {
        name: [getattr(person, name), value]
        for name, value in {"full_name": full_name, "email": email, "phone": phone}.items()
        if getattr(person, name) != value
    }
    person.full_name, person.email, person.phone = full_name, email, phone
    person.save(update_fields=["full_name", "email", "phone", "updated_at"])
    record(actor, "person.update", person, changed=sorted(changed))
    return person


@transaction.atomic
def do_set_person_active(actor, person: User, active: bool) -> None:
    if person == actor and not active:
        raise Refused("self_deactivate", _("Bạn không thể tự khóa tài khoản của mình."))
    person.is_active = active
    person.save(update_fields=["is_active", "updated_at"])
    if not active:
        forget_answers_of(person)
    record(actor, "person.activate" if active else "person.deactivate", person)


@transaction.atomic
def do_add_membership(
    actor, person: User, organization: Organization, role: str, title: str = ""
) -> Membership:
    if Membership.objects.filter(user=person, organization=organization, role=role).exists():
        raise Refused(
            "membership_exists", _("Người này đã có vai trò này tại tổ chức này."), "role"
        )
    membership = Membership.objects.create(
        user=person, organization=organization, role=role, title=title
    )
    record(actor, "membership.add", person, organization=organization.pk, role=role)
    return membership


@transaction.atomic
def do_remove_membership(actor, membership: Membership) -> None:
    if _would_lock_out(actor, [membership.pk]):
        raise Refused("self_lock_out", _(LOCK_OUT_MESSAGE))
    record(
        actor,
        "membership.remove",
        membership.user,
        organization=membership.organization_id,
        role=membership.role,
    )
    Membership.objects.filter(pk=membership.pk).delete()
    forget_answers_of(membership.user)


@transaction.atomic
def do_change_password(actor: User, new_password: str) -> None:
    _check_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password", "updated_at"])
    record(actor, "person.password_change", actor)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_issue_api_token(actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor's own tools. The raw key is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=raw[:10], key_hash=hash_token(raw)
    )
    record(actor, "api_token.issue", token, name=name)
    return token, raw


@transaction.atomic
def do_revoke_api_token(actor: User, token: ApiToken) -> None:
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise Refused("token_revoked", _("Mã truy cập này đã bị thu hồi trước đó."))
    record(actor, "api_token.revoke", token)
