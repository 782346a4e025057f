"""The officers' pages: the queue, a case and its actions, intake.

Personas from the Hồ Chí Minh City demo: reception, handler and leader at Ủy ban nhân dân
phường Sài Gòn; the ward's Front and the city's Ban Dân vận, which supervise it; the
reception officer of phường Bến Thành; an administrator; a citizen. Cases are made with the
same action the public form uses; only the overdue date is set by hand.
"""

import re
import unicodedata
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions
from nghedan.cases.deadlines import work_calendar
from nghedan.cases.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    Category,
    Channel,
    Kind,
    RefusalReason,
    Stage,
)
from nghedan.cases.tests.factories import set_due
from nghedan.people.models import Organization, User
from nghedan.places.models import Commune

pytestmark = pytest.mark.django_db

Status = Case.Status
SAI_GON = "26740"
OFFICERS_OF_SAI_GON = ["tiepnhan.saigon", "xuly.saigon", "lanhdao.saigon"]
SUPERVISORS = ["giamsat.mttq.saigon", "giamsat.dandan"]
DENOUNCER = {
    "submitter_name": "Trịnh Công Khải",
    "submitter_phone": "0987654321",
    "submitter_email": "khai.trinh@example.vn",
    "submitter_address": "số 7 hẻm 12 Nguyễn Du",
}


def user(username: str) -> User:
    return User.objects.get(username=username)


def submit(kind=Kind.FEEDBACK, category="infrastructure", **fields) -> Case:
    values: dict[str, Any] = {
        "channel": Channel.WEB,
        "title": "Ngập nước đường Lê Lợi",
        "description": "Mỗi trận mưa đường Lê Lợi ngập sâu nửa mét.",
        "commune": Commune.objects.get(code=SAI_GON),
        "submitter_name": "Lý Thị Kim",
        "submitter_phone": "0909123456",
        "submitter_address": "12 Lê Lợi",
    }
    values.update(fields)
    return actions.do_submit_case(
        None, kind=kind, category=Category.objects.get(code=category), **values
    )


def denunciation(**fields) -> Case:
    values = {
        "title": "Cán bộ địa chính nhận tiền",
        "description": "Một cán bộ địa chính nhận tiền khi làm hồ sơ cấp phép.",
        **DENOUNCER,
    }
    values.update(fields)
    return submit(Kind.DENUNCIATION, "official_conduct", **values)


def case_url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", args=[case.pk])


def classify_data(case: Case, **changes) -> dict:
    data = {
        "kind": case.kind,
        "category": case.category_id,
        "condition": case.condition,
        "people_count": case.people_count,
        "reason": "",
    }
    data.update(changes)
    return data


def text(response) -> str:
    return response.content.decode()


def status_of(case: Case) -> str:
    return Case.objects.values_list("status", flat=True).get(pk=case.pk)


@pytest.fixture
def handler(client_for):
    return client_for("xuly.saigon")


@pytest.fixture
def ward_case(demo):
    return submit()


def accepted(case: Case, actor="lanhdao.saigon", **classification) -> Case:
    officer = user(actor)
    actions.do_classify(
        officer,
        case,
        kind=case.kind,
        category=case.category,
        condition=classification.get("condition", case.condition),
        people_count=case.people_count,
    )
    return actions.do_accept(officer, case)


# The life of a case through the pages


