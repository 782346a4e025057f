"""Giving cases to handlers in turn, and telling a citizen why their case was refused."""

import logging

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions
from nghedan.cases.models import Case, RefusalReason
from nghedan.cases.tests.factories import submit
from nghedan.lib.refusal import Refused
from nghedan.people.models import Membership, Organization, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(demo):
    return Organization.objects.get(code="sai-gon-ubnd")


@pytest.fixture
def second_handler(ward):
    person = User.objects.create_user("xuly2.saigon", full_name="Đặng Thu Trang")
    Membership.objects.create(user=person, organization=ward, role=Role.HANDLER)
    return person


def test_an_organization_that_assigns_in_turn_shares_new_cases_evenly(ward, second_handler):
    ward.assigns_in_turn = True
    ward.save(update_fields=["assigns_in_turn"])
    first = User.objects.get(username="xuly.saigon")
    handlers = [submit().assignee for _ in range(4)]
    assert handlers == [first, second_handler, first, second_handler]
    entry = AuditEntry.objects.filter(action="case.assign").latest("seq")
    assert entry.actor is None and entry.actor_label == actions.IN_TURN


def test_the_next_in_turn_is_the_handler_with_the_fewest_open_cases(ward, second_handler):
    first = User.objects.get(username="xuly.saigon")
    for _ in range(2):
        actions.do_assign(None, submit(), first)
    closed = submit()
    actions.do_assign(None, closed, second_handler)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    # A closed case no longer counts: the first has two open cases, the second none.
    assert actions.next_in_turn(ward.pk) == second_handler
    case = actions.do_assign_in_turn(first, submit())
    assert case.assignee == second_handler


def test_without_assigning_in_turn_new_cases_wait_for_a_person(ward, second_handler):
    assert submit().assignee is None


def test_assigning_in_turn_where_nobody_handles_is_refused_and_changes_nothing(ward):
    Membership.objects.filter(organization=ward, role=Role.HANDLER).delete()
    case = submit()
    with pytest.raises(Refused) as refused:
        actions.do_assign_in_turn(User.objects.get(username="lanhdao.saigon"), case)
    assert refused.value.code == "no_handler"
    assert "vai trò xử lý" in refused.value.message
    case.refresh_from_db()
    assert case.assignee is None


def test_the_api_assigns_in_turn_when_no_person_is_named(client_for, second_handler):
    case = submit()
    response = client_for("lanhdao.saigon").post(
        f"/api/v1/cases/{case.pk}/assign", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["full_name"] == "Phạm Văn Minh"


def test_the_queue_shares_the_ticked_cases_in_turn(client_for, second_handler):
    cases = [submit(), submit(), submit()]
    response = client_for("lanhdao.saigon").post(
        reverse("cases:queue_assign"), {"cases": [case.pk for case in cases], "in_turn": "1"},
        follow=True,
    )  # fmt: skip
    assert "Đã chia lần lượt 3 vụ việc" in response.text
    first = User.objects.get(username="xuly.saigon")
    assignees = [Case.objects.get(pk=case.pk).assignee for case in cases]
    assert assignees == [first, second_handler, first]


def test_the_queue_asks_for_a_person_or_sharing_in_turn(client_for, second_handler):
    case = submit()
    response = client_for("lanhdao.saigon").post(
        reverse("cases:queue_assign"), {"cases": [case.pk]}
    )
    assert response.status_code == 400 and "Chia lần lượt" in response.text
    assert Case.objects.get(pk=case.pk).assignee is None


def test_an_administrator_turns_on_assigning_in_turn(client_for, ward):
    admin = client_for("quantri.thanhpho")
    page = admin.get(f"/quan-tri/to-chuc/{ward.pk}/sua/")
    assert page.status_code == 200 and "Tự động giao việc lần lượt" in page.text
    form = page.context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    response = admin.post(f"/quan-tri/to-chuc/{ward.pk}/sua/", {**data, "assigns_in_turn": "on"})
    assert response.status_code == 302, response.content
    ward.refresh_from_db()
    assert ward.assigns_in_turn
    entry = AuditEntry.objects.filter(action="organization.update").latest("seq")
    assert entry.data["changed"]["assigns_in_turn"] == [False, True]


def test_a_refused_case_tells_the_citizen_the_reason_and_the_law(demo, caplog):
    case = submit(kind="complaint")
    reason = RefusalReason.objects.filter(kind="complaint", is_active=True).first()
    officer = User.objects.get(username="xuly.saigon")
    with (
        caplog.at_level(logging.INFO, logger="nghedan.cases.replies"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        actions.do_refuse(officer, case, reason)
    sent = mail.outbox[-1]
    assert sent.to == ["an@example.vn"] and case.code in sent.subject
    assert reason.text in sent.body and reason.legal_reference in sent.body
    assert any(case.code in line and reason.legal_reference in line for line in caplog.messages)
