"""The leader's dashboard at its edges: an empty period, the day's edges in Asia/Ho_Chi_Minh,
a leader of one ward beside another's, a case withdrawn or reopened.

Personas of the demo: lanhdao.saigon (leader, phường Sài Gòn), xuly.saigon (handler); a leader
of phường Bến Thành is made here (lanhdao.benthanh)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from nghedan.cases import actions, counts, stats
from nghedan.cases.models import Case
from nghedan.cases.tests.factories import set_due, submit
from nghedan.people.access import working_organizations
from nghedan.people.models import Membership, Organization, Role, User

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("cases:dashboard")
SAIGON_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BEN_THANH = "26743"


def figures(username: str, days: int = 30) -> stats.Dashboard:
    user = User.objects.get(username=username)
    return stats.dashboard(working_organizations(user), timezone.localdate(), days)


def test_a_period_with_no_case_shows_dashes_not_an_error(client_for):
    response = client_for("lanhdao.saigon").get(DASHBOARD, {"ky": "365"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa có số liệu." in page and "—" in page
    empty = figures("lanhdao.saigon")
    assert empty.on_time.rate is None and empty.satisfaction["average"] is None


def test_a_leader_of_another_ward_sees_only_that_ward(client_for):
    ben_thanh = Organization.objects.get(code="ben-thanh-ubnd")
    leader = User.objects.create_user(username="lanhdao.benthanh", password="x")
    Membership.objects.create(user=leader, organization=ben_thanh, role=Role.LEADER)
    submit(channel="hotline")
    submit(commune=BEN_THANH, channel="letter")
    assert figures("lanhdao.benthanh").received == 1
    assert {row["channel"] for row in figures("lanhdao.benthanh").by_channel} == {"letter"}
    page = client_for("lanhdao.benthanh").get(DASHBOARD).content.decode()
    assert "Đường dây nóng" not in page


def test_the_day_is_the_day_in_ho_chi_minh_city(demo):
    """00:30 in Sài Gòn is still the previous day in UTC: it counts on the Sài Gòn day."""
    today = timezone.localdate()
    first_day = counts.period_start(today, 30)
    just_in = submit(title="Vừa vào kỳ")
    just_out = submit(title="Vừa ra khỏi kỳ")
    moments = {
        just_in: datetime.combine(first_day, time(0, 30), SAIGON_TZ),
        just_out: datetime.combine(first_day - timedelta(days=1), time(23, 30), SAIGON_TZ),
    }
    for case, moment in moments.items():
        Case.objects.filter(pk=case.pk).update(received_at=moment)
        counts.rebuild(case.organization_id)
    assert figures("lanhdao.saigon").received == 1


def test_withdrawn_and_reopened_cases(demo):
    officer = User.objects.get(username="xuly.saigon")
    today = timezone.localdate()
    withdrawn, reopened = submit(), submit()
    set_due(withdrawn, today - timedelta(days=3))
    actions.do_withdraw(None, withdrawn, "Đã tự giải quyết")
    actions.do_classify(officer, reopened, kind=reopened.kind, category=reopened.category,
                        condition="normal", people_count=1)  # fmt: skip
    actions.do_accept(officer, reopened)
    actions.do_resolve(officer, reopened, answer="Đã xử lý.")
    assert (figures("lanhdao.saigon").on_time.on_time, figures("lanhdao.saigon").on_time.counted) \
        == (1, 1)  # fmt: skip
    actions.do_reopen(None, reopened, "Chưa sửa xong")
    set_due(reopened, today - timedelta(days=1))
    found = figures("lanhdao.saigon")
    # The withdrawn one counts neither way; the reopened one is open and overdue again.
    assert (found.on_time.on_time, found.on_time.counted) == (0, 1)
    assert found.overdue == 1 and found.received == 2