def test_a_case_goes_from_received_to_closed_with_its_timeline(handler, ward_case):
    case = ward_case
    page = text(handler.get(case_url("case", case)))
    assert "Lưu phân loại" in page and "Thụ lý</button>" not in page

    steps = [
        ("case_classify", classify_data(case, category=Category.objects.get(code="traffic").pk)),
        ("case_accept", {}),
        ("case_assign", {"assignee": user("xuly.saigon").pk}),
        ("case_verify", {}),
        ("case_resolve", {"answer": "Đã nạo vét cống.", "published_answer": "Đã nạo vét."}),
        ("case_close", {}),
    ]
    for name, data in steps:
        response = handler.post(case_url(name, case), data)
        assert response.status_code == 302, (name, text(response))
        assert response["Location"] == case_url("case", case)

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.category.code == "traffic"
    assert case.assignee == user("xuly.saigon")
    assert case.published_answer == "Đã nạo vét."
    page = text(handler.get(case_url("case", case)))
    timeline = page[page.index("Diễn biến") :]
    labels = ["Tiếp nhận", "Phân loại", "Thụ lý", "Giao cán bộ xử lý", "Bắt đầu xác minh",
              "Có kết quả giải quyết", "Kết thúc"]  # fmt: skip
    positions = [timeline.index(f"<strong>{label}") for label in labels]
    assert positions == sorted(positions)
    assert "Phạm Văn Minh" in timeline  # the actor
    assert "Đã kết thúc" in page
    # Nothing left to do on a closed case but to comment.
    assert 'id="action-comment"' in page and 'id="action-close"' not in page


def test_the_case_page_shows_the_facts_the_contact_and_the_deadline(handler, ward_case):
    page = text(handler.get(case_url("case", ward_case)))
    local = timezone.localtime(ward_case.received_at)
    assert local.strftime("%d/%m/%Y %H:%M") in page
    assert ward_case.code in page and "Phường Sài Gòn" in page
    assert "Ủy ban nhân dân phường Sài Gòn" in page
    assert "Lý Thị Kim" in page and "0909123456" in page
    assert "Luật Tiếp công dân 2013, Điều 28" in page
    assert "còn " in page and "ngày làm việc" in page


def test_a_refusal_needs_a_reason_of_the_cases_kind(handler, ward_case):
    complaint_reason = RefusalReason.objects.filter(kind=Kind.COMPLAINT).first()
    response = handler.post(
        case_url("case_refuse", ward_case), {"reason": complaint_reason.pk, "note": ""}
    )
    assert response.status_code == 400
    assert "Lý do này không áp dụng cho loại vụ việc này" in text(response)
    assert status_of(ward_case) == Status.RECEIVED

    feedback_reason = RefusalReason.objects.get(kind=Kind.FEEDBACK, is_active=True)
    response = handler.post(case_url("case_refuse", ward_case), {"reason": feedback_reason.pk})
    assert response.status_code == 302
    assert status_of(ward_case) == Status.REFUSED
    assert feedback_reason.text in text(handler.get(case_url("case", ward_case)))


def test_reclassifying_without_a_reason_is_refused(handler, ward_case):
    actions.do_classify(
        None, ward_case, kind=Kind.FEEDBACK, category=ward_case.category,
        condition="normal", people_count=1,
    )  # fmt: skip
    changed = classify_data(ward_case, kind=Kind.RECOMMENDATION)
    response = handler.post(case_url("case_classify", ward_case), changed)
    assert response.status_code == 400
    assert "Phân loại lại cần ghi rõ lý do." in text(response)
    assert Case.objects.get(pk=ward_case.pk).kind == Kind.FEEDBACK

    changed["reason"] = "Người dân đề xuất, không phải phản ánh."
    assert handler.post(case_url("case_classify", ward_case), changed).status_code == 302
    assert Case.objects.get(pk=ward_case.pk).kind == Kind.RECOMMENDATION


def test_forwarding_makes_a_linked_case_for_the_receiver_only(client_for, ward_case):
    reception = client_for("tiepnhan.saigon")
    ben_thanh = Organization.objects.get(code="ben-thanh-ubnd")
    response = reception.post(
        case_url("case_forward", ward_case), {"organization": ben_thanh.pk, "note": "Đúng địa bàn"}
    )
    assert response.status_code == 302
    arrived = Case.objects.get(forwarded_from=ward_case)
    assert arrived.organization == ben_thanh
    assert status_of(ward_case) == Status.FORWARDED

    other_ward = client_for("tiepnhan.benthanh")
    arrived_page = other_ward.get(case_url("case", arrived))
    assert arrived_page.status_code == 200
    assert ward_case.code in text(arrived_page)  # where it came from, without a link
    assert case_url("case", ward_case) not in text(arrived_page)
    assert other_ward.get(case_url("case", ward_case)).status_code == 404
    assert reception.get(case_url("case", arrived)).status_code == 404
    assert arrived.code in text(reception.get(case_url("case", ward_case)))


