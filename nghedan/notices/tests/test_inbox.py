"""Each person reads only their own notices and marks them read."""

import pytest
from django.urls import reverse

from nghedan.notices.actions import do_notify
from nghedan.notices.models import Notice
from nghedan.people.models import User

pytestmark = pytest.mark.django_db


def test_a_person_sees_and_clears_only_their_own_notices(client_for):
    handler = User.objects.get(username="xuly.saigon")
    other = User.objects.get(username="tiepnhan.benthanh")
    do_notify([handler], "Vụ việc ABCD-1234 sắp đến hạn")
    do_notify([other], "Vụ việc WXYZ-9876 quá hạn")
    browser = client_for("xuly.saigon")
    page = browser.get(reverse("notices:inbox")).content.decode()
    assert "ABCD-1234" in page and "WXYZ-9876" not in page
    assert browser.get(reverse("notices:mark_all_read")).status_code == 405
    browser.post(reverse("notices:mark_all_read"))
    assert not Notice.objects.filter(user=handler, read_at__isnull=True).exists()
    assert Notice.objects.filter(user=other, read_at__isnull=True).exists()


def test_an_inactive_person_gets_no_notice(demo):
    handler = User.objects.get(username="xuly.saigon")
    handler.is_active = False
    assert do_notify([handler], "Không gửi") == []
