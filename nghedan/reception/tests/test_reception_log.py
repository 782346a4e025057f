"""The reception log through its pages: open a session, record each person received, every
matter raised becoming a case in the ward's queue; a denouncer's identity kept only with the
case, sealed; refusals with their legal reason; bad input told beside its field with nothing
changed.

Personas from the Hồ Chí Minh City demo: the reception officer, handler and leader (the ward
chairman) of Ủy ban nhân dân phường Sài Gòn.
"""

import re
import unicodedata
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nghedan.audit.models import AuditEntry
from nghedan.cases.deadlines import count_days, work_calendar
from nghedan.cases.models import Case, Category, Kind, SecretIdentity, Stage
from nghedan.lib import crypto
from nghedan.lib.refusal import Refused
from nghedan.reception import actions
from nghedan.reception.models import CrowdRule, Reception, RefusalOfReception, Visit
from nghedan.reception.tests.helpers import (
    VISITOR,
    open_session,
    organization,
    record_url,
    session_url,
    text,
    user,
    visit_data,
)

pytestmark = pytest.mark.django_db

SAI_GON = "26740"


@pytest.fixture
def session(demo):
    return open_session()


@pytest.fixture
def reception_officer(client_for):
    return client_for("tiepnhan.saigon")


def session_links(response) -> list[str]:
    return re.findall(r'href="/tiep-cong-dan/(\d+)/"', text(response))


def counts() -> tuple[int, int]:
    return Visit.objects.count(), Case.objects.count()


def field_errors(response) -> list[str]:
    return re.findall(r'<p class="field-error" id="id_(\w+)_error">([^<]+)</p>', text(response))


# Opening a session


def test_an_officer_opens_a_session_with_its_chairman_and_officers(reception_officer):
    today = timezone.localdate()
    form = text(reception_officer.get(reverse("reception:open")))
    assert f'<option value="{organization().pk}" selected>' in form and "Võ Thanh Sơn" in form
    response = reception_officer.post(reverse("reception:open"), {
        "organization": organization().pk, "held_on": today.isoformat(), "kind": "head",
        "place": "Phòng tiếp công dân, 45 Lê Duẩn", "presiding": user("lanhdao.saigon").pk,
        "officers": [user("tiepnhan.saigon").pk, user("xuly.saigon").pk], "note": "",
    })  # fmt: skip
    reception = Reception.objects.get()
    assert response.status_code == 302 and response.url == session_url(reception)
    assert reception.organization == organization() and reception.held_on == today
    assert reception.kind == Reception.Kind.HEAD and reception.presiding == user("lanhdao.saigon")
    assert set(reception.officers.values_list("username", flat=True)) == {
        "tiepnhan.saigon", "xuly.saigon"}  # fmt: skip
    entry = AuditEntry.objects.get(action="reception.open")
    assert entry.actor == user("tiepnhan.saigon") and entry.target_id == str(reception.pk)


