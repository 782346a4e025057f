"""Who sees and writes which reception session, and who may read a visitor's ID number.

Officers read the sessions of the organizations they work in and of those their
organizations supervise; they write (open sessions, record visits) only where they handle
cases (reception officers, handlers, leaders). Administrators see no session by that role
alone. An ID number is read only by those who write the session, and every read is written
to the audit log.

A denouncer's identity is never shown in the log. Sealed with a visit (a denunciation guided
or refused, not taken in), it is read by the rule that keeps a denunciation case's identity
for the handler assigned to it (`cases.access.may_read_identity`): only the officers the
session assigned to receive the denouncer (who presided, sat or recorded the visit), while
they still handle the organization's cases; every read is audited. Supervisors, other
officers of the organization and administrators never read it.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from nghedan.audit.chain import record
from nghedan.cases.access import handled_organizations
from nghedan.lib import crypto
from nghedan.people.access import is_signed_in, working_organizations
from nghedan.people.models import Organization, User
from nghedan.reception.models import Reception, Visit


def receptions_for_user(user: User | AnonymousUser) -> QuerySet[Reception]:
    return Reception.objects.filter(organization__in=working_organizations(user))


def receiving_organizations(user: User | AnonymousUser) -> QuerySet[Organization]:
    """Where the user may open sessions and record visits."""
    return handled_organizations(user).filter(is_active=True)


def may_write(user: User | AnonymousUser, reception: Reception) -> bool:
    return handled_organizations(user).filter(pk=reception.organization_id).exists()


def get_reception_for_user(user: User | AnonymousUser, pk: int, write: bool = False) -> Reception:
    """The session if the user may read it (404 otherwise) and, with write, record in it (403)."""
    reception = (
        receptions_for_user(user)
        .select_related("organization__commune", "presiding")
        .filter(pk=pk)
        .first()
    )
    if reception is None:
        raise Http404("Không tìm thấy buổi tiếp công dân / Reception session not found")
    if write and not may_write(user, reception):
        raise PermissionDenied(
            "Bạn chỉ được xem sổ tiếp công dân này / You may only read this reception log"
        )
    return reception


def get_visit_for_user(user: User | AnonymousUser, pk: int, write: bool = False) -> Visit:
    visit = (
        Visit.objects.filter(reception__in=receptions_for_user(user), pk=pk)
        .select_related("reception")
        .first()
    )
    if visit is None:
        raise Http404("Không tìm thấy lượt tiếp / Visit not found")
    if write and not may_write(user, visit.reception):
        raise PermissionDenied(
            "Bạn chỉ được xem sổ tiếp công dân này / You may only read this reception log"
        )
    return visit


def may_read_id_number(user: User | AnonymousUser, visit: Visit) -> bool:
    return is_signed_in(user) and visit.has_id_number and may_write(user, visit.reception)


def received_the_visitor(user: User | AnonymousUser, visit: Visit) -> bool:
    """The officers the session assigned to receive this visitor."""
    if not is_signed_in(user):
        return False
    reception = visit.reception
    return (
        user.pk in (reception.presiding_id, visit.recorded_by_id)
        or reception.officers.filter(pk=user.pk).exists()
    )


def may_read_visitor_identity(user: User | AnonymousUser, visit: Visit) -> bool:
    return (
        visit.has_sealed_identity
        and received_the_visitor(user, visit)
        and may_write(user, visit.reception)
    )


def read_visitor_identity(user: User | AnonymousUser, visit: Visit) -> dict:
    """A denouncer's identity sealed with a visit, for the officers who received them only;
    every read is audited."""
    if not may_read_visitor_identity(user, visit):
        raise PermissionDenied(
            "Chỉ cán bộ đã tiếp người tố cáo mới xem được danh tính người tố cáo"
        )
    record(user, "reception.visit.identity_read", visit)
    return crypto.unseal(visit.sealed_identity)


def read_id_number(user: User | AnonymousUser, visit: Visit) -> str:
    """A visitor's ID number, for the officers of the receiving organization; audited."""
    if not may_read_id_number(user, visit):
        raise PermissionDenied("Chỉ cán bộ của cơ quan tiếp công dân mới xem được số căn cước")
    record(user, "reception.visit.id_number_read", visit)
    return crypto.unseal(visit.id_number)["id_number"]
