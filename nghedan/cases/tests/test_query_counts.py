"""The officer's queue, the overdue list and the leader's dashboard run as many queries for
50 cases as for 5: nothing is fetched per row, and nothing grows with the page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nghedan.cases import actions
from nghedan.cases.tests.factories import set_due, submit
from nghedan.people.models import User

pytestmark = pytest.mark.django_db

PAGES = [
    "/can-bo/vu-viec/",
    "/can-bo/vu-viec/?status=open&sort=due",
    "/can-bo/vu-viec/?due=overdue",
    "/can-bo/tong-quan/",
    "/can-bo/tong-quan/?ky=365",
]


def add_cases(how_many: int) -> None:
    """Open cases, a third of them overdue and assigned, of several categories and channels."""
    officer = User.objects.get(username="xuly.saigon")
    leader = User.objects.get(username="lanhdao.saigon")
    overdue_on = timezone.localdate() - timedelta(days=3)
    for number in range(how_many):
        case = submit(
            title=f"Việc số {number}",
            category=("infrastructure", "traffic", "environment")[number % 3],
            channel=("web", "hotline")[number % 2],
        )
        if number % 3 == 0:
            set_due(case, overdue_on)
            actions.do_assign(leader, case, officer)


def queries(browser, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["xuly.saigon", "lanhdao.saigon", "giamsat.dandan"])
def test_the_query_count_is_the_same_for_5_and_for_50_cases(client_for, persona):
    browser = client_for(persona)
    add_cases(5)
    few = {path: queries(browser, path) for path in PAGES}
    add_cases(45)
    many = {path: queries(browser, path) for path in PAGES}
    assert many == few
    overdue = browser.get("/can-bo/vu-viec/?due=overdue").content.decode()
    assert "17 vụ việc" in overdue  # 2 of the first 5, 15 of the next 45


def test_the_queue_says_more_than_the_cap_instead_of_counting_everything(client_for, monkeypatch):
    from nghedan.cases.officer_views import CappedPaginator

    add_cases(5)
    browser = client_for("xuly.saigon")
    assert "5 vụ việc" in browser.get("/can-bo/vu-viec/").content.decode()
    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 3)
    page = browser.get("/can-bo/vu-viec/").content.decode()
    assert "Hơn 3 vụ việc" in page and "5 vụ việc" not in page


def test_the_commune_filter_offers_the_communes_of_the_organizations(demo):
    from nghedan.cases.officer_forms import QueueFilterForm

    def communes(persona: str) -> set[str]:
        form = QueueFilterForm(User.objects.get(username=persona))
        field = form.fields["commune"]
        assert isinstance(field, ModelChoiceField) and field.queryset is not None
        return set(field.queryset.values_list("code", flat=True))

    ward = communes("xuly.saigon")
    assert "26740" in ward and "26743" not in ward  # Sài Gòn, not Bến Thành
    assert {"26740", "26743"} <= communes("giamsat.dandan")
