"""The cases API: who sees and acts on which case, staff intake, every step, and a denouncer's
identity that never leaves the sealed store."""

import unicodedata
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nghedan.cases import actions
from nghedan.cases.models import Case, CaseEvent, Category, Kind, SecretIdentity
from nghedan.people.models import Organization, User
from nghedan.places.models import Commune

CASES = "/api/v1/cases"
SAI_GON = "26740"
DENOUNCER = {
    "submitter_name": "Trương Văn Kín Tên",
    "submitter_phone": "0912 345 678",
    "submitter_email": "kinten@example.vn",
    "submitter_address": "18 Hẻm Bí Mật, phường Sài Gòn",
}
CONTACT = {
    "submitter_name": "Nguyễn Văn An",
    "submitter_phone": "0909 123 456",
    "submitter_email": "an@example.vn",
    "submitter_address": "12 Lê Lợi, phường Sài Gòn",
}


def submit(kind=Kind.FEEDBACK, category="infrastructure", actor=None, **fields) -> Case:
    values = {
        "channel": "web",
        "title": "Ổ gà lớn trước số 12 Lê Lợi",
        "description": "Ổ gà sâu khoảng 20 cm, xe máy đã ngã hai lần trong tuần.",
        **CONTACT,
        **fields,
    }
    return actions.do_submit_case(
        actor,
        kind=kind,
        category=Category.objects.get(code=category),
        commune=Commune.objects.get(code=SAI_GON),
        **values,
    )


def denunciation(actor=None, **fields) -> Case:
    return submit(
        Kind.DENUNCIATION,
        "official_conduct",
        actor=actor,
        channel="reception",
        title="Tố cáo cán bộ nhận tiền khi hướng dẫn hồ sơ",
        description="Cán bộ tiếp nhận hồ sơ yêu cầu đưa tiền để giải quyết nhanh.",
        **{**DENOUNCER, **fields},
    )


def post(client, path, data=None, **headers):
    return client.post(path, data or {}, content_type="application/json", headers=headers)


def codes(response) -> set[str]:
    return {item["code"] for item in response.json()["items"]}


def new_case(**fields) -> dict:
    return {
        "kind": "feedback",
        "channel": "hotline",
        "category": "environment",
        "title": "Rác thải đổ trộm cạnh kênh Nhiêu Lộc",
        "description": "Đêm nào cũng có xe ba gác đổ rác xây dựng xuống bờ kênh.",
        "commune": SAI_GON,
        **CONTACT,
        **fields,
    }


def user(username: str) -> User:
    return User.objects.get(username=username)


# Who sees what


def test_the_ward_officers_see_their_cases_and_the_others_do_not(client_for):
    case = submit()
    for username in ("tiepnhan.saigon", "xuly.saigon", "giamsat.mttq.saigon"):
        response = client_for(username).get(CASES)
        assert response.status_code == 200, username
        assert case.code in codes(response), username
    assert case.code not in codes(client_for("tiepnhan.benthanh").get(CASES))
    administrator = client_for("quantri.saigon").get(CASES)
    assert administrator.status_code == 200
    assert administrator.json() == {"items": [], "count": 0}


def test_a_case_is_read_by_its_ward_and_its_supervisor_only(client_for):
    case = submit()
    path = f"{CASES}/{case.pk}"
    for username in ("tiepnhan.saigon", "xuly.saigon", "giamsat.mttq.saigon"):
        assert client_for(username).get(path).status_code == 200, username
    for username in ("tiepnhan.benthanh", "quantri.saigon"):
        response = client_for(username).get(path)
        assert response.status_code == 404, username
        assert response.json()["code"] == "not_found"
        assert case.title not in response.content.decode()