def test_the_forward_list_offers_the_usual_receivers_and_finds_any_by_name(handler, ward_case):
    usual = text(handler.get(case_url("case", ward_case)))
    form = usual[usual.index('id="action-forward"') :]
    assert "Ủy ban nhân dân phường Bến Thành" in form
    assert "Sở Xây dựng" in form
    assert "Hội Cựu chiến binh phường Bến Thành" not in form
    found = text(handler.get(case_url("case", ward_case), {"tim_co_quan": "Cựu chiến binh"}))
    form = found[found.index('id="action-forward"') :]
    assert "Hội Cựu chiến binh phường Bến Thành" in form
    assert "Sở Xây dựng" not in form


def test_an_action_in_the_wrong_state_is_409_and_changes_nothing(handler, ward_case):
    accepted(ward_case)
    before = CaseEvent.objects.filter(case=ward_case).count()
    response = handler.post(case_url("case_accept", ward_case))
    assert response.status_code == 409
    assert "Đã thụ lý" in text(response) and "tải lại trang" in text(response)
    assert status_of(ward_case) == Status.ACCEPTED
    assert CaseEvent.objects.filter(case=ward_case).count() == before


def test_the_second_of_two_officers_is_told_the_case_moved(client_for, ward_case):
    actions.do_classify(
        None, ward_case, kind=Kind.FEEDBACK, category=ward_case.category,
        condition="normal", people_count=1,
    )  # fmt: skip
    first, second = client_for("lanhdao.saigon"), client_for("xuly.saigon")
    stale = text(second.get(case_url("case", ward_case)))
    assert 'id="action-accept"' in stale

    reason = RefusalReason.objects.get(kind=Kind.FEEDBACK, is_active=True)
    assert first.post(case_url("case_refuse", ward_case), {"reason": reason.pk}).status_code == 302

    response = second.post(case_url("case_accept", ward_case))
    assert response.status_code == 409
    assert "“Không thụ lý”" in text(response)
    assert status_of(ward_case) == Status.REFUSED
    assert 'id="action-accept"' not in text(response)  # the page shows the case as it is now


@pytest.mark.parametrize(("condition", "limit"), [("complex", 1), ("especially_complex", 2)])
def test_a_denunciation_is_extended_within_the_laws_limit(handler, demo, condition, limit):
    case = accepted(denunciation(), condition=condition)
    resolve = CaseDeadline.objects.get(case=case, stage=Stage.RESOLVE)
    for _ in range(limit):
        response = handler.post(case_url("case_extend", case), {"reason": "Phải xác minh thêm"})
        assert response.status_code == 302
    resolve_after = CaseDeadline.objects.get(pk=resolve.pk)
    assert resolve_after.extensions == limit
    assert resolve_after.due_on > resolve.due_on
    assert 'id="action-extend"' not in text(handler.get(case_url("case", case)))

    response = handler.post(case_url("case_extend", case), {"reason": "Thêm lần nữa"})
    assert response.status_code == 400
    assert f"Đã gia hạn tối đa {limit} lần theo Luật Tố cáo 2018, Điều 30." in text(response)
    assert CaseDeadline.objects.get(pk=resolve.pk).due_on == resolve_after.due_on


@pytest.mark.parametrize("blank", [" ", "\u200b\u200b", "\x00"])
def test_an_extension_needs_a_reason(handler, demo, blank):
    """Invisible marks and control characters are no reason (NUL had Django's English
    message)."""
    case = accepted(denunciation(), condition="complex")
    response = handler.post(case_url("case_extend", case), {"reason": blank})
    assert response.status_code == 400
    assert "Hãy ghi lý do." in text(response)
    assert CaseDeadline.objects.get(case=case, stage=Stage.RESOLVE).extensions == 0


