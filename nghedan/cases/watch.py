"""Watching deadlines: a reminder before the due date, escalation to the supervisors once
overdue. Run by the sweep every few minutes; each deadline is reminded and escalated once."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from nghedan.audit.chain import record
from nghedan.cases import deadlines
from nghedan.cases.models import Case, CaseDeadline, CaseEvent
from nghedan.notices.actions import do_notify
from nghedan.people.models import Organization, Role, User

OPEN_STATUSES = (Case.Status.RECEIVED, Case.Status.CLASSIFIED, Case.Status.ACCEPTED,
                 Case.Status.VERIFYING)  # fmt: skip


def _case_url(case: Case) -> str:
    return reverse("cases:case", args=[case.pk])


def handlers_of(case: Case):
    """The assignee; while there is none, or the assignee has left (deactivated), the
    organization's handlers and leaders, so a deadline is never told to nobody."""
    if case.assignee is not None and case.assignee.is_active:
        return [case.assignee]
    return User.objects.filter(
        memberships__organization=case.organization,
        memberships__role__in=[Role.HANDLER, Role.LEADER],
        is_active=True,
    ).distinct()


def supervisors_of(case: Case):
    """The leaders of the handling organization, and the supervisors and leaders of every
    organization that supervises it or any organization above it."""
    above = case.organization.ancestor_ids()
    supervising = Organization.objects.filter(supervision_links__supervised_id__in=above)
    return User.objects.filter(
        Q(memberships__organization=case.organization, memberships__role=Role.LEADER)
        | Q(memberships__organization__in=supervising,
            memberships__role__in=[Role.SUPERVISOR, Role.LEADER]),
        is_active=True,
    ).distinct()  # fmt: skip


def open_deadlines():
    return CaseDeadline.objects.filter(
        met_on__isnull=True, case__status__in=OPEN_STATUSES
    ).select_related("case__organization", "case__assignee", "rule")


def still_open(deadline: CaseDeadline):
    """The deadline as the database has it now: the sweep read it earlier, and an officer may
    have met it, or resolved, refused or forwarded its case, since."""
    return CaseDeadline.objects.filter(
        pk=deadline.pk, due_on=deadline.due_on, met_on__isnull=True,
        case__status__in=OPEN_STATUSES,
    )  # fmt: skip


@transaction.atomic
def do_remind(deadline: CaseDeadline) -> bool:
    if not still_open(deadline).filter(reminded=False).update(reminded=True):
        return False  # another sweep got there first, or the case moved on meanwhile
    case = deadline.case
    text = _("Vụ việc %(code)s sắp đến hạn %(stage)s ngày %(due)s.") % {
        "code": case.code, "stage": deadline.get_stage_display().lower(),
        "due": deadline.due_on.strftime("%d/%m/%Y"),
    }  # fmt: skip
    do_notify(handlers_of(case), text, _case_url(case))
    record("theo dõi thời hạn", "case.remind", case, stage=deadline.stage)
    return True


@transaction.atomic
def do_escalate(deadline: CaseDeadline) -> bool:
    if not still_open(deadline).filter(escalated=False).update(escalated=True):
        return False  # another sweep got there first, or the case was resolved meanwhile
    case = deadline.case
    text = _("Vụ việc %(code)s của %(organization)s đã quá hạn %(stage)s (hạn %(due)s).") % {
        "code": case.code, "organization": case.organization,
        "stage": deadline.get_stage_display().lower(), "due": deadline.due_on.strftime("%d/%m/%Y"),
    }  # fmt: skip
    do_notify([*supervisors_of(case), *handlers_of(case)], text, _case_url(case))
    CaseEvent.objects.create(case=case, action="escalated", note=text)
    record("theo dõi thời hạn", "case.escalate", case, stage=deadline.stage)
    return True


def watch_deadlines(today) -> tuple[int, int]:
    """Remind what falls due within NGHEDAN_REMIND_DAYS working days; escalate the overdue."""
    calendar = deadlines.work_calendar()
    reminded = escalated = 0
    # Only what can be told today: the far-off deadlines of thousands of open cases are not
    # read at every sweep, nor the overdue ones already escalated but never reminded.
    # The last day with at most REMIND_DAYS working days left (a weekend after it included).
    horizon = calendar.add_working_days(today, settings.REMIND_DAYS + 1) - timedelta(days=1)
    due = open_deadlines().filter(
        Q(due_on__lt=today, escalated=False)
        | Q(due_on__gte=today, due_on__lte=horizon, reminded=False)
    )
    for deadline in list(due.order_by("due_on", "pk")):
        left = calendar.working_days_between(today, deadline.due_on)
        if left < 0 and not deadline.escalated:
            escalated += do_escalate(deadline)
        elif 0 <= left <= settings.REMIND_DAYS and not deadline.reminded:
            reminded += do_remind(deadline)
    return reminded, escalated