def test_opening_a_session_accepts_the_date_as_people_write_it(reception_officer):
    response = reception_officer.post(reverse("reception:open"), {
        "organization": organization().pk, "held_on": "02/03/2026", "kind": "regular",
        "place": "Trụ sở UBND phường", "presiding": user("tiepnhan.saigon").pk,
    })  # fmt: skip
    assert response.status_code == 302
    assert f"{Reception.objects.get().held_on:%d/%m/%Y}" == "02/03/2026"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"place": "  "}, "place", "Hãy ghi địa điểm tiếp công dân."),
        ({"held_on": "31/02/2026"}, "held_on", "Ngày chưa đúng, ví dụ đúng: 07/03/2026."),
        ({"held_on": "tomorrow"}, "held_on", "không được sau hôm nay"),
        ({"kind": ""}, "kind", "Hãy chọn hình thức"),
        ({"presiding": "giamsat.mttq.saigon"}, "presiding", "Hãy chọn một cán bộ trong danh sách."),
        ({"organization": "ben-thanh-ubnd"}, "organization", "Hãy chọn một cơ quan bạn làm việc"),
    ],
)
def test_opening_refuses_bad_input_beside_its_field(reception_officer, changes, field, message):
    data = {
        "organization": organization().pk, "held_on": timezone.localdate().isoformat(),
        "kind": "regular", "place": "Trụ sở UBND phường", "presiding": user("lanhdao.saigon").pk,
    }  # fmt: skip
    if changes.get("held_on") == "tomorrow":
        changes = {"held_on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    if "presiding" in changes:
        changes = {"presiding": user(changes["presiding"]).pk}
    if "organization" in changes:
        changes = {"organization": organization(changes["organization"]).pk}
    response = reception_officer.post(reverse("reception:open"), {**data, **changes})
    assert response.status_code == 400
    errors = dict(field_errors(response))
    assert message in errors.get(field, ""), errors
    assert not Reception.objects.exists()
    assert not AuditEntry.objects.filter(action="reception.open").exists()


def test_the_action_refuses_a_presiding_officer_from_elsewhere(demo):
    with pytest.raises(Refused) as refused:
        open_session(presiding="tiepnhan.benthanh")
    assert refused.value.code == "presiding_not_member" and refused.value.field == "presiding"
    assert not Reception.objects.exists()


# Recording visits


def test_a_feedback_visit_becomes_a_case_in_the_wards_queue(reception_officer, session, client_for):
    before = AuditEntry.objects.count()
    response = reception_officer.post(record_url(session), visit_data())
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#luot-{visit.pk}")
    case = visit.case
    assert visit.outcome == Visit.Outcome.CASE and case is not None
    assert case.channel == "reception" and case.kind == Kind.FEEDBACK
    assert case.organization == organization() and case.commune.code == SAI_GON
    assert case.description == visit_data()["raised"] and case.title == visit_data()["title"]
    assert case.submitter_name == VISITOR["visitor_name"] and case.people_count == 1
    assert visit.visitor_name == VISITOR["visitor_name"]
    assert AuditEntry.objects.count() == before + 2  # the case taken in, the visit logged
    assert AuditEntry.objects.filter(action="reception.visit", target_id=str(visit.pk)).exists()

    queue = text(client_for("xuly.saigon").get(reverse("cases:queue")))
    assert case.code in queue
    page = text(reception_officer.get(session_url(session)))
    assert f'href="{reverse("cases:case", args=[case.pk])}"' in page
    assert case.code in page and VISITOR["visitor_name"] in page
    assert "Cống trước nhà bị nghẹt" in page


def test_what_the_officer_types_is_cleaned_as_on_the_public_form(reception_officer, session):
    blank = reception_officer.post(record_url(session), visit_data(title="\u200b \u200b"))
    assert blank.status_code == 400
    assert "Hãy ghi tóm tắt việc người dân nêu trong một câu." in text(blank)
    assert not Visit.objects.exists()
    decomposed = unicodedata.normalize("NFD", "Cống trước nhà bị nghẹt")
    response = reception_officer.post(record_url(session), visit_data(
        title=f"\u200b{decomposed}", raised="Nước\x00 tràn vào nhà.\x1b",
    ))  # fmt: skip
    assert response.status_code == 302
    case = Visit.objects.get().case
    assert (case.title, case.description) == ("Cống trước nhà bị nghẹt", "Nước tràn vào nhà.")


def test_a_visit_logged_after_the_session_is_received_on_the_sessions_day(reception_officer, demo):
    held_on = timezone.localdate() - timedelta(days=6)
    session = open_session(held_on=held_on)
    response = reception_officer.post(record_url(session), visit_data(
        kind="complaint", category="land_housing", title="Khiếu nại quyết định thu hồi đất",
        raised="Không đồng ý quyết định thu hồi đất số 12 của UBND phường.",
    ))  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get()
    assert timezone.localdate(case.received_at) == held_on
    deadline = case.deadlines.get(stage=Stage.RECEIVE)
    expected = count_days(deadline.rule, held_on, deadline.rule.days, work_calendar())
    assert deadline.starts_on == held_on
    assert deadline.due_on == expected == case.open_due
    entry = AuditEntry.objects.get(action="case.submit", target_id=str(case.pk))
    assert entry.data["received_on"] == held_on.isoformat()


def test_the_officer_is_told_the_code_to_give_the_visitor(reception_officer, session):
    response = reception_officer.post(record_url(session), visit_data(), follow=True)
    code = Case.objects.get().code
    assert f"mã số {code}" in text(response)
    assert "Hãy báo mã số này cho người dân" in text(response)


def test_a_denunciation_keeps_the_identity_with_the_case_sealed_not_in_the_log(
    reception_officer, session, client_for
):
    response = reception_officer.post(record_url(session), visit_data(
        kind="denunciation", category="official_conduct",
        title="Cán bộ địa chính đòi tiền", id_number="079 200 123 456",
        raised="Cán bộ địa chính phường đòi 5 triệu đồng mới nhận hồ sơ.",
    ))  # fmt: skip
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert (visit.visitor_name, visit.visitor_phone, visit.visitor_address, visit.id_number) == (
        "", "", "", "")  # fmt: skip
    assert visit.identity_sealed and visit.case.kind == Kind.DENUNCIATION
    assert visit.case.submitter_name == "" and visit.case.status == Case.Status.RECEIVED
    sealed = crypto.unseal(SecretIdentity.objects.get(case=visit.case).ciphertext)
    assert sealed["name"] == VISITOR["visitor_name"]
    assert sealed["address"] == VISITOR["visitor_address"]

    secrets = [VISITOR["visitor_name"], VISITOR["visitor_phone"], "25 Hàm Nghi", "079200123456",
               "079 200 123 456"]  # fmt: skip
    for persona in ["tiepnhan.saigon", "lanhdao.saigon", "giamsat.mttq.saigon"]:
        browser = client_for(persona)
        for address in [session_url(session), reverse("reception:list")]:
            page = text(browser.get(address))
            assert not [secret for secret in secrets if secret in page], (persona, address)
    page = text(reception_officer.get(session_url(session)))
    assert "danh tính người tố cáo được giữ bí mật cùng vụ việc" in page
    audit = str(list(AuditEntry.objects.values_list("data", flat=True)))
    assert not [secret for secret in secrets if secret in audit]


def test_a_group_of_six_is_one_case_for_six_people_marked_as_a_crowd(reception_officer, session):
    reception_officer.post(record_url(session), visit_data(group_size="6"))
    reception_officer.post(record_url(session), visit_data(group_size="4", title="Đèn đường hỏng"))
    crowd, small = Visit.objects.order_by("pk")
    assert crowd.case.people_count == 6 and small.case.people_count == 4
    page = text(reception_officer.get(session_url(session)))
    assert page.count("<strong>Đoàn đông người</strong>") == 1
    row = page.split(f'id="luot-{crowd.pk}"')[1].split("</tr>")[0]
    assert "Đoàn đông người" in row


def test_the_crowd_threshold_is_the_rule_in_force_on_the_day(reception_officer, session):
    CrowdRule.objects.create(min_people=3, valid_from=session.held_on,
                             legal_reference="Quy định thử")  # fmt: skip
    reception_officer.post(record_url(session), visit_data(group_size="4"))
    assert "<strong>Đoàn đông người</strong>" in text(reception_officer.get(session_url(session)))


def test_a_guided_visit_makes_no_case_and_says_how_they_were_guided(reception_officer, session):
    response = reception_officer.post(record_url(session), visit_data(
        outcome="guided", kind="", category="",
        note="Hướng dẫn liên hệ Văn phòng đăng ký đất đai để làm thủ tục.",
    ))  # fmt: skip
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.outcome == Visit.Outcome.GUIDED and visit.case is None
    assert not Case.objects.exists()
    assert "Văn phòng đăng ký đất đai" in text(reception_officer.get(session_url(session)))


def test_refused_reception_records_the_legal_reason_and_creates_nothing_else(
    reception_officer, session
):
    reason = RefusalOfReception.objects.get(code="say-mat-kiem-soat")
    response = reception_officer.post(record_url(session), visit_data(
        outcome="refused", kind="", category="", title="", raised="", visitor_name="",
        visitor_address="", visitor_phone="", refusal=reason.pk,
        note="Người đến có nồng độ cồn, nói năng không rõ ràng.",
    ))  # fmt: skip
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.outcome == Visit.Outcome.REFUSED and visit.refusal == reason
    assert visit.case is None and not Case.objects.exists()
    entry = AuditEntry.objects.get(action="reception.refuse")
    assert entry.data["reason"] == "say-mat-kiem-soat"
    page = text(reception_officer.get(session_url(session)))
    assert "Từ chối tiếp" in page and "Luật Tiếp công dân 2013, Điều 9 khoản 1" in page


def test_the_refusal_reasons_are_rows_with_their_article_of_the_law():
    reasons = dict(RefusalOfReception.objects.values_list("code", "legal_reference"))
    assert reasons == {
        "say-mat-kiem-soat": "Luật Tiếp công dân 2013, Điều 9 khoản 1",
        "de-doa-xuc-pham": "Luật Tiếp công dân 2013, Điều 9 khoản 2",
        "da-giai-quyet-dung-phap-luat": "Luật Tiếp công dân 2013, Điều 9 khoản 3",
    }


def test_a_retired_reason_can_no_longer_be_chosen(reception_officer, session):
    reason = RefusalOfReception.objects.get(code="de-doa-xuc-pham")
    RefusalOfReception.objects.filter(pk=reason.pk).update(is_active=False)
    response = reception_officer.post(
        record_url(session), visit_data(outcome="refused", refusal=reason.pk)
    )
    assert response.status_code == 400
    assert dict(field_errors(response))["refusal"] == "Hãy chọn một lý do trong danh sách."
    assert not Visit.objects.exists()


# Bad input


BAD_VISITS = [
    ({"raised": "   "}, {"raised": "Hãy ghi nội dung người dân trình bày."}),
    (
        {"kind": "complaint", "visitor_name": ""},
        {"visitor_name": "Khiếu nại, tố cáo phải ghi rõ họ tên người đến"},
    ),
    (
        {"kind": "complaint", "visitor_name": "", "visitor_address": ""},
        {
            "visitor_name": "Khiếu nại, tố cáo phải ghi rõ họ tên người đến",
            "visitor_address": "Khiếu nại, tố cáo phải ghi rõ địa chỉ người đến",
        },
    ),
    (
        {"kind": "denunciation", "visitor_address": ""},
        {"visitor_address": "Khiếu nại, tố cáo phải ghi rõ địa chỉ người đến"},
    ),
    (
        {"kind": "", "category": "", "title": ""},
        {
            "kind": "Hãy chọn loại: phản ánh, kiến nghị, khiếu nại hay tố cáo.",
            "category": "Hãy chọn lĩnh vực.",
            "title": "Hãy ghi tóm tắt việc người dân nêu trong một câu.",
        },
    ),
    ({"group_size": "0"}, {"group_size": "Số người đến ít nhất là 1"}),
    ({"group_size": "sáu"}, {"group_size": "Số người phải là một số, ví dụ 1 hoặc 6."}),
    ({"id_number": "12345"}, {"id_number": "Số căn cước gồm 12 chữ số"}),
    ({"outcome": "guided", "note": ""}, {"note": "Hãy ghi đã hướng dẫn, giải thích những gì"}),
    ({"outcome": "refused"}, {"refusal": "Hãy chọn lý do từ chối tiếp theo Luật Tiếp công dân"}),
    ({"outcome": ""}, {"outcome": "Hãy chọn kết quả tiếp."}),
    ({"category": "khong-co"}, {"category": "Hãy chọn một lĩnh vực trong danh sách."}),
    (
        {"raised": "Đất. " * 2001},
        {"raised": "Nội dung dài tối đa 10000 ký tự (đang có 10004): hãy tóm tắt"},
    ),
    ({"note": "n" * 2001}, {"note": "Dài tối đa 2000 ký tự (đang có 2001): hãy rút gọn."}),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_VISITS)
def test_bad_input_is_told_beside_each_field_and_nothing_is_created(
    reception_officer, session, changes, expected
):
    before, audit_before = counts(), AuditEntry.objects.count()
    response = reception_officer.post(record_url(session), visit_data(**changes))
    assert response.status_code == 400
    errors = dict(field_errors(response))
    assert set(errors) == set(expected), errors
    for field, message in expected.items():
        assert message in errors[field], (field, errors[field])
    assert "Chưa ghi được lượt tiếp." in text(response)
    assert counts() == before and AuditEntry.objects.count() == audit_before


def test_the_action_refuses_a_complaint_without_a_name_and_changes_nothing(session):
    before = counts()
    with pytest.raises(Refused) as refused:
        actions.do_record_visit(
            user("tiepnhan.saigon"), session, kind=Kind.COMPLAINT,
            category=Category.objects.get(code="land_housing"), title="Khiếu nại thu hồi đất",
            raised="Không đồng ý quyết định thu hồi đất.", visitor_name="",
            visitor_address="12 Lê Lợi",
        )  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("identity_required", "visitor_name")
    assert counts() == before


def test_the_action_refuses_reception_only_for_a_reason_in_force(session):
    reason = RefusalOfReception.objects.get(code="de-doa-xuc-pham")
    reason.is_active = False
    reason.save(update_fields=["is_active"])
    for given in [None, reason]:
        with pytest.raises(Refused) as refused:
            actions.do_refuse_reception(user("tiepnhan.saigon"), session, reason=given)
        assert (refused.value.code, refused.value.field) == ("reason_required", "refusal")
    assert not Visit.objects.exists()


# The ID number


def test_the_id_number_is_encrypted_and_each_read_is_audited(
    reception_officer, session, client_for
):
    reception_officer.post(record_url(session), visit_data(id_number="079 200 123 456"))
    visit = Visit.objects.get()
    assert "079200123456" not in visit.id_number and visit.has_id_number
    page = text(reception_officer.get(session_url(session)))
    assert "079200123456" not in page
    reveal = reverse("reception:visit_id_number", args=[visit.pk])
    assert f'action="{reveal}"' in page

    shown = reception_officer.post(reveal)
    assert shown.status_code == 200 and "079200123456" in text(shown)
    assert "no-store" in shown["Cache-Control"]
    entry = AuditEntry.objects.get(action="reception.visit.id_number_read")
    assert entry.actor == user("tiepnhan.saigon") and entry.target_id == str(visit.pk)

    supervisor = client_for("giamsat.mttq.saigon")
    assert f'action="{reveal}"' not in text(supervisor.get(session_url(session)))
    assert supervisor.post(reveal).status_code == 403
    assert client_for("tiepnhan.benthanh").post(reveal).status_code == 404
    assert client_for("quantri.saigon").post(reveal).status_code == 403
    assert AuditEntry.objects.filter(action="reception.visit.id_number_read").count() == 1
    for persona in ["tiepnhan.saigon", "giamsat.mttq.saigon"]:
        listing = text(client_for(persona).get(reverse("reception:list")))
        assert "079200123456" not in listing and "079 200 123 456" not in listing


def test_a_visit_without_an_id_number_has_nothing_to_reveal(reception_officer, session):
    reception_officer.post(record_url(session), visit_data())
    visit = Visit.objects.get()
    assert not visit.has_id_number
    reveal = reverse("reception:visit_id_number", args=[visit.pk])
    assert reception_officer.post(reveal).status_code == 404
    assert not AuditEntry.objects.filter(action="reception.visit.id_number_read").exists()


# The printable log and the list


def test_the_session_page_prints_as_a_table_dated_day_month_year(reception_officer, demo):
    session = open_session(held_on=timezone.localdate() - timedelta(days=3))
    reception_officer.post(record_url(session), visit_data())
    page = text(reception_officer.get(session_url(session)))
    day = f"{session.held_on:%d/%m/%Y}"
    assert '<style media="print">' in page
    assert f"<td>{day}</td>" in page and f"Buổi tiếp ngày {day}" in page
    assert "Lãnh đạo tiếp" in page and "Võ Thanh Sơn" in page


def test_the_list_filters_by_organization_and_month(client_for, demo):
    earlier = open_session(held_on=timezone.localdate().replace(day=1) - timedelta(days=40))
    this_month = open_session(held_on=timezone.localdate().replace(day=1))
    ben_thanh = open_session("ben-thanh-ubnd", presiding="tiepnhan.benthanh")
    supervisor = client_for("giamsat.dandan")  # follows every ward of the city
    listing = reverse("reception:list")

    def shown(**query) -> set[int]:
        return {int(pk) for pk in session_links(supervisor.get(listing, query))}

    assert shown() == {earlier.pk, this_month.pk, ben_thanh.pk}
    assert shown(organization=organization().pk) == {earlier.pk, this_month.pk}
    assert shown(month=f"{earlier.held_on:%Y-%m}") == {earlier.pk}
    assert shown(month=f"{earlier.held_on:%m/%Y}") == {earlier.pk}
    page = text(supervisor.get(listing, {"month": "tháng ba"}))
    assert "Tháng chưa đúng, ví dụ đúng: 03/2026." in page


def test_the_list_counts_visits_people_and_cases(reception_officer, session):
    reception_officer.post(record_url(session), visit_data(group_size="6"))
    reception_officer.post(record_url(session), visit_data(outcome="guided", note="Đã giải thích."))
    page = text(reception_officer.get(reverse("reception:list")))
    row = page.split(f'href="{session_url(session)}"')[1].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)</td>", row)[-3:] == ["2", "7", "1"]


def test_the_list_costs_the_same_queries_for_5_and_50_sessions(
    reception_officer, demo, django_assert_max_num_queries
):
    def make(count):
        for _ in range(count):
            session = open_session()
            actions.do_refuse_reception(
                user("tiepnhan.saigon"), session,
                reason=RefusalOfReception.objects.get(code="de-doa-xuc-pham"),
            )  # fmt: skip

    make(5)
    with CaptureQueriesContext(connection) as five:
        response = reception_officer.get(reverse("reception:list"))
    assert len(session_links(response)) == 5
    make(45)
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = reception_officer.get(reverse("reception:list"))
    assert len(session_links(response)) == 50
    assert len(five.captured_queries) <= 15


def test_the_list_pages_fifty_at_a_time(reception_officer, demo):
    for _ in range(51):
        open_session()
    first = reception_officer.get(reverse("reception:list"))
    assert len(session_links(first)) == 50 and "Trang 1/2" in text(first)
    second = reception_officer.get(reverse("reception:list"), {"page": 2})
    assert len(session_links(second)) == 1
