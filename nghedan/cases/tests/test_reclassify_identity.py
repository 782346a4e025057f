"""Changing a case's kind: the denouncer's identity is sealed when a case becomes a
denunciation and never unsealed by a change away from one; the running deadlines follow the
rules of the new kind and condition."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions, deadlines
from nghedan.cases.access import read_identity
from nghedan.cases.models import Case, CaseDeadline, Category, Kind, SecretIdentity, Stage
from nghedan.cases.tests.factories import DENOUNCER, SAI_GON, submit
from nghedan.lib.refusal import Refused
from nghedan.people.models import User
from nghedan.places.models import Commune

Status = Case.Status
pytestmark = pytest.mark.django_db

SENDER = {
    "submitter_name": "Nguyễn Văn An",
    "submitter_phone": "0909 123 456",
    "submitter_email": "an@example.vn",
    "submitter_address": "12 Lê Lợi, phường Sài Gòn",
}


@pytest.fixture
def handler(demo):
    return User.objects.get(username="xuly.saigon")


def classify(officer, case: Case, kind=None, condition="normal", reason="", **fields) -> Case:
    return actions.do_classify(
        officer, case, kind=kind or case.kind, category=fields.get("category", case.category),
        condition=condition, people_count=1, reason=reason,
    )  # fmt: skip


def running(case: Case, stage: str) -> CaseDeadline | None:
    return CaseDeadline.objects.filter(case=case, stage=stage, met_on__isnull=True).first()


# Feedback → denunciation: the identity is sealed apart from the case


def test_a_feedback_turned_denunciation_on_the_page_seals_the_senders_identity(client_for, demo):
    case = submit(**SENDER)
    handler = client_for("xuly.saigon")
    response = handler.post(reverse("cases:case_classify", args=[case.pk]), {
        "kind": Kind.DENUNCIATION, "category": Category.objects.get(code="official_conduct").pk,
        "condition": "normal", "people_count": 1, "reason": "",
    })  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.kind == Kind.DENUNCIATION
    on_case = (case.submitter_name, case.submitter_phone, case.submitter_email,
               case.submitter_address, case.sender_phone_tail)  # fmt: skip
    assert on_case == ("", "", "", "", "")
    assert SENDER["submitter_name"] not in case.secret_identity.ciphertext
    audited = AuditEntry.objects.get(action="case.classify", target_id=str(case.pk))
    assert audited.data["identity_sealed"] is True
    assert SENDER["submitter_name"] not in str(audited.data)

    # Nobody else reads it any more; the assigned handler does, with "Xem danh tính".
    for persona in ("tiepnhan.saigon", "giamsat.mttq.saigon"):
        page = client_for(persona).get(reverse("cases:case", args=[case.pk])).content.decode()
        assert SENDER["submitter_name"] not in page and SENDER["submitter_phone"] not in page
    officer = User.objects.get(username="xuly.saigon")
    actions.do_assign(officer, case, officer)
    revealed = handler.post(reverse("cases:case_identity", args=[case.pk])).content.decode()
    assert "Người tố cáo không để lại danh tính" not in revealed
    for value in SENDER.values():
        assert value in revealed


def test_a_denouncer_who_sent_from_their_account_is_named_by_no_case_field_or_timeline(handler):
    citizen = User.objects.get(username="nguoidan.kim")
    case = actions.do_submit_case(
        citizen, kind=Kind.FEEDBACK, channel="web",
        category=Category.objects.get(code="official_conduct"), title="Cán bộ gây khó dễ",
        description="Cán bộ một cửa đòi thêm giấy tờ không có trong quy định.",
        commune=Commune.objects.get(code=SAI_GON), submitted_by=citizen, **SENDER,
    )  # fmt: skip
    classify(handler, case, kind=Kind.DENUNCIATION)
    case.refresh_from_db()
    assert case.submitted_by is None
    assert not case.events.filter(actor=citizen).exists()
    actions.do_assign(handler, case, handler)
    assert read_identity(handler, case)["account"] == "nguoidan.kim"


def test_a_feedback_without_a_name_turned_denunciation_is_kept_as_information(handler):
    case = submit(submitter_name="", submitter_phone="0909 123 456")
    classify(handler, case, kind=Kind.DENUNCIATION)
    case.refresh_from_db()
    assert (case.kind, case.status) == (Kind.DENUNCIATION, Status.INFORMATION)
    assert case.submitter_phone == "" and case.open_due is None
    assert not CaseDeadline.objects.filter(case=case, met_on__isnull=True).exists()


def test_a_feedback_without_an_address_cannot_become_a_denunciation(handler):
    case = submit(submitter_address="")
    with pytest.raises(Refused) as refused:
        classify(handler, case, kind=Kind.DENUNCIATION)
    assert refused.value.code == "identity_required"
    case.refresh_from_db()
    assert (case.kind, case.submitter_name) == (Kind.FEEDBACK, SENDER["submitter_name"])
    assert not SecretIdentity.objects.filter(case=case).exists()


# Denunciation → another kind: refused, the identity stays sealed


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.FEEDBACK, Kind.RECOMMENDATION])
def test_a_denunciation_is_not_turned_into_another_kind(handler, kind):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    classify(handler, case)
    with pytest.raises(Refused) as refused:
        classify(handler, case, kind=kind, reason="Thực chất là khiếu nại")
    assert (refused.value.code, refused.value.field) == ("denunciation_stays", "kind")
    message = refused.value.message
    assert "giữ bí mật" in message and "Điều 47" in message and "đơn mới" in message
    case.refresh_from_db()
    assert (case.kind, case.submitter_name) == (Kind.DENUNCIATION, "")
    assert case.secret_identity.ciphertext


# The running deadlines follow the new kind and condition


def test_a_complaint_turned_feedback_stops_the_complaints_accept_deadline(handler):
    case = submit(kind=Kind.COMPLAINT, category="land_housing")
    classify(handler, case)
    assert running(case, Stage.ACCEPT) is not None
    classify(handler, case, kind=Kind.FEEDBACK, reason="Chỉ là phản ánh, không khiếu nại")
    case.refresh_from_db()
    assert running(case, Stage.ACCEPT) is None
    assert case.open_due is None


def test_a_complaint_turned_denunciation_follows_the_denunciations_accept_rule(handler):
    case = submit(kind=Kind.COMPLAINT, category="official_conduct")
    classify(handler, case)
    started = running(case, Stage.ACCEPT).starts_on
    classify(handler, case, kind=Kind.DENUNCIATION, reason="Nội dung là tố cáo cán bộ")
    accept = running(case, Stage.ACCEPT)
    assert (accept.rule.kind, accept.rule.days) == ("denunciation", 5)
    calendar = deadlines.work_calendar()
    assert accept.starts_on == started
    assert accept.due_on == calendar.add_working_days(started, 5)
    case.refresh_from_db()
    assert case.open_due == accept.due_on
    assert case.submitter_name == "" and case.secret_identity.ciphertext


def test_the_receive_stage_follows_the_rule_of_the_kind_and_condition_chosen(handler):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    received_on = timezone.localdate(case.received_at)
    classify(handler, case, condition="several_places")
    receive = CaseDeadline.objects.get(case=case, stage=Stage.RECEIVE)
    assert (receive.rule.condition, receive.rule.days) == ("several_places", 10)
    assert receive.due_on == deadlines.work_calendar().add_working_days(received_on, 10)


def test_a_feedback_turned_denunciation_gets_the_denunciations_receive_limit(handler):
    """Feedback has 10 working days to be classified, a denunciation 7 (Luật Tố cáo, Điều 24):
    counted from the day the petition came."""
    case = submit(kind=Kind.FEEDBACK, category="official_conduct", **SENDER,
                  received_on=timezone.localdate() - timedelta(days=12))  # fmt: skip
    received_on = timezone.localdate(case.received_at)
    classify(handler, case, kind=Kind.DENUNCIATION)
    receive = CaseDeadline.objects.get(case=case, stage=Stage.RECEIVE)
    assert receive.rule.kind == "denunciation"
    assert receive.due_on == deadlines.work_calendar().add_working_days(received_on, 7)
