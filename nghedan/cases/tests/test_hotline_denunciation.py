"""A denunciation is made by a letter or in person (Luật Tố cáo 2018, Điều 22); one made by
phone is kept as information, not processed as a denunciation (Điều 25)."""

import pytest
from django.urls import reverse

from nghedan.cases import actions
from nghedan.cases.models import Case, Category, Channel, Kind
from nghedan.cases.tests.factories import DENOUNCER, submit
from nghedan.people.models import User

Status = Case.Status
pytestmark = pytest.mark.django_db


def intake_data(**changes) -> dict:
    return {
        "channel": Channel.HOTLINE, "kind": Kind.DENUNCIATION, "category": "official_conduct",
        "title": "Cán bộ địa chính đòi tiền", "description": "Người gọi kể cán bộ đòi tiền.",
        "address": "20 Đồng Khởi, P. Bến Nghé, Q.1, TP.HCM", "commune": "", "organization": "",
        "submitter_name": DENOUNCER["submitter_name"],
        "submitter_phone": DENOUNCER["submitter_phone"], "submitter_email": "",
        "submitter_address": DENOUNCER["submitter_address"], "people_count": 1,
        "first_instance_code": "",
        **changes,
    }  # fmt: skip


def test_a_denunciation_by_phone_is_kept_as_information_with_the_reason(client_for, demo):
    reception = client_for("tiepnhan.saigon")
    response = reception.post(reverse("cases:intake"), intake_data())
    assert response.status_code == 302
    case = Case.objects.get(title="Cán bộ địa chính đòi tiền")
    assert (case.kind, case.channel, case.status) == (
        Kind.DENUNCIATION,
        Channel.HOTLINE,
        Status.INFORMATION,
    )
    assert not case.deadlines.exists() and case.open_due is None
    # The caller's identity is still a denouncer's: sealed, not on the case.
    assert case.submitter_name == "" and case.submitter_phone == ""
    assert DENOUNCER["submitter_name"] not in case.secret_identity.ciphertext
    note = case.events.get(action="received").note
    assert "Điều 22" in note and "Điều 25" in note and "bằng đơn hoặc" in note
    assert case.events.get(action="received").public


def test_a_denunciation_by_letter_taken_in_by_an_officer_is_processed(client_for, demo):
    reception = client_for("tiepnhan.saigon")
    response = reception.post(reverse("cases:intake"), intake_data(channel=Channel.LETTER))
    assert response.status_code == 302
    case = Case.objects.get(title="Cán bộ địa chính đòi tiền")
    assert case.status == Status.RECEIVED and case.deadlines.filter(stage="receive").exists()


def test_a_hotline_feedback_turned_denunciation_is_kept_as_information(demo):
    officer = User.objects.get(username="xuly.saigon")
    case = submit(channel=Channel.HOTLINE, category="official_conduct", **DENOUNCER)
    actions.do_classify(officer, case, kind=Kind.DENUNCIATION,
                        category=Category.objects.get(code="official_conduct"),
                        condition="normal", people_count=1)  # fmt: skip
    case.refresh_from_db()
    assert (case.kind, case.status, case.open_due) == (Kind.DENUNCIATION, Status.INFORMATION, None)
    assert case.submitter_name == "" and case.secret_identity.ciphertext