def test_a_denunciations_answer_needs_its_own_public_text(handler, demo):
    case = accepted(denunciation())
    page = text(handler.get(case_url("case", case)))
    assert "không được có họ tên người tố cáo" in page
    response = handler.post(case_url("case_resolve", case), {"answer": "Kết luận nội bộ."})
    assert response.status_code == 400
    assert status_of(case) == Status.ACCEPTED


def test_withdrawal_records_the_reason(handler, ward_case):
    response = handler.post(case_url("case_withdraw", ward_case), {"reason": "Có đơn xin rút"})
    assert response.status_code == 302
    assert status_of(ward_case) == Status.WITHDRAWN
    assert CaseEvent.objects.filter(case=ward_case, action="withdrawn", note="Có đơn xin rút")


# Who may do what


ACTION_URLS = [
    "case_classify", "case_accept", "case_refuse", "case_forward", "case_assign", "case_verify",
    "case_resolve", "case_close", "case_extend", "case_withdraw", "case_identity",
]  # fmt: skip


@pytest.mark.parametrize("supervisor", SUPERVISORS)
def test_a_supervisor_follows_and_comments_but_every_action_is_403(client_for, supervisor):
    case = submit()
    browser = client_for(supervisor)
    page = text(browser.get(case_url("case", case)))
    assert case.title in page
    assert 'id="action-comment"' in page and 'id="action-classify"' not in page
    for name in ACTION_URLS:
        assert browser.post(case_url(name, case), {}).status_code == 403, name
    assert status_of(case) == Status.RECEIVED

    response = browser.post(case_url("case_comment", case), {"note": "Đề nghị xử lý sớm."})
    assert response.status_code == 302
    comment = CaseEvent.objects.get(case=case, action="comment")
    assert comment.actor == user(supervisor) and comment.note == "Đề nghị xử lý sớm."


def test_a_comment_needs_words(client_for, ward_case):
    response = client_for("giamsat.mttq.saigon").post(case_url("case_comment", ward_case), {})
    assert response.status_code == 400
    assert "Hãy nhập nội dung ý kiến." in text(response)
    assert not CaseEvent.objects.filter(case=ward_case, action="comment").exists()


def test_another_wards_officer_gets_404_everywhere(client_for, ward_case):
    browser = client_for("tiepnhan.benthanh")
    assert browser.get(case_url("case", ward_case)).status_code == 404
    for name in [*ACTION_URLS, "case_comment"]:
        assert browser.post(case_url(name, ward_case), {"note": "x"}).status_code == 404, name
    assert ward_case.code not in text(browser.get(reverse("cases:queue")))


@pytest.mark.parametrize(("persona", "status"), [("quantri.saigon", 403), ("nguoidan.kim", 403)])
def test_the_queue_is_for_working_roles(client_for, persona, status):
    assert client_for(persona).get(reverse("cases:queue")).status_code == status
    assert client_for(persona).get(reverse("cases:intake")).status_code == status


def test_signed_out_people_are_sent_to_sign_in(client_for, ward_case):
    browser = client_for(None)
    for address in [reverse("cases:queue"), case_url("case", ward_case), reverse("cases:intake")]:
        assert browser.get(address).status_code == 302


# The denouncer's identity


def test_only_the_assigned_handler_reveals_the_identity_and_the_read_is_audited(client_for, demo):
    case = denunciation()
    other_officer = client_for("tiepnhan.saigon")
    assigned = client_for("xuly.saigon")
    response = assigned.post(case_url("case_assign", case), {"assignee": user("xuly.saigon").pk})
    assert response.status_code == 302

    before_reveal = text(assigned.get(case_url("case", case)))
    assert "Xem danh tính" in before_reveal
    assert DENOUNCER["submitter_name"] not in before_reveal

    assert other_officer.post(case_url("case_identity", case)).status_code == 403
    assert not AuditEntry.objects.filter(action="case.identity_read").exists()

    revealed = assigned.post(case_url("case_identity", case))
    assert revealed.status_code == 200
    for value in DENOUNCER.values():
        assert value in text(revealed)
    assert "no-store" in revealed["Cache-Control"]
    read = AuditEntry.objects.get(action="case.identity_read")
    assert read.actor == user("xuly.saigon") and read.target_id == str(case.pk)


