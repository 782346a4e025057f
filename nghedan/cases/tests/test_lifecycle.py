"""The life cycle as actions: each step, the refusals, forwarding, reopening, extensions."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions
from nghedan.cases.access import read_identity
from nghedan.cases.models import Case, CaseDeadline, Category, DeadlineRule, Kind, RefusalReason
from nghedan.cases.tests.factories import DENOUNCER, submit
from nghedan.lib.refusal import Refused
from nghedan.people.models import Organization, User

Status = Case.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(demo):
    return User.objects.get(username="xuly.saigon")


def test_a_feedback_is_routed_to_the_wards_peoples_committee_with_a_receive_deadline(demo):
    case = submit()
    assert case.organization.code == "sai-gon-ubnd"
    assert case.status == Status.RECEIVED
    assert case.deadlines.get().stage == "receive"
    assert len(case.code) == 9 and case.code[4] == "-"
    assert AuditEntry.objects.filter(action="case.submit", target_id=str(case.pk)).exists()


def test_the_whole_life_of_a_complaint(officer):
    case = submit(kind=Kind.COMPLAINT, category="land_housing")
    case = actions.do_classify(
        officer, case, kind=Kind.COMPLAINT, category=case.category, condition="normal",
        people_count=1,
    )  # fmt: skip
    assert case.deadlines.get(stage="receive").met_on is not None
    assert case.deadlines.filter(stage="accept", met_on__isnull=True).exists()
    actions.do_accept(officer, case)
    resolve = case.deadlines.get(stage="resolve")
    assert resolve.rule.days == 30 and resolve.rule.basis == "calendar"
    actions.do_start_verifying(officer, case)
    actions.do_resolve(officer, case, answer="Đã kiểm tra, điều chỉnh quyết định.")
    actions.do_close(officer, case)
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert list(case.events.values_list("action", flat=True)) == [
        "received", "classified", "accepted", "verifying", "resolved", "closed",
    ]  # fmt: skip


def test_a_complaint_or_denunciation_without_identity_is_refused_and_nothing_is_created(demo):
    before = Case.objects.count()
    with pytest.raises(Refused) as refused:
        submit(kind=Kind.COMPLAINT, submitter_name="", submitter_address="")
    assert refused.value.code == "identity_required"
    assert "họ tên và địa chỉ" in refused.value.message
    assert Case.objects.count() == before


def test_an_anonymous_denunciation_is_kept_as_information(demo):
    case = submit(kind=Kind.DENUNCIATION, is_anonymous=True, submitter_name="")
    assert case.status == Status.INFORMATION
    assert not case.deadlines.exists()


def test_a_denouncers_identity_is_sealed_apart_and_read_only_by_the_assigned_handler(officer):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    assert (case.submitter_name, case.submitter_phone, case.submitter_address) == ("", "", "")
    sealed = case.secret_identity.ciphertext
    assert DENOUNCER["submitter_name"] not in sealed
    other = User.objects.get(username="tiepnhan.saigon")
    actions.do_assign(other, case, officer)
    with pytest.raises(Exception, match="Chỉ cán bộ được giao"):
        read_identity(other, case)
    identity = read_identity(officer, case)
    assert identity["name"] == DENOUNCER["submitter_name"]
    assert AuditEntry.objects.filter(action="case.identity_read", actor=officer).count() == 1
    # The audit log names the read, never the identity.
    assert not AuditEntry.objects.filter(data__icontains="Bí Mật").exists()


def test_an_action_in_the_wrong_state_is_refused_and_changes_nothing(officer):
    case = submit()
    with pytest.raises(Refused) as refused:
        actions.do_accept(officer, case)
    assert refused.value.code == "wrong_state" and refused.value.status == 409
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_of_two_officers_acting_at_once_one_wins(officer):
    case = submit()
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition="normal", people_count=1)  # fmt: skip
    stale = Case.objects.get(pk=case.pk)
    actions.do_accept(officer, case)
    with pytest.raises(Refused, match="Đã thụ lý"):
        actions.do_accept(User.objects.get(username="lanhdao.saigon"), stale)


def test_reclassifying_needs_a_reason(officer):
    case = submit()
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition="normal", people_count=1)  # fmt: skip
    traffic = Category.objects.get(code="traffic")
    with pytest.raises(Refused, match="lý do"):
        actions.do_classify(officer, case, kind=case.kind, category=traffic,
                            condition="normal", people_count=1)  # fmt: skip
    actions.do_classify(officer, case, kind=case.kind, category=traffic, condition="normal",
                        people_count=1, reason="Thuộc lĩnh vực giao thông")  # fmt: skip
    assert case.events.filter(action="reclassified", note="Thuộc lĩnh vực giao thông").exists()


def test_refusal_takes_a_reason_from_the_legal_list_for_that_kind(officer):
    case = submit(kind=Kind.COMPLAINT)
    wrong_kind = RefusalReason.objects.filter(kind=Kind.DENUNCIATION).first()
    with pytest.raises(Refused, match="không áp dụng"):
        actions.do_refuse(officer, case, wrong_kind)
    reason = RefusalReason.objects.get(code="kn-het-thoi-hieu")
    actions.do_refuse(officer, case, reason)
    case.refresh_from_db()
    assert case.status == Status.REFUSED
    public_note = case.events.get(action="refused").note
    assert "Điều 11" in public_note and reason.text in public_note


def test_forwarding_makes_a_linked_case_in_the_competent_bodys_queue(officer):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    ben_thanh = Organization.objects.get(code="ben-thanh-ubnd")
    arrived = actions.do_forward(officer, case, ben_thanh, "Thuộc thẩm quyền phường Bến Thành")
    case.refresh_from_db()
    assert case.status == Status.FORWARDED
    assert arrived.forwarded_from == case and arrived.organization == ben_thanh
    assert arrived.status == Status.RECEIVED and arrived.deadlines.filter(stage="receive").exists()
    assert arrived.secret_identity.ciphertext == case.secret_identity.ciphertext


def test_reopen_once_within_the_window(officer, settings):
    case = submit()
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition="normal", people_count=1)  # fmt: skip
    actions.do_accept(officer, case)
    actions.do_resolve(officer, case, answer="Đã vá ổ gà.")
    actions.do_reopen(None, case, "Vá chưa kỹ, lại bị sụt")
    assert case.status == Status.VERIFYING
    actions.do_resolve(officer, case, answer="Đã làm lại mặt đường.")
    with pytest.raises(Refused, match="một lần"):
        actions.do_reopen(None, case, "Vẫn chưa ổn")


def test_reopen_after_the_window_is_refused(officer, settings):
    case = submit()
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition="normal", people_count=1)  # fmt: skip
    actions.do_accept(officer, case)
    actions.do_resolve(officer, case, answer="Đã vá ổ gà.")
    Case.objects.filter(pk=case.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.REOPEN_DAYS + 1)
    )
    case.refresh_from_db()
    with pytest.raises(Refused, match="trong 30 ngày"):
        actions.do_reopen(None, case, "Chưa hài lòng")


@pytest.mark.parametrize(("condition", "allowed"), [("normal", 0), ("complex", 1),
                                                    ("especially_complex", 2)])  # fmt: skip
def test_denunciation_extensions_respect_the_laws_limit(officer, condition, allowed):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition=condition, people_count=1)  # fmt: skip
    actions.do_accept(officer, case)
    first_due = case.deadlines.get(stage="resolve").due_on
    for _ in range(allowed):
        actions.do_extend_deadline(officer, case, "Phải xác minh tại nhiều nơi")
    with pytest.raises(Refused) as refused:
        actions.do_extend_deadline(officer, case, "Thêm lần nữa")
    assert refused.value.code == "extension_limit"
    assert "Luật Tố cáo 2018, Điều 30" in refused.value.message
    deadline = case.deadlines.get(stage="resolve")
    assert deadline.extensions == allowed
    assert deadline.due_on >= first_due + timedelta(days=30 * allowed)


def test_a_second_instance_complaint_links_to_the_first_and_has_its_own_deadlines(officer):
    first = submit(kind=Kind.COMPLAINT)
    second = submit(kind=Kind.COMPLAINT, first_instance=first)
    assert second.instance == 2 and second.first_instance == first
    assert second.rule_kind == DeadlineRule.RuleKind.COMPLAINT_SECOND
    actions.do_classify(officer, second, kind=Kind.COMPLAINT, category=second.category,
                        condition="complex_remote", people_count=1)  # fmt: skip
    actions.do_accept(officer, second)
    assert second.deadlines.get(stage="resolve").rule.days == 70


def test_assigning_someone_outside_the_organization_is_refused(officer):
    case = submit()
    outsider = User.objects.get(username="tiepnhan.benthanh")
    with pytest.raises(Refused, match="không phải cán bộ xử lý"):
        actions.do_assign(officer, case, outsider)
    assert Case.objects.get(pk=case.pk).assignee is None


def test_deadline_rows_are_unique_per_stage(officer):
    case = submit()
    assert CaseDeadline.objects.filter(case=case).count() == 1
    assert isinstance(case.deadlines.get().due_on, date)


def test_the_answer_reaches_the_citizen_by_email_and_sms(
    officer, caplog, django_capture_on_commit_callbacks
):
    from django.core import mail

    case = submit()
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition="normal", people_count=1)  # fmt: skip
    actions.do_accept(officer, case)
    with caplog.at_level("INFO"), django_capture_on_commit_callbacks(execute=True):
        actions.do_resolve(officer, case, answer="Đã vá ổ gà ngày 20/11.")
    assert mail.outbox[-1].to == ["an@example.vn"]
    assert case.code in mail.outbox[-1].body and "Đã vá ổ gà" in mail.outbox[-1].body
    assert any("0909 123 456" in line and case.code in line for line in caplog.messages)


def test_an_assignment_tells_the_handler(officer):
    from nghedan.notices.models import Notice

    case = submit()
    actions.do_assign(officer, case, officer)
    assert Notice.objects.filter(user=officer, text__contains=case.code).exists()


def test_a_denunciation_conclusion_needs_its_own_published_text(officer):
    case = submit(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    actions.do_classify(officer, case, kind=case.kind, category=case.category,
                        condition="normal", people_count=1)  # fmt: skip
    actions.do_accept(officer, case)
    with pytest.raises(Refused) as refused:
        actions.do_resolve(officer, case, answer="Ông Trương Văn Bí Mật tố cáo đúng một phần.")
    assert refused.value.field == "published_answer"
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED
    actions.do_resolve(
        officer, case, answer="Nội bộ: tố cáo đúng một phần.",
        published_answer="Kết luận: tố cáo đúng một phần; đã xử lý kỷ luật.",
    )  # fmt: skip
    assert "Bí Mật" not in Case.objects.get(pk=case.pk).published_answer