def test_without_signing_in_nothing_is_shown(client_for):
    case = submit()
    anonymous = client_for(None)
    for path in (CASES, f"{CASES}/{case.pk}"):
        response = anonymous.get(path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    assert post(anonymous, f"{CASES}/{case.pk}/comment", {"note": "?"}).status_code == 401
    assert not CaseEvent.objects.filter(case=case, action="comment").exists()


def test_the_detail_has_the_timeline_deadlines_and_the_contact(client_for):
    case = submit()
    body = client_for("xuly.saigon").get(f"{CASES}/{case.pk}").json()
    assert body["code"] == case.code
    assert body["kind"] == "feedback" and body["kind_label"] == "Phản ánh"
    assert body["status"] == "received" and body["status_label"] == "Đã tiếp nhận"
    assert body["category"] == {"code": "infrastructure", "name": "Hạ tầng"}
    assert body["commune"] == {"code": SAI_GON, "name": "Phường Sài Gòn"}
    assert body["organization"]["name"] == "Ủy ban nhân dân phường Sài Gòn"
    assert body["description"] == case.description
    assert body["submitter"] == {
        "name": "Nguyễn Văn An",
        "phone": "0909 123 456",
        "email": "an@example.vn",
        "address": "12 Lê Lợi, phường Sài Gòn",
    }
    [deadline] = body["deadlines"]
    assert deadline["stage"] == "receive" and deadline["met_on"] is None
    assert deadline["due_on"] == body["due_on"]
    assert deadline["legal_reference"]
    assert [event["action"] for event in body["timeline"]] == ["received"]
    assert body["may_act"] is True
    assert client_for("giamsat.mttq.saigon").get(f"{CASES}/{case.pk}").json()["may_act"] is False


def test_the_list_filters(client_for):
    feedback = submit()
    recommendation = submit(Kind.RECOMMENDATION, "traffic", title="Đề nghị lắp đèn tín hiệu")
    officer = client_for("tiepnhan.saigon")
    ward = Organization.objects.get(code="sai-gon-ubnd")
    assert codes(officer.get(CASES, {"kind": "recommendation"})) >= {recommendation.code}
    assert feedback.code not in codes(officer.get(CASES, {"kind": "recommendation"}))
    assert recommendation.code not in codes(officer.get(CASES, {"category": "infrastructure"}))
    assert feedback.code in codes(officer.get(CASES, {"commune": SAI_GON, "status": "received"}))
    assert feedback.code not in codes(officer.get(CASES, {"status": "accepted"}))
    assert feedback.code in codes(officer.get(CASES, {"organization": ward.pk}))
    assert not codes(officer.get(CASES, {"organization": ward.pk + 10000}))
    wrong = officer.get(CASES, {"kind": "gossip", "limit": 101})
    assert wrong.status_code == 422
    assert set(wrong.json()["fields"]) == {"kind", "limit"}


def test_the_list_costs_the_same_queries_whatever_the_page_size(client_for):
    for number in range(30):
        case = submit(title=f"Ổ gà số {number}")
        if number % 2:
            actions.do_assign(None, case, user("xuly.saigon"))
    officer = client_for("xuly.saigon")

    def queries_for(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = officer.get(CASES, {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        return len(captured)

    assert queries_for(30) == queries_for(3)


# Staff intake


def test_an_officer_takes_in_a_case_from_the_hotline(client_for):
    response = post(client_for("tiepnhan.saigon"), CASES, new_case())
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert case.channel == "hotline" and body["channel_label"] == "Đường dây nóng"
    assert case.organization.code == "sai-gon-ubnd"
    assert case.submitter_name == "Nguyễn Văn An"
    assert body["timeline"][0]["actor"]["full_name"] == "Lê Thị Hồng"


def test_the_place_is_found_from_the_address_in_old_names(client_for):
    data = new_case(commune=None, address="P. Bến Nghé, Q.1, TP.HCM")
    response = post(client_for("tiepnhan.saigon"), CASES, data)
    assert response.status_code == 201
    assert response.json()["commune"]["code"] == SAI_GON


def test_an_ambiguous_address_lists_the_communes_and_creates_nothing(client_for):
    before = Case.objects.count()
    response = post(
        client_for("tiepnhan.saigon"), CASES, new_case(commune=None, address="Phường 1")
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ambiguous_place"
    assert body["message"].startswith("Địa chỉ “Phường 1” có thể thuộc nhiều xã, phường")
    assert body["fields"]["address"] == [body["message"]]
    assert "(" in body["message"] and "nơi khác" in body["message"]
    assert Case.objects.count() == before


def test_bad_input_is_named_field_by_field_and_nothing_is_created(client_for):
    before = Case.objects.count()
    data = new_case(
        kind="rumour", channel="web", title="", commune="1", submitter_email="an@", extra=1
    )
    response = post(client_for("tiepnhan.saigon"), CASES, data)
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"kind", "channel", "title", "commune", "submitter_email", "extra"}
    assert fields["title"] == ["Trường này không được để trống."]
    assert fields["commune"] == ["Mã xã, phường gồm 5 chữ số, ví dụ 26740 (Phường Sài Gòn)."]
    assert fields["submitter_email"] == ["Địa chỉ e-mail chưa đúng, ví dụ đúng: ten@example.vn."]
    assert fields["extra"][0].startswith("Trường này không được chấp nhận")
    assert Case.objects.count() == before


def test_text_is_read_as_the_pages_read_it(client_for):
    """Composed letters, no control characters (PostgreSQL refuses NUL: it was a 500) and no
    invisible marks, so that a title of zero-width spaces is missing, as on the forms."""
    officer = client_for("tiepnhan.saigon")
    blank = post(officer, CASES, new_case(title="\u200b\u200b"))
    assert blank.status_code == 422
    assert blank.json()["fields"]["title"] == ["Trường này không được để trống."]
    decomposed = unicodedata.normalize("NFD", "Cống vỡ")
    response = post(officer, CASES, new_case(
        title=f"{decomposed}\x00", description="Nước\x1b tràn\u200b ra đường.",
        submitter_name="\u200bNguyễn Văn An",
    ))  # fmt: skip
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert (case.title, case.description) == ("Cống vỡ", "Nước tràn ra đường.")
    assert case.submitter_name == "Nguyễn Văn An"


def test_an_unknown_category_or_a_missing_identity_is_refused(client_for):
    officer = client_for("tiepnhan.saigon")
    before = Case.objects.count()
    unknown = post(officer, CASES, new_case(category="weather"))
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_category"
    assert "weather" in unknown.json()["fields"]["category"][0]
    complaint = post(officer, CASES, new_case(kind="complaint", submitter_name=""))
    assert complaint.status_code == 400
    assert complaint.json()["code"] == "identity_required"
    assert "submitter_name" in complaint.json()["fields"]
    assert Case.objects.count() == before


def test_only_officers_who_handle_cases_take_them_in(client_for):
    before = Case.objects.count()
    for username in ("giamsat.mttq.saigon", "quantri.saigon", "nguoidan.kim"):
        response = post(client_for(username), CASES, new_case())
        assert response.status_code == 403, username
    assert Case.objects.count() == before


def test_a_retried_intake_with_the_same_key_makes_one_case(client_for):
    officer = client_for("tiepnhan.saigon")
    first = post(officer, CASES, new_case(), **{"Idempotency-Key": "hotline-0815-1"})
    again = post(officer, CASES, new_case(), **{"Idempotency-Key": "hotline-0815-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["code"] == first.json()["code"]
    assert Case.objects.filter(title=new_case()["title"]).count() == 1


# The steps


def test_a_case_goes_from_intake_to_closed(client_for):
    case = submit()
    officer = client_for("xuly.saigon")
    path = f"{CASES}/{case.pk}"
    classified = post(officer, f"{path}/classify", {"condition": "normal"})
    assert classified.status_code == 200, classified.json()
    assert classified.json()["status"] == "classified"
    assigned = post(officer, f"{path}/assign", {"assignee": user("xuly.saigon").pk})
    assert assigned.json()["assignee"]["full_name"] == "Phạm Văn Minh"
    assert post(officer, f"{path}/accept").json()["status"] == "accepted"
    assert post(officer, f"{path}/verify").json()["status"] == "verifying"
    resolved = post(officer, f"{path}/resolve", {"answer": "Đã vá ổ gà ngày 12/8."})
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["answer"] == "Đã vá ổ gà ngày 12/8."
    closed = post(officer, f"{path}/close").json()
    assert closed["status"] == "closed" and closed["closed_at"]
    assert [event["action"] for event in closed["timeline"]] == [
        "received", "classified", "assigned", "accepted", "verifying", "resolved", "closed",
    ]  # fmt: skip


def test_refuse_forward_withdraw_and_extend(client_for):
    officer = client_for("tiepnhan.saigon")
    complaint = submit(Kind.COMPLAINT, "land_housing")
    refused = post(officer, f"{CASES}/{complaint.pk}/refuse", {"reason": "kn-het-thoi-hieu"})
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused"
    assert refused.json()["refusal_reason"]["code"] == "kn-het-thoi-hieu"

    elsewhere = submit(title="Nợ lương công nhân")
    department = Organization.objects.get(code="hcm-so-xay-dung")
    forwarded = post(
        officer, f"{CASES}/{elsewhere.pk}/forward", {"organization": department.pk, "note": "?"}
    )
    assert forwarded.json()["status"] == "forwarded"
    [arrived] = forwarded.json()["forwarded_to"]
    assert arrived["organization"] == "Sở Xây dựng"

    withdrawn = submit(title="Xin rút")
    response = post(officer, f"{CASES}/{withdrawn.pk}/withdraw", {"reason": "Đã tự thỏa thuận."})
    assert response.json()["status"] == "withdrawn"

    accepted = submit(title="Gia hạn")
    actions.do_classify(
        None, accepted, kind=accepted.kind, category=accepted.category,
        condition=accepted.condition, people_count=1,
    )  # fmt: skip
    actions.do_accept(None, accepted)
    extended = post(officer, f"{CASES}/{accepted.pk}/extend", {"reason": "Cần xác minh thêm."})
    assert extended.status_code == 400
    assert extended.json()["code"] == "extension_limit"


def test_an_extension_on_a_stale_count_is_409_over_the_api(client_for):
    # An especially complex denunciation may be extended twice; two clients that read the case
    # at once must not use up both.
    case = denunciation()
    actions.do_classify(
        None, case, kind=case.kind, category=case.category,
        condition="especially_complex", people_count=1,
    )  # fmt: skip
    actions.do_accept(None, case)
    officer, other = client_for("xuly.saigon"), client_for("lanhdao.saigon")
    path = f"{CASES}/{case.pk}/extend"
    [seen] = [d["extensions"] for d in other.get(f"{CASES}/{case.pk}").json()["deadlines"]
              if d["stage"] == "resolve"]  # fmt: skip
    first = post(officer, path, {"reason": "Phải xác minh ở hai nơi", "seen_extensions": seen})
    assert first.status_code == 200, first.json()
    second = post(other, path, {"reason": "Cần thêm thời gian", "seen_extensions": seen})
    assert second.status_code == 409
    assert second.json()["code"] == "extended_meanwhile"
    assert "hãy tải lại trang" in second.json()["message"]
    deadline = case.deadlines.get(stage="resolve")
    assert deadline.extensions == 1
    bad = post(other, path, {"reason": "x", "seen_extensions": -1})
    assert bad.status_code == 422
    assert case.deadlines.get(stage="resolve").extensions == 1


def test_an_action_in_the_wrong_state_is_409_and_changes_nothing(client_for):
    case = submit()
    response = post(client_for("xuly.saigon"), f"{CASES}/{case.pk}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert "Đã tiếp nhận" in response.json()["message"]
    case.refresh_from_db()
    assert case.status == "received"
    assert not CaseEvent.objects.filter(case=case, action="accepted").exists()


def test_a_supervisor_reads_and_comments_but_does_not_act(client_for):
    case = submit()
    supervisor = client_for("giamsat.mttq.saigon")
    path = f"{CASES}/{case.pk}"
    for step, data in [
        ("classify", {}), ("accept", None), ("refuse", {"reason": "kn-het-thoi-hieu"}),
        ("forward", {"organization": 1}), ("assign", {"assignee": 1}), ("verify", None),
        ("resolve", {"answer": "x"}), ("close", None), ("extend", {"reason": "x"}),
        ("withdraw", {}),
    ]:  # fmt: skip
        response = post(supervisor, f"{path}/{step}", data)
        assert response.status_code == 403, step
        assert response.json()["code"] == "forbidden"
    case.refresh_from_db()
    assert case.status == "received"
    commented = post(supervisor, f"{path}/comment", {"note": "Đề nghị trả lời sớm cho dân."})
    assert commented.status_code == 200
    [comment] = [event for event in commented.json()["timeline"] if event["action"] == "comment"]
    assert comment["actor"]["full_name"] == "Huỳnh Thị Thu"
    assert comment["public"] is False


def test_another_ward_cannot_act_and_does_not_learn_the_case_exists(client_for):
    case = submit()
    response = post(client_for("tiepnhan.benthanh"), f"{CASES}/{case.pk}/comment", {"note": "x"})
    assert response.status_code == 404
    response = post(client_for("tiepnhan.benthanh"), f"{CASES}/{case.pk}/accept")
    assert response.status_code == 404


def test_step_input_is_checked(client_for):
    case = submit()
    officer = client_for("xuly.saigon")
    path = f"{CASES}/{case.pk}"
    empty = post(officer, f"{path}/comment", {"note": "  "})
    assert empty.status_code == 422
    assert empty.json()["fields"] == {"note": ["Trường này không được để trống."]}
    reason = post(officer, f"{path}/refuse", {"reason": "khong-thich"})
    assert reason.status_code == 400 and reason.json()["code"] == "unknown_reason"
    handler = post(officer, f"{path}/assign", {"assignee": user("tiepnhan.benthanh").pk})
    assert handler.status_code == 400 and handler.json()["code"] == "not_a_handler"
    nobody = post(officer, f"{path}/forward", {"organization": 999_999})
    assert nobody.status_code == 400 and nobody.json()["code"] == "unknown_organization"
    for impossible in (0, 2**63):  # no row has such an id: an input error, not a lookup
        refused = post(officer, f"{path}/forward", {"organization": impossible})
        assert refused.status_code == 422 and "organization" in refused.json()["fields"]
    case.refresh_from_db()
    assert case.status == "received" and case.assignee is None
    assert list(case.events.values_list("action", flat=True)) == ["received"]


def test_the_categories_are_public(client_for):
    response = client_for(None).get(f"{CASES}/categories")
    assert response.status_code == 200
    categories = {item["code"]: item for item in response.json()}
    assert categories["environment"]["name"] == "Môi trường, vệ sinh"
    assert categories["environment"]["parent"] is None
    assert "other" in categories


# A denouncer's identity


def test_a_denouncers_identity_appears_in_no_response(client_for):
    citizen = user("nguoidan.kim")
    signed_in = denunciation(actor=citizen, submitted_by=citizen)
    by_officer = denunciation(actor=user("tiepnhan.saigon"))
    assert SecretIdentity.objects.filter(case__in=[signed_in, by_officer]).count() == 2
    actions.do_assign(None, by_officer, user("xuly.saigon"))
    secrets = [*DENOUNCER.values(), citizen.full_name, citizen.username, citizen.email]
    for username in ("tiepnhan.saigon", "xuly.saigon", "lanhdao.saigon", "giamsat.mttq.saigon"):
        client = client_for(username)
        bodies = [client.get(CASES).content, client.get(CASES, {"kind": "denunciation"}).content]
        for case in (signed_in, by_officer):
            detail = client.get(f"{CASES}/{case.pk}")
            assert detail.status_code == 200
            assert detail.json()["submitter"] is None
            bodies.append(detail.content)
        for body in bodies:
            text = body.decode()
            for secret in secrets:
                assert secret not in text, (username, secret)
    received = client_for("xuly.saigon").get(f"{CASES}/{signed_in.pk}").json()["timeline"][0]
    assert received["action"] == "received" and received["actor"] is None


def test_a_denunciation_taken_in_by_an_officer_is_sealed_and_not_echoed(client_for):
    data = new_case(
        kind="denunciation", channel="reception", category="official_conduct",
        title="Tố cáo cán bộ địa chính", **DENOUNCER,
    )  # fmt: skip
    response = post(client_for("tiepnhan.saigon"), CASES, data)
    assert response.status_code == 201
    for secret in DENOUNCER.values():
        assert secret not in response.content.decode()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.submitter_name == "" and case.submitter_phone == ""
    assert SecretIdentity.objects.filter(case=case).exists()


@pytest.mark.parametrize("kind", ["feedback", "complaint"])
def test_the_submitter_is_shown_for_other_kinds(client_for, kind):
    case = submit(Kind(kind), "land_housing")
    body = client_for("tiepnhan.saigon").get(f"{CASES}/{case.pk}").json()
    assert body["submitter"]["name"] == "Nguyễn Văn An"


def test_a_letter_entered_later_keeps_the_day_it_came(client_for):
    came = timezone.localdate() - timedelta(days=6)
    officer = client_for("tiepnhan.saigon")
    created = post(officer, CASES, new_case(channel="letter", received_on=came.isoformat()))
    assert created.status_code == 201
    case = Case.objects.get(pk=created.json()["id"])
    assert timezone.localdate(case.received_at) == came
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = post(officer, CASES, new_case(title="Ngày sai", received_on=future))
    assert refused.status_code == 422
    assert refused.json()["fields"]["received_on"] == [
        "Ngày nhận đơn không thể sau hôm nay; bỏ trống nếu nhận hôm nay."
    ]
    assert not Case.objects.filter(title="Ngày sai").exists()


@pytest.mark.parametrize("phone", ["090 912 3", "..........."])
def test_a_phone_needs_nine_to_fifteen_digits(client_for, phone):
    refused = post(client_for("tiepnhan.saigon"), CASES, new_case(submitter_phone=phone))
    assert refused.status_code == 422
    assert refused.json()["fields"]["submitter_phone"] == [
        "Số điện thoại gồm 9–15 chữ số, ví dụ 0909 123 456."
    ]