@pytest.mark.parametrize(
    "persona", ["tiepnhan.saigon", "lanhdao.saigon", "xuly.saigon", *SUPERVISORS]
)
def test_the_denouncer_appears_in_no_page_of_anyone_else(client_for, demo, persona):
    case = denunciation()
    actions.do_assign(user("lanhdao.saigon"), case, user("xuly.saigon"))
    browser = client_for(persona)
    pages = [
        browser.get(case_url("case", case)),
        browser.get(reverse("cases:queue")),
        browser.get(reverse("cases:queue"), {"q": case.code}),
    ]
    for response in pages:
        assert response.status_code == 200
        body = text(response)
        for value in DENOUNCER.values():
            assert value not in body, (persona, value)
    case_page = text(pages[0])
    assert "Danh tính người tố cáo được giữ bí mật" in case_page
    assert ("Xem danh tính" in case_page) == (persona == "xuly.saigon")


# The queue


def test_the_queue_shows_each_row_and_marks_the_overdue_in_words(handler, demo):
    late = submit(title="Đèn đường hỏng")
    on_time = submit(title="Rác ùn ứ")
    actions.do_assign(user("lanhdao.saigon"), late, user("xuly.saigon"))
    today = timezone.localdate()
    set_due(late, today - timedelta(days=10))
    page = text(handler.get(reverse("cases:queue")))
    row = page[page.index(late.code) : page.index("</tr>", page.index(late.code))]
    expected = [
        "Đèn đường hỏng", "Phản ánh", "Hạ tầng", "Phường Sài Gòn",
        "Ủy ban nhân dân phường Sài Gòn", "Đã tiếp nhận", "Phạm Văn Minh", "Quá hạn",
    ]  # fmt: skip
    for value in expected:
        assert value in row, value
    row = page[page.index(on_time.code) : page.index("</tr>", page.index(on_time.code))]
    assert "Quá hạn" not in row and "còn " in row


def results(browser, params) -> str:
    return text(browser.get(reverse("cases:queue"), params, headers={"HX-Request": "true"}))


def test_the_queue_filters_and_sorts(handler, demo):
    road = submit(title="Ổ gà đường Hàm Nghi")
    noise = submit(Kind.RECOMMENDATION, "urban_order", title="Karaoke ồn ào")
    complaint = submit(Kind.COMPLAINT, "land_housing", title="Bồi thường chưa thỏa đáng")
    far = submit(title="Cây đổ", commune=Commune.objects.get(code="26743"))  # Bến Thành
    accepted(noise)
    today = timezone.localdate()
    set_due(road, today - timedelta(days=3))
    set_due(complaint, work_calendar().add_working_days(today, 2))

    def shown(params) -> set[str]:
        body = results(handler, params)
        return {case.code for case in (road, noise, complaint, far) if case.code in body}

    assert shown({}) == {road.code, noise.code, complaint.code}
    assert shown({"kind": Kind.COMPLAINT}) == {complaint.code}
    assert shown({"status": Status.ACCEPTED}) == {noise.code}
    assert shown({"status": "open"}) == {road.code, noise.code, complaint.code}
    assert shown({"category": "urban_order"}) == {noise.code}
    assert shown({"q": road.code.lower()}) == {road.code}
    assert shown({"q": "karaoke"}) == {noise.code}
    assert shown({"due": "overdue"}) == {road.code}
    assert shown({"due": "soon"}) == {complaint.code}
    assert shown({"commune": SAI_GON}) == {road.code, noise.code, complaint.code}
    ward = Organization.objects.get(code="sai-gon-ubnd")
    assert shown({"organization": ward.pk}) == {road.code, noise.code, complaint.code}

    by_due = results(handler, {"sort": "due"})
    assert by_due.index(road.code) < by_due.index(complaint.code)
    by_status = results(handler, {"sort": "status"})
    assert by_status.index(complaint.code) < by_status.index(noise.code)
    oldest_first = results(handler, {"sort": "received"})
    assert oldest_first.index(road.code) < oldest_first.index(complaint.code)
    assert "<html" not in by_due


