"""The routing and deadline rules kept in each process: no query once loaded, and an
administrator's change used by the next case."""

from datetime import date

import pytest

from nghedan.cases import deadlines, rule_cache
from nghedan.cases.models import CalendarChange, Category, DeadlineRule, RoutingRule
from nghedan.cases.routing import route
from nghedan.cases.tests.factories import SAI_GON, submit
from nghedan.lib import process_cache
from nghedan.people.models import Organization
from nghedan.places.models import Commune

pytestmark = pytest.mark.django_db
BEFORE_TET = date(2026, 2, 13)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Changes made in this block count as committed (their on-commit work runs)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def place():
    return Category.objects.get(code="infrastructure"), Commune.objects.get(code=SAI_GON)


def office(code: str, **fields) -> Organization:
    return Organization.objects.create(
        name=f"Cơ quan {code}", code=code, kind=fields.pop("kind", Organization.Kind.AGENCY),
        **fields,
    )  # fmt: skip


def test_once_loaded_routing_makes_no_query(committed, place, django_assert_num_queries):
    category, commune = place
    with committed():
        handler = office("xu-ly-ha-tang")
        RoutingRule.objects.create(category=category, commune=commune, organization=handler)
    assert route(category, commune).pk == handler.pk
    with django_assert_num_queries(0):
        assert route(category, commune).pk == handler.pk


def test_the_most_specific_rule_wins_and_the_committee_comes_last(committed, place):
    category, commune = place
    other_category = Category.objects.exclude(pk=category.pk).first()
    with committed():
        committee = office("ubnd-sai-gon", kind=Organization.Kind.PEOPLES_COMMITTEE,
                           commune=commune)  # fmt: skip
        assert route(category, commune).pk == committee.pk
        default = office("mac-dinh")
        RoutingRule.objects.create(organization=default)
    assert route(category, commune).pk == default.pk
    with committed():
        by_category = office("theo-linh-vuc")
        RoutingRule.objects.create(category=category, organization=by_category)
    assert route(category, commune).pk == by_category.pk
    with committed():
        by_commune = office("theo-phuong")
        RoutingRule.objects.create(commune=commune, organization=by_commune)
    assert route(category, commune).pk == by_commune.pk
    assert route(other_category, commune).pk == by_commune.pk
    assert route(category, None).pk == by_category.pk
    with committed():
        both = office("ca-hai")
        RoutingRule.objects.create(category=category, commune=commune, organization=both)
    assert route(category, commune).pk == both.pk


def test_an_organization_set_inactive_no_longer_receives_cases(committed, place):
    category, commune = place
    with committed():
        committee = office("ubnd-sai-gon", kind=Organization.Kind.PEOPLES_COMMITTEE,
                           commune=commune)  # fmt: skip
        handler = office("xu-ly")
        RoutingRule.objects.create(category=category, commune=commune, organization=handler)
    assert route(category, commune).pk == handler.pk
    with committed():
        handler.is_active = False
        handler.save()
    assert route(category, commune).pk == committee.pk


def test_the_organization_returned_is_the_callers_own(committed, place):
    category, commune = place
    with committed():
        handler = office("xu-ly")
        RoutingRule.objects.create(category=category, commune=commune, organization=handler)
    route(category, commune).name = "đổi trong một yêu cầu"
    assert route(category, commune).name == "Cơ quan xu-ly"


def test_a_change_made_by_another_process_is_seen_within_seconds(committed, place, monkeypatch):
    category, commune = place
    with committed():
        first, second = office("mot"), office("hai")
        rule = RoutingRule.objects.create(category=category, commune=commune, organization=first)
    now = [1000.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    assert route(category, commune).pk == first.pk
    # What another process's save leaves behind: the row changed and the version raised,
    # while this process's copy is still there.
    RoutingRule.objects.filter(pk=rule.pk).update(organization=second)
    with process_cache.connection.cursor() as cursor:
        cursor.execute(process_cache.RAISE_VERSION, [rule_cache.VERSION])
    assert route(category, commune).pk == first.pk
    now[0] += process_cache.CHECK_SECONDS
    assert route(category, commune).pk == second.pk


def test_changed_deadline_rules_and_calendar_are_used_by_the_next_case(committed, place):
    rule = DeadlineRule.objects.get(kind="feedback", stage="receive", condition="normal")
    with committed():
        office("ubnd-sai-gon", kind=Organization.Kind.PEOPLES_COMMITTEE, commune=place[1])
    assert deadlines.rule_for(submit(), "receive").days == rule.days  # loaded and kept
    with committed():
        rule.days = 7
        rule.save()
        CalendarChange.objects.create(
            day=date(2026, 3, 2), is_working_day=False, legal_reference="Thông báo (ví dụ)"
        )
    kept = deadlines.rule_for(submit(), "receive")
    assert kept.days == 7
    due = deadlines.count_days(kept, BEFORE_TET, kept.days, deadlines.work_calendar())
    assert due == date(2026, 3, 4)  # 7 working days after Tết (03/03), 02/03 off


def test_a_new_case_gets_one_running_deadline_from_its_rule(place):
    office("ubnd-sai-gon", kind=Organization.Kind.PEOPLES_COMMITTEE, commune=place[1])
    case = submit()
    rule = DeadlineRule.objects.get(kind="feedback", stage="receive", condition="normal")
    (deadline,) = case.deadlines.all()
    due = deadlines.count_days(rule, deadline.starts_on, rule.days, deadlines.work_calendar())
    assert (deadline.rule_id, deadline.due_on, deadline.met_on) == (rule.pk, due, None)
    assert (deadline.extensions, deadline.reminded, deadline.escalated) == (0, False, False)
    case.refresh_from_db()
    assert case.open_due == due
