"""Two officers on the same case: an action taken on a page read earlier must not undo what
the other did meanwhile (a stale assignment, two "Gia hạn" forms opened at once)."""

import re

import pytest
from django.urls import reverse

from nghedan.cases import actions
from nghedan.cases.models import Case, CaseDeadline, Kind, Stage
from nghedan.cases.tests.factories import DENOUNCER, submit
from nghedan.lib.refusal import Refused
from nghedan.people.models import User

Status = Case.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(demo):
    return User.objects.get(username="xuly.saigon")


@pytest.fixture
def leader(demo):
    return User.objects.get(username="lanhdao.saigon")


def classified(officer, case: Case, condition: str = "normal") -> Case:
    return actions.do_classify(officer, case, kind=case.kind, category=case.category,
                               condition=condition, people_count=1)  # fmt: skip


def especially_complex_denunciation(officer) -> Case:
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    classified(officer, case, condition="especially_complex")
    return actions.do_accept(officer, case)


def resolve_deadline(case: Case) -> CaseDeadline:
    return CaseDeadline.objects.get(case=case, stage=Stage.RESOLVE)


# A stale assignment


def test_a_stale_assignment_keeps_the_status_another_officer_set_meanwhile(handler, leader):
    case = classified(handler, submit())
    stale = Case.objects.get(pk=case.pk)  # read, e.g. ticked in the queue
    actions.do_accept(leader, case)  # meanwhile another officer accepts it
    actions.do_assign(leader, stale, handler)
    now = Case.objects.get(pk=case.pk)
    assert (now.status, now.assignee) == (Status.ACCEPTED, handler)
    assert resolve_deadline(now).met_on is None  # the resolve clock still runs, rightly
    assert (stale.status, stale.assignee) == (Status.ACCEPTED, handler)  # refreshed in memory


def test_a_stale_assignment_of_a_case_closed_meanwhile_is_refused(handler, leader):
    case = submit()
    stale = Case.objects.get(pk=case.pk)
    actions.do_withdraw(leader, case, "Người gửi xin rút")
    with pytest.raises(Refused) as refused:
        actions.do_assign(leader, stale, handler)
    assert (refused.value.code, refused.value.status) == ("wrong_state", 409)
    now = Case.objects.get(pk=case.pk)
    assert (now.status, now.assignee) == (Status.WITHDRAWN, None)


def test_bulk_assignment_keeps_a_status_changed_after_the_ticked_cases_were_read(
    client_for, handler, leader, monkeypatch
):
    case = classified(handler, submit())
    assign = actions.do_assign

    def accepted_meanwhile(actor, read_earlier, assignee):
        # Between the bulk read of the ticked cases and this one's assignment, another officer
        # accepts it.
        actions.do_accept(leader, Case.objects.get(pk=read_earlier.pk))
        return assign(actor, read_earlier, assignee)

    monkeypatch.setattr(actions, "do_assign", accepted_meanwhile)
    response = client_for("lanhdao.saigon").post(
        reverse("cases:queue_assign"), {"cases": [case.pk], "assignee": handler.pk}
    )
    assert response.status_code == 302
    now = Case.objects.get(pk=case.pk)
    assert (now.status, now.assignee) == (Status.ACCEPTED, handler)


# Two "Gia hạn" forms opened at once


def seen_extensions(page) -> str:
    """The number of extensions the officer saw, as the page's extend form carries it."""
    found = re.search(
        r'<input type="hidden" name="seen_extensions" value="(\d+)"', page.content.decode()
    )
    assert found, "the extend form carries the number of extensions the officer saw"
    return found.group(1)


def test_two_stale_extend_forms_use_up_one_extension_and_the_second_is_told(client_for, handler):
    case = especially_complex_denunciation(handler)
    first, second = client_for("xuly.saigon"), client_for("lanhdao.saigon")
    url = reverse("cases:case", args=[case.pk])
    extend = reverse("cases:case_extend", args=[case.pk])
    seen_first, seen_second = seen_extensions(first.get(url)), seen_extensions(second.get(url))

    response = first.post(extend, {"reason": "Phải xác minh ở hai nơi",
                                   "seen_extensions": seen_first})  # fmt: skip
    assert response.status_code == 302
    after_first = resolve_deadline(case)
    response = second.post(extend, {"reason": "Cần thêm thời gian",
                                    "seen_extensions": seen_second})  # fmt: skip
    assert response.status_code == 409
    body = response.content.decode()
    assert "Hạn đã được gia hạn bởi người khác" in body and "hãy tải lại trang" in body
    assert resolve_deadline(case).extensions == 1
    assert resolve_deadline(case).due_on == after_first.due_on

    # Reloaded, the second officer sees the extension and may still use the last one.
    seen_again = seen_extensions(second.get(url))
    response = second.post(extend, {"reason": "Cần thêm thời gian",
                                    "seen_extensions": seen_again})  # fmt: skip
    assert response.status_code == 302
    assert resolve_deadline(case).extensions == 2


def test_an_extension_on_a_stale_count_is_refused_by_the_action(handler, leader):
    case = especially_complex_denunciation(handler)
    actions.do_extend_deadline(handler, case, "Phải xác minh ở hai nơi", seen_extensions=0)
    with pytest.raises(Refused) as refused:
        actions.do_extend_deadline(leader, case, "Cần thêm thời gian", seen_extensions=0)
    assert (refused.value.code, refused.value.status) == ("extended_meanwhile", 409)
    assert resolve_deadline(case).extensions == 1
    assert case.events.filter(action="extended").count() == 1
