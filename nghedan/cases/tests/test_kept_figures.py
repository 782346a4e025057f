"""Figures kept as cases change: each case's earliest running due date (`Case.open_due`) and
the counts per organization and day that the dashboard reads. After every action they equal a
direct count over the cases and their deadlines."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from nghedan.cases import actions, counts, stats
from nghedan.cases.access import cases_for_user
from nghedan.cases.duplicates import do_merge
from nghedan.cases.models import Case, CaseCount, CaseDeadline, Category, Kind, RefusalReason
from nghedan.cases.tests.factories import DENOUNCER, set_due, submit
from nghedan.people.access import working_organizations
from nghedan.people.models import Organization, User

Status = Case.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(demo):
    return User.objects.get(username="xuly.saigon")


def earliest_running_due(case: Case):
    running = CaseDeadline.objects.filter(case=case, met_on__isnull=True)
    return min(running.values_list("due_on", flat=True), default=None)


def assert_due_kept(*cases: Case) -> None:
    for case in cases:
        case.refresh_from_db()
        assert case.open_due == earliest_running_due(case), case.status


def assert_counts_kept() -> None:
    organizations = Case.objects.values_list("organization_id", flat=True).distinct()
    assert counts.check(organizations) == []


def classified(officer, case: Case, **changes) -> Case:
    fields = {"kind": case.kind, "category": case.category, "condition": "normal",
              "people_count": case.people_count, **changes}  # fmt: skip
    return actions.do_classify(officer, case, **fields)


# The earliest running due date


def test_open_due_follows_every_step_of_a_complaint(officer):
    case = submit(kind=Kind.COMPLAINT, category="land_housing")
    assert case.open_due is not None
    assert_due_kept(case)
    classified(officer, case)
    assert_due_kept(case)  # receive met, accept running
    actions.do_accept(officer, case)
    assert_due_kept(case)  # resolve running
    actions.do_start_verifying(officer, case)
    assert_due_kept(case)
    actions.do_resolve(officer, case, answer="Đã giải quyết.")
    assert_due_kept(case)
    assert case.open_due is None
    actions.do_reopen(None, case, "Chưa thỏa đáng")
    assert_due_kept(case)
    assert case.open_due is not None
    actions.do_withdraw(None, case, "Đã tự thỏa thuận")
    assert_due_kept(case)
    assert case.open_due is None


def test_an_extension_moves_open_due(officer):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    classified(officer, case, condition="especially_complex")
    actions.do_accept(officer, case)
    first = Case.objects.get(pk=case.pk).open_due
    actions.do_extend_deadline(officer, case, "Phải xác minh tại nhiều nơi")
    assert_due_kept(case)
    assert case.open_due > first


def test_refusal_forwarding_and_merging_keep_open_due(officer):
    refused, forwarded, merged, original = (submit(title=f"Việc {n}") for n in range(4))
    reason = RefusalReason.objects.filter(kind=Kind.FEEDBACK).get()
    actions.do_refuse(officer, refused, reason)
    labour = Organization.objects.get(code="hcm-lien-doan-lao-dong")
    arrived = actions.do_forward(officer, forwarded, labour)
    do_merge(officer, merged, original)
    assert_due_kept(refused, forwarded, arrived, merged, original)
    assert arrived.open_due is not None and forwarded.open_due is None


def test_a_receipt_date_from_an_import_moves_open_due_and_the_counted_day(officer):
    day = timezone.localdate() - timedelta(days=40)
    case = submit(received_on=day)
    assert_due_kept(case)
    assert case.open_due < timezone.localdate()
    assert CaseCount.objects.filter(
        organization=case.organization, span="day", day=day, dimension="received", count=1
    ).exists()
    assert_counts_kept()


def test_the_demo_cases_keep_open_due(demo):
    from nghedan.cases.demo import load_demo_cases

    load_demo_cases()
    assert_due_kept(*Case.objects.all())
    assert Case.objects.filter(open_due__lt=timezone.localdate()).exists()  # the overdue one
    assert_counts_kept()


# The dashboard's figures


def direct_figures(user: User, today, days: int) -> dict:
    """The dashboard's figures counted directly over the cases and their deadlines."""
    scope = cases_for_user(user)
    first_day = counts.period_start(today, days)
    recent = scope.filter(received_at__gte=counts.start_of_day(first_day))
    running = CaseDeadline.objects.filter(met_on__isnull=True, due_on__lt=today)
    overdue = scope.filter(status__in=stats.OPEN, pk__in=running.values("case_id"))
    by = {field: {row[field]: row["count"] for row in stats.counts_by(recent, field)}
          for field in ("channel", "category", "kind", "status")}  # fmt: skip
    satisfaction = stats.satisfaction(recent)
    return {
        "received": recent.count(),
        "open": scope.filter(status__in=stats.OPEN).count(),
        "overdue": overdue.count(),
        "on_time": stats.on_time(recent, today),
        "by": by,
        "rated": satisfaction["rated"],
        "satisfied": satisfaction["satisfied"],
        "resolved": satisfaction["resolved"],
        "average": satisfaction["average"],
    }


