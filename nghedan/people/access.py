"""Who sees and changes what: the one place that decides, for organizations and people.

Scope is an organization subtree. A member of an organization works in its subtree; an
organization that supervises another (Ban Dân vận, the Fatherland Front, People's Council)
also sees the supervised subtree. Administrators manage organizations and people in the
subtrees they administer; that role alone gives no view of petitions.
"""

from functools import reduce
from operator import or_

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from typing_extensions import TypeIs

from nghedan.people.models import ApiToken, Membership, Organization, Role, SupervisionLink, User

WORKING_ROLES = frozenset(
    {Role.RECEPTION, Role.HANDLER, Role.SUPERVISOR, Role.LEADER, Role.ANALYST}
)


def is_signed_in(user: User | AnonymousUser) -> TypeIs[User]:
    return bool(user and user.is_authenticated and user.is_active)


def roles_of(user: User | AnonymousUser) -> set[str]:
    if not is_signed_in(user):
        return set()
    cached = getattr(user, "_nghedan_roles", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, organization__is_active=True).values_list(
                "role", flat=True
            )
        )
        user._nghedan_roles = cached  # type: ignore[attr-defined]
    return cached


def is_staff_member(user: User | AnonymousUser) -> bool:
    """An officer: someone with at least one role in an organization."""
    return bool(roles_of(user)) or (is_signed_in(user) and user.is_superuser)


def has_working_role(user: User | AnonymousUser) -> bool:
    """Someone who works on or follows cases (any role but administrator)."""
    return bool(roles_of(user) & WORKING_ROLES)


def is_administrator(user: User | AnonymousUser) -> bool:
    return Role.ADMIN in roles_of(user) or (is_signed_in(user) and user.is_superuser)


def _subtrees(roots: QuerySet[Organization]) -> Q | None:
    paths = set(roots.values_list("path", flat=True))
    if not paths:
        return None
    return reduce(or_, (Q(path__startswith=path) for path in paths))


def _membership_roots(user: User, roles) -> QuerySet[Organization]:
    return Organization.objects.filter(
        is_active=True, memberships__user=user, memberships__role__in=list(roles)
    )


def working_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Where the user works or follows work: own subtrees plus supervised subtrees."""
    if not is_signed_in(user):
        return Organization.objects.none()
    own = _membership_roots(user, WORKING_ROLES)
    supervised = Organization.objects.filter(is_active=True, supervisor_links__supervisor__in=own)
    scope = _subtrees(Organization.objects.filter(Q(pk__in=own) | Q(pk__in=supervised)))
    return Organization.objects.filter(scope) if scope else Organization.objects.none()


def administered_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    if not is_signed_in(user):
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    scope = _subtrees(_membership_roots(user, [Role.ADMIN]))
    return Organization.objects.filter(scope) if scope else Organization.objects.none()


def visible_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    return Organization.objects.filter(
        Q(pk__in=working_organizations(user)) | Q(pk__in=administered_organizations(user))
    )


def get_organization_for_user(
    user: User | AnonymousUser, pk: int, write: bool = False
) -> Organization:
    """The organization if the user may see it (404 otherwise) and, with write, change it (403)."""
    organization = visible_organizations(user).filter(pk=pk).first()
    if organization is None:
        raise Http404("Không tìm thấy tổ chức / Organization not found")
    if write and not administered_organizations(user).filter(pk=pk).exists():
        raise PermissionDenied("Bạn không quản trị tổ chức này / You do not administer it")
    return organization


def people_for_user(user: User | AnonymousUser) -> QuerySet[User]:
    """The people an administrator manages: members of the organizations they administer."""
    if not is_signed_in(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    if not is_administrator(user):
        return User.objects.none()
    return User.objects.filter(
        memberships__organization__in=administered_organizations(user)
    ).distinct()


def may_change_person(user: User | AnonymousUser, person: User) -> bool:
    """Another person's account (e-mail, active state) only when the user administers every
    organization they belong to: a ward administrator must not take over a city officer who
    also works in the ward, and an e-mail change is one password reset away from that."""
    if person.is_superuser and not user.is_superuser:
        return False
    return not person.memberships.exclude(
        organization__in=administered_organizations(user)
    ).exists()


def get_person_for_user(user: User | AnonymousUser, pk: int, write: bool = False) -> User:
    """Another person's account: seen by whoever administers one of their organizations,
    changed only by whoever administers all of them."""
    person = people_for_user(user).filter(pk=pk).first()
    if person is None:
        raise Http404("Không tìm thấy người dùng / Person not found")
    if write and not may_change_person(user, person):
        raise PermissionDenied(
            "Người này còn thuộc tổ chức bạn không quản trị / They also belong elsewhere"
        )
    return person


def get_membership_for_user(user: User | AnonymousUser, pk: int) -> Membership:
    membership = (
        Membership.objects.filter(organization__in=administered_organizations(user), pk=pk)
        .select_related("user", "organization")
        .first()
    )
    if membership is None:
        raise Http404("Không tìm thấy vai trò / Membership not found")
    return membership


def get_supervision_link_for_user(user: User | AnonymousUser, pk: int) -> SupervisionLink:
    """Whoever administers the supervisor decides what it follows."""
    link = (
        SupervisionLink.objects.filter(supervisor__in=administered_organizations(user), pk=pk)
        .select_related("supervisor", "supervised")
        .first()
    )
    if link is None:
        raise Http404("Không tìm thấy quan hệ giám sát / Supervision link not found")
    return link


def get_api_token_for_user(user: User | AnonymousUser, pk: int) -> ApiToken:
    """Only one's own tokens: nobody else's, administrators included."""
    token = ApiToken.objects.filter(user=user, pk=pk).first() if is_signed_in(user) else None
    if token is None:
        raise Http404("Không tìm thấy mã truy cập / Token not found")
    return token