def test_a_city_supervisor_sees_every_ward_and_filters_by_organization(client_for, demo):
    here, there = submit(), submit(commune=Commune.objects.get(code="26743"))
    browser = client_for("giamsat.dandan")
    body = results(browser, {})
    assert here.code in body and there.code in body
    ben_thanh = Organization.objects.get(code="ben-thanh-ubnd")
    body = results(browser, {"organization": ben_thanh.pk})
    assert there.code in body and here.code not in body
    assert 'name="cases"' not in body  # supervisors follow; they do not assign


def test_the_queue_costs_the_same_queries_for_5_and_50_cases(
    handler, demo, django_assert_max_num_queries
):
    def make(count):
        for number in range(count):
            case = submit(title=f"Phản ánh số {number}")
            actions.do_assign(user("lanhdao.saigon"), case, user("xuly.saigon"))

    make(5)
    with CaptureQueriesContext(connection) as five:
        response = handler.get(reverse("cases:queue"))
    assert text(response).count('name="cases"') == 5
    make(45)
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = handler.get(reverse("cases:queue"))
    assert text(response).count('name="cases"') == 50
    assert len(five.captured_queries) <= 20


def test_the_queue_pages_fifty_at_a_time(handler, demo):
    for number in range(51):
        submit(title=f"Phản ánh số {number}")
    first = text(handler.get(reverse("cases:queue")))
    assert first.count('name="cases"') == 50 and "Trang 1/2" in first
    assert results(handler, {"page": 2}).count('name="cases"') == 1


