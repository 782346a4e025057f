"""The leader's dashboard: intake by channel and category, on-time rate, overdue by
organization, satisfaction, over the cases the person works on or follows.

The period is the last 30, 90 or 365 days, today included; the figures come from the counts
kept as cases change (`stats.dashboard`), so they are exact at every view.
"""

from django.shortcuts import render
from django.utils import timezone

from nghedan.cases import stats
from nghedan.cases.models import Case, Category, Channel, Kind
from nghedan.people.access import working_organizations
from nghedan.people.decorators import working_role_required

PERIODS = {"30": 30, "90": 90, "365": 365}


def _bars(rows, field: str, labels: dict) -> list[dict]:
    """Rows of counts as bars: label, count and width in percent of the largest."""
    largest = max((row["count"] for row in rows), default=0) or 1
    return [
        {"label": labels.get(row[field], row[field] or "—"), "count": row["count"],
         "width": round(100 * row["count"] / largest)}
        for row in rows
    ]  # fmt: skip


@working_role_required
def dashboard(request):
    days = PERIODS.get(request.GET.get("ky", "30"), 30)
    figures = stats.dashboard(working_organizations(request.user), timezone.localdate(), days)
    categories = dict(Category.objects.values_list("pk", "name"))
    context = {
        "days": days,
        "periods": PERIODS,
        "first_day": figures.first_day,
        "received": figures.received,
        "open": figures.open,
        "on_time": figures.on_time,
        "overdue": figures.overdue,
        "by_channel": _bars(figures.by_channel, "channel", dict(Channel.choices)),
        "by_category": _bars(figures.by_category, "category", categories),
        "by_kind": _bars(figures.by_kind, "kind", dict(Kind.choices)),
        "by_status": _bars(figures.by_status, "status", dict(Case.Status.choices)),
        "overdue_by_organization": _bars(figures.overdue_by_organization, "organization__name", {}),
        "satisfaction": figures.satisfaction,
    }
    return render(request, "cases/dashboard.html", context)