def kept_figures(user: User, today, days: int) -> dict:
    figures = stats.dashboard(working_organizations(user), today, days)
    rows = {"channel": figures.by_channel, "category": figures.by_category,
            "kind": figures.by_kind, "status": figures.by_status}  # fmt: skip
    return {
        "received": figures.received,
        "open": figures.open,
        "overdue": figures.overdue,
        "on_time": figures.on_time,
        "by": {field: {row[field]: row["count"] for row in found} for field, found in rows.items()},
        "rated": figures.satisfaction["rated"],
        "satisfied": figures.satisfaction["satisfied"],
        "resolved": figures.satisfaction["resolved"],
        "average": figures.satisfaction["average"],
    }


def a_busy_month(officer) -> None:
    """Every action that moves a case's figures, on cases of two wards and a few days."""
    today = timezone.localdate()
    leader = User.objects.get(username="lanhdao.saigon")
    cases = [submit(title=f"Việc {n}", channel=channel)
             for n, channel in enumerate(["web", "hotline", "web", "letter", "web", "api",
                                          "hotline", "reception"])]  # fmt: skip
    # Received 60 days ago, entered today: counted on the day it came.
    old = submit(title="Việc cũ", received_on=today - timedelta(days=60))
    submit(title="Ở phường khác", commune="26743")
    late, on_time, refused, forwarded, withdrawn, reopened, overdue, merged = cases
    complaint = submit(kind=Kind.COMPLAINT, category="land_housing", title="Khiếu nại đất")
    for case in (late, on_time, reopened, overdue, complaint):
        classified(officer, case)
        actions.do_accept(officer, case)
    set_due(late, today - timedelta(days=2))  # resolved after its due date
    actions.do_resolve(officer, late, answer="Đã sửa xong.")
    actions.do_resolve(officer, on_time, answer="Đã xử lý.")
    actions.do_close(officer, on_time)
    actions.do_rate(on_time, score=5, resolved=True, comment="Tốt")
    actions.do_rate(late, score=2, resolved=False)
    reason = RefusalReason.objects.filter(kind=Kind.FEEDBACK).get()
    classified(officer, refused, category=Category.objects.get(code="traffic"))
    classified(officer, refused, category=Category.objects.get(code="environment"),
               reason="Sai lĩnh vực")  # fmt: skip
    actions.do_refuse(officer, refused, reason)
    labour = Organization.objects.get(code="hcm-lien-doan-lao-dong")
    actions.do_forward(officer, forwarded, labour)
    actions.do_withdraw(None, withdrawn, "Đã tự giải quyết")
    set_due(reopened, today - timedelta(days=5))
    actions.do_resolve(officer, reopened, answer="Đã xử lý.")
    actions.do_reopen(None, reopened, "Chưa sửa xong")  # no longer late, running again
    set_due(overdue, today - timedelta(days=1))  # open and overdue
    set_due(old, today - timedelta(days=50))  # overdue, received before a 30-day period
    actions.do_assign(leader, overdue, officer)
    do_merge(officer, merged, overdue)  # withdrawn into `overdue`


@pytest.mark.parametrize("days", [30, 90, 365])
def test_the_dashboard_equals_a_direct_count_after_a_busy_month(officer, days):
    a_busy_month(officer)
    today = timezone.localdate()
    for persona in ("lanhdao.saigon", "giamsat.dandan", "lanhdao.thanhpho"):
        user = User.objects.get(username=persona)
        assert kept_figures(user, today, days) == direct_figures(user, today, days), persona
    assert_counts_kept()


def test_the_busy_month_gives_the_figures_it_should(officer):
    a_busy_month(officer)
    figures = kept_figures(User.objects.get(username="lanhdao.saigon"), timezone.localdate(), 30)
    # In 30 days: 9 of 11 received here (one elsewhere, one received 60 days ago). Finished:
    # late (late), on_time, refused, forwarded → 4, one late; open and overdue: overdue.
    assert figures["received"] == 9
    assert (figures["on_time"].on_time, figures["on_time"].counted) == (3, 5)
    assert figures["overdue"] == 2  # the old one counts as overdue, not in the period's rate
    assert figures["by"]["category"][Category.objects.get(code="environment").pk] == 1
    assert (figures["rated"], figures["satisfied"], figures["resolved"]) == (2, 1, 1)


