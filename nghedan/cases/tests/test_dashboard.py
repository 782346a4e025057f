"""The leader's dashboard: figures over the cases in the person's scope, a fixed number of
queries however many cases there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nghedan.cases.tests.factories import submit

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("cases:dashboard")


def queries_for(browser) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(DASHBOARD).status_code == 200
    return len(captured)


def test_the_leader_sees_the_wards_figures(client_for):
    for _ in range(3):
        submit(channel="hotline")
    page = client_for("lanhdao.saigon").get(DASHBOARD).content.decode()
    assert "Đường dây nóng" in page and "Hạ tầng" in page
    assert ">3<" in page


def test_another_ward_sees_none_of_them(client_for):
    submit()
    page = client_for("tiepnhan.benthanh").get(DASHBOARD).content.decode()
    assert "Hạ tầng" not in page


def test_the_query_count_does_not_grow_with_the_cases(client_for):
    browser = client_for("lanhdao.saigon")
    submit()
    few = queries_for(browser)
    for _ in range(20):
        submit(category="traffic")
    assert queries_for(browser) == few


@pytest.mark.parametrize(("persona", "status"), [("quantri.saigon", 403), ("nguoidan.kim", 403)])
def test_administrators_and_citizens_are_refused(client_for, persona, status):
    assert client_for(persona).get(DASHBOARD).status_code == status
