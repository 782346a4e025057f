"""The thresholds of the hard-case flags are rows with their reference: seeded with the values
the rules started with, edited in the audited admin, and used by the next run of the rules
(each process keeps them, like the other rule tables)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from nghedan.audit.models import AuditEntry
from nghedan.cases import flags
from nghedan.cases.flags import do_confirm_flag, raise_flags, raise_flags_on_open_cases
from nghedan.cases.models import CaseFlag, FlagRule
from nghedan.cases.tests.factories import set_due, submit
from nghedan.people.models import User

pytestmark = pytest.mark.django_db

Rule = FlagRule.Rule
Kind = CaseFlag.Kind


@pytest.fixture(autouse=True)
def fresh_sweep():
    cache.delete(flags.SWEEP_CURSOR)


@pytest.fixture
def admin_browser(client_for):
    User.objects.create_superuser("quantri.hethong", "root@example.vn", "Mat-khau-he-thong-2026")
    return client_for("quantri.hethong")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def change_url(rule: str) -> str:
    return reverse("admin:cases_flagrule_change", args=[FlagRule.objects.get(rule=rule).pk])


def set_threshold(browser, rule: str, value, committed) -> object:
    row = FlagRule.objects.get(rule=rule)
    with committed():
        return browser.post(change_url(rule), {
            "threshold": value, "legal_reference": row.legal_reference, "note": row.note,
        })  # fmt: skip


def test_every_rule_is_seeded_with_its_first_value_and_reference(db):
    rows = {row.rule: row for row in FlagRule.objects.all()}
    assert set(rows) == set(Rule.values)
    for rule, row in rows.items():
        assert row.threshold == flags.SEEDED_THRESHOLDS[rule]
        assert (row.flag, row.unit) == FlagRule.SHAPES[rule]
        assert row.legal_reference.strip()
    assert "Luật Tiếp công dân 2013, Điều 30" in rows[Rule.MANY_PEOPLE].legal_reference


def test_once_loaded_the_thresholds_cost_no_query(db, django_assert_num_queries):
    flags.threshold(Rule.MANY_PEOPLE)
    with django_assert_num_queries(0):
        assert flags.threshold(Rule.MANY_PEOPLE) == flags.MANY_PEOPLE
        assert flags.threshold(Rule.PROLONGED) == flags.PROLONGED_DAYS


def test_a_threshold_changed_in_the_admin_changes_which_cases_are_flagged(admin_browser, committed):
    three, two = submit(people_count=3), submit(people_count=2)
    assert raise_flags(three) == []  # five until now; the kept copy is loaded
    page = admin_browser.get(change_url(Rule.MANY_PEOPLE))
    assert page.status_code == 200 and "Nghị định 64/2014/NĐ-CP" in page.text

    response = set_threshold(admin_browser, Rule.MANY_PEOPLE, 3, committed)
    assert response.status_code == 302, response.content.decode()[:2000]
    raised = raise_flags(three)
    assert [flag.kind for flag in raised] == [Kind.MANY_PEOPLE]
    assert "từ 3 người trở lên là đông người" in raised[0].reason
    assert raise_flags(two) == []
    entry = AuditEntry.objects.filter(action="cases.flagrule.update").latest("seq")
    assert entry.actor.username == "quantri.hethong"
    assert entry.data["changed"] == ["threshold"] and entry.data["values"]["threshold"] == 3


def test_a_shorter_prolonged_threshold_reaches_the_sweep(admin_browser, committed):
    late = submit()
    set_due(late, timezone.localdate() - timedelta(days=12))
    assert raise_flags_on_open_cases() == 0
    assert set_threshold(admin_browser, Rule.PROLONGED, 10, committed).status_code == 302
    assert raise_flags_on_open_cases() == 1
    assert set(CaseFlag.objects.filter(case=late).values_list("kind", flat=True)) == {
        Kind.PROLONGED
    }


def test_a_longer_window_counts_older_cases_of_the_same_sender(admin_browser, committed):
    older, old, new = (submit(title=f"Cống nghẹt lần {n}", description=f"Lần {n}: nước tràn.")
                       for n in range(3))  # fmt: skip
    for case in (older, old):
        type(case).objects.filter(pk=case.pk).update(
            received_at=timezone.now() - timedelta(days=400)
        )
    assert raise_flags(new) == []
    assert set_threshold(admin_browser, Rule.SAME_SENDER_WINDOW, 730, committed).status_code == 302
    assert [flag.kind for flag in raise_flags(new)] == [Kind.REPEATED]
    assert "trong 730 ngày qua" in CaseFlag.objects.get(case=new).reason


def test_a_threshold_below_one_is_refused_with_the_reason(admin_browser, committed):
    response = set_threshold(admin_browser, Rule.MANY_PEOPLE, 0, committed)
    assert response.status_code == 200
    assert "Ngưỡng phải từ 1 trở lên" in response.text
    assert FlagRule.objects.get(rule=Rule.MANY_PEOPLE).threshold == flags.MANY_PEOPLE
    assert not AuditEntry.objects.filter(action="cases.flagrule.update").exists()


def test_rules_are_not_deleted_and_a_missing_one_may_be_added_back(admin_browser, committed):
    row = FlagRule.objects.get(rule=Rule.PROLONGED)
    delete = reverse("admin:cases_flagrule_delete", args=[row.pk])
    assert admin_browser.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:cases_flagrule_add")
    assert admin_browser.get(add).status_code == 403  # every rule has its row
    with committed():
        row.delete()  # as an operator's SQL might
    assert flags.threshold(Rule.PROLONGED) == flags.PROLONGED_DAYS  # the first value meanwhile
    with committed():
        response = admin_browser.post(add, {
            "rule": Rule.PROLONGED, "threshold": 45, "legal_reference": "Quy chế của phường",
            "note": "",
        })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    added = FlagRule.objects.get(rule=Rule.PROLONGED)
    assert (added.flag, added.unit, added.threshold) == (Kind.PROLONGED, "days", 45)
    assert flags.threshold(Rule.PROLONGED) == 45


def test_the_registry_lists_a_case_flagged_under_a_changed_threshold(
    admin_browser, client_for, committed
):
    set_threshold(admin_browser, Rule.MANY_PEOPLE, 3, committed)
    case = submit(people_count=3)
    (flag,) = raise_flags(case)
    registry = reverse("cases:registry")
    leader = client_for("lanhdao.saigon")
    waiting = leader.get(registry, {"tab": "chua-xac-nhan"})
    assert waiting.status_code == 200 and case.code in waiting.text
    do_confirm_flag(User.objects.get(username="xuly.saigon"), flag)
    page = leader.get(registry)
    assert page.status_code == 200 and case.code in page.text
    admin_list = admin_browser.get(reverse("admin:cases_flagrule_changelist"))
    assert admin_list.status_code == 200 and "Đông người" in admin_list.text