def test_the_dashboard_page_shows_the_kept_figures(officer, client_for):
    a_busy_month(officer)
    page = client_for("lanhdao.saigon").get("/can-bo/tong-quan/").content.decode()
    assert "3/5" in page and "Khiếu nại" in page


# Rebuilding and checking


def test_the_check_finds_wrong_counts_and_repairs_them(officer, capsys):
    a_busy_month(officer)
    row = CaseCount.objects.filter(span="month", dimension="received").first()
    CaseCount.objects.filter(pk=row.pk).update(count=row.count + 7)
    Case.objects.filter(status=Status.ACCEPTED).update(open_due=None)
    with pytest.raises(CommandError, match="--repair"):
        call_command("rebuild_case_counts", "--check")
    call_command("rebuild_case_counts", "--repair")
    assert "Repaired" in capsys.readouterr().out
    call_command("rebuild_case_counts", "--check")
    assert_counts_kept()
    assert_due_kept(*Case.objects.all())


def test_a_rebuild_from_nothing_gives_the_same_figures(officer, monkeypatch):
    monkeypatch.setattr(counts, "REPAIR_SLICE", 2)  # due dates repaired over several updates
    a_busy_month(officer)
    user, today = User.objects.get(username="giamsat.dandan"), timezone.localdate()
    kept = kept_figures(user, today, 90)
    CaseCount.objects.all().delete()
    Case.objects.update(open_due=None)
    call_command("rebuild_case_counts", verbosity=0)
    assert kept_figures(user, today, 90) == kept
    assert_due_kept(*Case.objects.all())


def test_the_nightly_sweeper_checks_once_a_day(officer, monkeypatch):
    from nghedan.cases import tasks

    submit()
    CaseCount.objects.update(count=5)
    monkeypatch.setattr(tasks, "NIGHTLY_CHECK_HOUR", 0)
    assert tasks.enqueue_nightly_count_check() == 1  # run at once in tests: repaired
    assert_counts_kept()
    assert tasks.enqueue_nightly_count_check() == 0


@pytest.mark.parametrize("days", [30, 90, 365])
def test_a_period_counts_its_first_day_and_not_the_day_before(officer, days):
    """Day rows up to the end of the first day's month, month rows after: the edges hold."""
    today = timezone.localdate()
    first_day = counts.period_start(today, days)
    submit(received_on=first_day)
    submit(received_on=first_day - timedelta(days=1))
    submit(received_on=counts.month_of(first_day))
    leader = User.objects.get(username="lanhdao.saigon")
    figures = stats.dashboard(working_organizations(leader), today, days)
    expected = 1 + int(counts.month_of(first_day) >= first_day)
    assert figures.received == expected
    assert kept_figures(leader, today, days) == direct_figures(leader, today, days)


def test_the_data_migration_fills_existing_cases(officer):
    from importlib import import_module

    from django.apps import apps

    fill = import_module("nghedan.cases.migrations.0005_fill_due_dates_and_counts").fill
    a_busy_month(officer)
    CaseCount.objects.all().delete()
    Case.objects.update(open_due=None)
    fill(apps, None)
    assert_due_kept(*Case.objects.all())
    assert_counts_kept()


# Shards


def test_intake_writes_the_counters_of_its_connections_shard(officer):
    submit()
    assert set(CaseCount.objects.values_list("shard", flat=True)) == {counts.writing_shard()}


def test_counters_split_over_shards_add_up_and_fold_back_at_night(officer, monkeypatch):
    from nghedan.cases import tasks

    a_busy_month(officer)
    user, today = User.objects.get(username="giamsat.dandan"), timezone.localdate()
    kept = kept_figures(user, today, 90)
    # One of each counter's amount moved to another shard, as a concurrent intake writes it.
    split = list(CaseCount.objects.filter(count__gt=1))
    assert split
    # One connection wrote them all, so every other shard is free (on PostgreSQL it is pid-chosen).
    assert len({row.shard for row in split}) == 1
    for row in split:
        CaseCount.objects.filter(pk=row.pk).update(count=row.count - 1)
        CaseCount.objects.create(
            organization_id=row.organization_id, span=row.span, day=row.day,
            dimension=row.dimension, value=row.value, count=1,
            shard=(row.shard + 5) % counts.SHARDS,
        )  # fmt: skip
    assert kept_figures(user, today, 90) == kept
    assert_counts_kept()
    monkeypatch.setattr(tasks, "NIGHTLY_CHECK_HOUR", 0)
    assert tasks.enqueue_nightly_count_check() == 1
    assert not CaseCount.objects.exclude(shard=0).exists()
    assert kept_figures(user, today, 90) == kept
    assert_counts_kept()
