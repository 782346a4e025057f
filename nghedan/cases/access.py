"""Who sees and changes which case, and who may read a denouncer's identity.

Officers see the cases of the organizations they work in and of those their organizations
supervise; they change only cases of their own organizations' subtrees, and supervisors
(who follow but do not resolve) change none. Administrators see no case by that role alone.
A denouncer's identity is read only by the handler assigned to the case, and every read is
written to the audit log.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from nghedan.audit.chain import record
from nghedan.cases.models import Case, Kind
from nghedan.lib import crypto
from nghedan.people.access import is_signed_in, working_organizations
from nghedan.people.models import Membership, Organization, Role, User

HANDLING_ROLES = (Role.RECEPTION, Role.HANDLER, Role.LEADER)


def cases_for_user(user: User | AnonymousUser) -> QuerySet[Case]:
    return Case.objects.filter(organization__in=working_organizations(user))


def handled_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    """The subtrees where the user handles cases (not those they only supervise)."""
    if not is_signed_in(user):
        return Organization.objects.none()
    roots = Membership.objects.filter(user=user, role__in=HANDLING_ROLES).values_list(
        "organization__path", flat=True
    )
    organizations = Organization.objects.none()
    for path in roots:
        organizations |= Organization.objects.filter(path__startswith=path)
    return organizations


def may_handle(user: User | AnonymousUser, case: Case) -> bool:
    return handled_organizations(user).filter(pk=case.organization_id).exists()


def get_case_for_user(user: User | AnonymousUser, pk: int, write: bool = False) -> Case:
    case = (
        cases_for_user(user)
        .select_related("category", "commune__province", "organization", "assignee")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("Không tìm thấy vụ việc / Case not found")
    if write and not may_handle(user, case):
        raise PermissionDenied("Bạn chỉ được theo dõi vụ việc này / You may only follow this case")
    return case


def cases_sent_by(user: User | AnonymousUser) -> QuerySet[Case]:
    """A citizen's own cases (a denunciation is never linked to an account)."""
    if not is_signed_in(user):
        return Case.objects.none()
    return (
        Case.objects.filter(submitted_by=user)
        .select_related("category")
        .only("code", "kind", "status", "title", "received_at", "category__name")
        .order_by("-received_at", "-pk")
    )


PUBLIC_KINDS = (Kind.FEEDBACK, Kind.RECOMMENDATION)


def public_cases() -> QuerySet[Case]:
    """What public feeds (Open311) list: feedback and recommendations only; complaints and
    denunciations concern named people and are never listed."""
    return Case.objects.filter(kind__in=PUBLIC_KINDS)


def get_public_case(code: str) -> Case:
    """The citizen's view, by code: what the tracking page may show, nothing personal."""
    case = (
        Case.objects.select_related("category", "commune", "organization")
        .filter(code=code.strip().upper())
        .first()
    )
    if case is None:
        raise Http404("Không tìm thấy mã số / Code not found")
    return case


def may_read_identity(user: User | AnonymousUser, case: Case) -> bool:
    return is_signed_in(user) and case.assignee_id == user.pk and may_handle(user, case)


def read_identity(user: User | AnonymousUser, case: Case) -> dict:
    """The denouncer's identity, for the assigned handler only; every read is audited."""
    if not may_read_identity(user, case):
        raise PermissionDenied("Chỉ cán bộ được giao xử lý mới xem được danh tính người tố cáo")
    identity = getattr(case, "secret_identity", None)
    if identity is None:
        return {}
    record(user, "case.identity_read", case)
    return crypto.unseal(identity.ciphertext)
