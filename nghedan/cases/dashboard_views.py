"""The leader's dashboard: intake by channel and category, on-time rate, overdue by
organization, satisfaction, over the cases the person works on or follows."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone

from nghedan.cases import stats
from nghedan.cases.access import cases_for_user
from nghedan.cases.models import Case, Category, Channel
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
    today = timezone.localdate()
    scope = cases_for_user(request.user)
    recent = scope.filter(received_at__gte=timezone.now() - timedelta(days=days))
    categories = dict(Category.objects.values_list("pk", "name"))
    context = {
        "days": days,
        "periods": PERIODS,
        "received": recent.count(),
        "open": scope.filter(status__in=stats.OPEN).count(),
        "on_time": stats.on_time(recent, today),
        "overdue": stats.overdue_cases(scope, today).count(),
        "by_channel": _bars(stats.counts_by(recent, "channel"), "channel", dict(Channel.choices)),
        "by_category": _bars(stats.counts_by(recent, "category"), "category", categories),
        "by_status": _bars(stats.counts_by(recent, "status"), "status", dict(Case.Status.choices)),
        "overdue_by_organization": _bars(
            stats.overdue_by_organization(scope, today), "organization__name", {}
        ),
        "satisfaction": stats.satisfaction(recent),
    }
    return render(request, "cases/dashboard.html", context)