def test_bulk_assignment_assigns_what_it_may_and_lists_the_rest(handler, demo):
    first, second, refused = submit(), submit(), submit()
    reason = RefusalReason.objects.get(kind=Kind.FEEDBACK, is_active=True)
    actions.do_refuse(user("lanhdao.saigon"), refused, reason)
    response = handler.post(
        reverse("cases:queue_assign") + "?kind=feedback",
        {"cases": [first.pk, second.pk, refused.pk], "assignee": user("xuly.saigon").pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:queue") + "?kind=feedback"
    page = text(response)
    assert "Đã giao 2 vụ việc cho Phạm Văn Minh" in page
    assert f"Chưa giao được {refused.code}" in page
    assigned = set(
        Case.objects.filter(assignee__username="xuly.saigon").values_list("pk", flat=True)
    )
    assert assigned == {first.pk, second.pk}


def test_bulk_assignment_checks_its_input(client_for, ward_case):
    handler = client_for("xuly.saigon")
    response = handler.post(reverse("cases:queue_assign"), {"assignee": user("xuly.saigon").pk})
    assert response.status_code == 400
    assert "Hãy đánh dấu ít nhất một vụ việc" in text(response)
    outsider = user("tiepnhan.benthanh")
    response = handler.post(
        reverse("cases:queue_assign"), {"cases": [ward_case.pk], "assignee": outsider.pk}
    )
    assert response.status_code == 400
    assert "Hãy chọn một cán bộ trong danh sách." in text(response)
    assert Case.objects.get(pk=ward_case.pk).assignee is None
    supervisor = client_for("giamsat.mttq.saigon")
    response = supervisor.post(
        reverse("cases:queue_assign"), {"cases": [ward_case.pk], "assignee": outsider.pk}
    )
    assert response.status_code == 403


# Intake


def intake_data(**changes) -> dict:
    data = {
        "channel": Channel.HOTLINE,
        "kind": Kind.FEEDBACK,
        "category": "infrastructure",
        "title": "Đèn đường tắt cả tuần",
        "description": "Đèn đường trước số 20 Đồng Khởi tắt từ thứ hai.",
        "address": "20 Đồng Khởi, P. Bến Nghé, Q.1, TP.HCM",
        "commune": "",
        "organization": "",
        "submitter_name": "Trần Văn Gọi",
        "submitter_phone": "0912345678",
        "submitter_email": "",
        "submitter_address": "",
        "people_count": 1,
        "first_instance_code": "",
    }
    data.update(changes)
    return data


def test_an_officer_takes_in_a_call_from_the_hotline(client_for, demo):
    reception = client_for("tiepnhan.saigon")
    assert reception.get(reverse("cases:intake")).status_code == 200
    response = reception.post(reverse("cases:intake"), intake_data())
    case = Case.objects.get(title="Đèn đường tắt cả tuần")
    assert response.status_code == 302 and response["Location"] == case_url("case", case)
    assert case.channel == Channel.HOTLINE
    assert case.commune.code == SAI_GON
    assert case.organization.code == "sai-gon-ubnd"
    assert case.submitter_name == "Trần Văn Gọi"
    assert CaseEvent.objects.get(case=case, action="received").actor == user("tiepnhan.saigon")
    page = text(reception.get(response["Location"]))
    assert "Đường dây nóng" in page and case.code in page


def test_text_pasted_into_the_intake_is_cleaned_as_on_the_public_form(client_for, demo):
    """Decomposed letters are composed, control characters and invisible marks dropped, and a
    title made only of zero-width spaces is missing."""
    reception = client_for("tiepnhan.saigon")
    blank = reception.post(reverse("cases:intake"), intake_data(title="\u200b\u200b"))
    assert blank.status_code == 400
    assert "Hãy ghi tóm tắt vụ việc trong một câu." in text(blank)
    decomposed = unicodedata.normalize("NFD", "Cống thoát nước vỡ")
    response = reception.post(reverse("cases:intake"), intake_data(
        title=f"{decomposed}\u200b", description="Nước\x00 tràn\x1b ra đường.",
        submitter_name="\u200bTrần Văn Gọi",
    ))  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.title, case.description) == ("Cống thoát nước vỡ", "Nước tràn ra đường.")
    assert case.submitter_name == "Trần Văn Gọi"


def test_an_ambiguous_address_offers_the_communes_to_choose(client_for, demo):
    reception = client_for("tiepnhan.saigon")
    ward = Organization.objects.get(code="sai-gon-ubnd")
    data = intake_data(address="Tân Định", organization=ward.pk)
    response = reception.post(reverse("cases:intake"), data)
    assert response.status_code == 400
    assert "có thể thuộc nhiều xã, phường" in text(response)
    assert 'type="radio"' in text(response)
    assert not Case.objects.filter(title=data["title"]).exists()

    chosen = Commune.objects.get(name="Phường Tân Định", province__code="79")
    response = reception.post(reverse("cases:intake"), {**data, "commune": chosen.code})
    assert response.status_code == 302
    case = Case.objects.get(title=data["title"])
    assert case.commune == chosen and case.organization == ward


def test_a_case_sent_where_the_officer_does_not_work_leaves_them_on_intake(client_for, demo):
    reception = client_for("tiepnhan.saigon")
    department = Organization.objects.get(code="hcm-so-xay-dung")
    response = reception.post(
        reverse("cases:intake"), intake_data(organization=department.pk), follow=True
    )
    case = Case.objects.get(title="Đèn đường tắt cả tuần")
    assert case.organization == department
    assert response.redirect_chain[-1][0] == reverse("cases:intake")
    assert case.code in text(response) and "Sở Xây dựng" in text(response)


def test_intake_checks_its_input_and_creates_nothing(client_for, demo):
    reception = client_for("tiepnhan.saigon")
    before = Case.objects.count()
    response = reception.post(
        reverse("cases:intake"),
        intake_data(channel=Channel.WEB, title="", address="xyz không có"),
    )
    body = text(response)
    assert response.status_code == 400
    assert "Hãy chọn một kênh trong danh sách." in body  # hotline, letter…: not the web
    assert "Hãy ghi tóm tắt vụ việc trong một câu." in body
    assert "Không nhận ra phường, xã nào" in body
    response = reception.post(
        reverse("cases:intake"), intake_data(kind=Kind.COMPLAINT, submitter_name="")
    )
    assert response.status_code == 400
    assert "phải ghi rõ họ tên và địa chỉ" in text(response)
    assert Case.objects.count() == before


def test_intake_refuses_a_description_longer_than_four_pages(client_for, demo):
    """The pages hold officers to the API's limits: a longer letter is kept as its scan."""
    reception = client_for("tiepnhan.saigon")
    form = reception.get(reverse("cases:intake")).content.decode()
    assert re.search(r'<textarea name="description"[^>]*>', form)
    assert not re.search(r'<textarea name="description"[^>]*maxlength', form)  # no cut paste
    letter = "Ngập. " * 2000
    response = reception.post(reverse("cases:intake"), intake_data(description=letter))
    assert response.status_code == 400
    assert "Nội dung dài tối đa 10000 ký tự (đang có 11999): hãy tóm tắt" in text(response)
    assert letter.strip() in response.content.decode()  # kept, to be shortened
    assert not Case.objects.exists()
    whole = reception.post(reverse("cases:intake"), intake_data(description="x" * 10_000))
    assert whole.status_code == 302


def test_answers_reasons_and_comments_have_limits(client_for, handler, ward_case):
    """Each says how long it may be, and nothing is stored."""
    accepted(ward_case)
    tries = [
        (handler, "case_resolve", {"answer": "Đã xử lý. " * 1001}, "10000 ký tự (đang có 10009)"),
        (handler, "case_withdraw", {"reason": "r" * 2001}, "2000 ký tự (đang có 2001)"),
        (client_for("giamsat.mttq.saigon"), "case_comment", {"note": "ý " * 2501},
         "5000 ký tự (đang có 5001)"),
    ]  # fmt: skip
    for browser, name, data, told in tries:
        response = browser.post(case_url(name, ward_case), data)
        assert response.status_code == 400, name
        assert f"Dài tối đa {told}: hãy rút gọn." in text(response), name
    assert status_of(ward_case) == Status.ACCEPTED
    assert not CaseEvent.objects.filter(case=ward_case, action="comment").exists()


def test_a_denunciation_taken_in_by_an_officer_is_sealed(client_for, demo):
    reception = client_for("tiepnhan.saigon")
    data = intake_data(kind=Kind.DENUNCIATION, category="official_conduct", **DENOUNCER)
    data["channel"] = Channel.RECEPTION
    response = reception.post(reverse("cases:intake"), data)
    assert response.status_code == 302
    case = Case.objects.get(title=data["title"])
    assert case.submitter_name == "" and case.secret_identity
    page = text(reception.get(response["Location"]))
    for value in DENOUNCER.values():
        assert value not in page


@pytest.mark.parametrize("persona", [*SUPERVISORS, "quantri.saigon"])
def test_only_those_who_handle_cases_take_them_in(client_for, demo, persona):
    browser = client_for(persona)
    assert browser.get(reverse("cases:intake")).status_code == 403
    assert browser.post(reverse("cases:intake"), intake_data()).status_code == 403
    assert not Case.objects.exists()


def test_a_letter_that_came_days_ago_is_received_on_that_day(client_for, demo):
    came = timezone.localdate() - timedelta(days=6)
    reception = client_for("tiepnhan.saigon")
    data = intake_data(channel=Channel.LETTER, received_on=f"{came:%d/%m/%Y}")
    assert reception.post(reverse("cases:intake"), data).status_code == 302
    case = Case.objects.get(title=data["title"])
    assert timezone.localdate(case.received_at) == came
    assert case.deadlines.get(stage="receive").starts_on == came


def test_a_receipt_day_in_the_future_is_refused(client_for, demo):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for("tiepnhan.saigon").post(
        reverse("cases:intake"), intake_data(received_on=f"{tomorrow:%d/%m/%Y}")
    )
    assert response.status_code == 400
    assert "Ngày nhận đơn không thể sau hôm nay" in text(response)
    assert not Case.objects.filter(title="Đèn đường tắt cả tuần").exists()
