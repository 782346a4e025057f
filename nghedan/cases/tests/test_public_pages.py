"""The citizen's pages: sending, the confirmation, tracking by code, rating, asking again,
and the list of one's own cases.

Cases are sent through the page or made with the same actions the officers use; nothing here
writes a model directly.
"""

import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.cases import public_views
from nghedan.cases.actions import (
    SENDER,
    do_accept,
    do_classify,
    do_comment,
    do_resolve,
    do_submit_case,
)
from nghedan.cases.models import Case, CaseDeadline, Category, Rating, SecretIdentity
from nghedan.lib import crypto, ratelimit
from nghedan.people.models import User
from nghedan.places.models import Commune

pytestmark = pytest.mark.django_db

SUBMIT = reverse("cases:submit")
SAI_GON = "26740"
SAI_GON_ADDRESS = "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM"
SAI_GON_OFFICE = "Ủy ban nhân dân phường Sài Gòn"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

DENOUNCER = {
    "submitter_name": "Trương Thị Bí Mật",
    "submitter_phone": "0912 345 678",
    "submitter_email": "bimat.tocao@example.vn",
    "submitter_address": "45 hẻm Hoa Sứ, phường Tân Định",
}


def form_data(**changes) -> dict:
    data = {
        "kind": "feedback",
        "category": "infrastructure",
        "address": SAI_GON_ADDRESS,
        "title": "Ngập nước đường Lê Lợi sau mưa",
        "description": "Mỗi lần mưa lớn, đoạn trước số 12 ngập sâu 30 cm trong hai giờ.",
        "people_count": "1",
        "submitter_name": "",
        "submitter_phone": "",
        "submitter_email": "",
        "submitter_address": "",
        "website": "",
    }
    data.update(changes)
    return data


def send(client, remote="127.0.0.1", **changes):
    return client.post(SUBMIT, form_data(**changes), REMOTE_ADDR=remote)


def text(response) -> str:
    return response.content.decode()


def only_case() -> Case:
    assert Case.objects.count() == 1
    return Case.objects.get()


def make_case(kind="feedback", **fields) -> Case:
    values = {
        "channel": "web",
        "category": Category.objects.get(code="infrastructure"),
        "title": "Đèn đường hư trên đường Hàm Nghi",
        "description": "Ba cột đèn không sáng từ tuần trước; nhà tôi ở số 7.",
        "commune": Commune.objects.get(code=SAI_GON),
        "address": "Hàm Nghi, P. Bến Nghé, Q.1",
        **fields,
    }
    return do_submit_case(None, kind=kind, **values)


def officer() -> User:
    return User.objects.get(username="xuly.saigon")


def accept(case: Case) -> Case:
    do_classify(officer(), case, kind=case.kind, category=case.category, condition="normal",
                people_count=case.people_count)  # fmt: skip
    return do_accept(officer(), case)


def resolve(case: Case, answer="Đã thay bóng đèn ba cột trên đường Hàm Nghi.") -> Case:
    if case.status != Case.Status.VERIFYING:
        accept(case)
    return do_resolve(officer(), case, answer=answer, published_answer=answer)


def track_url(case: Case) -> str:
    return reverse("cases:track_case", args=[case.code])


# --- the form -------------------------------------------------------------------------------


def test_the_form_explains_each_kind_and_lists_the_active_categories(client, demo):
    Category.objects.filter(code="education").update(is_active=False)
    page = text(client.get(SUBMIT))
    for kind in ("Phản ánh", "Kiến nghị", "Khiếu nại", "Tố cáo"):
        assert kind in page
    assert "Đề xuất cơ quan làm thêm" in page
    assert "Điều 47 và 48" in page
    assert "lưu làm thông tin" in page
    assert 'value="infrastructure"' in page
    assert 'value="education"' not in page


def test_a_category_retired_since_the_form_was_loaded_is_refused_and_nothing_made(client, demo):
    send(client, category="education")  # the process now keeps the categories in use
    Case.objects.all().delete()
    education = Category.objects.get(code="education")
    education.is_active = False
    education.save()
    response = send(client, category="education")
    assert response.status_code == 400
    assert "Lĩnh vực này không còn dùng. Hãy chọn lại trong danh sách." in text(response)
    assert not Case.objects.exists()
    assert send(client, category="").status_code == 400
    assert "Hãy chọn lĩnh vực gần nhất" in text(send(client, category=""))


def test_anonymous_feedback_is_received_routed_and_its_code_shown_large(client, demo):
    response = send(client, is_anonymous="on", submitter_name="Ai Đó",
                    submitter_phone="0909 000 111")  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cases:submitted") + "?")
    case = only_case()
    assert (case.kind, case.channel, case.status) == ("feedback", "web", "received")
    assert case.commune.code == SAI_GON
    assert case.organization.name == SAI_GON_OFFICE
    assert case.is_anonymous
    assert (case.submitter_name, case.submitter_phone, case.submitted_by) == ("", "", None)
    page = text(client.get(response["Location"]))
    assert re.search(rf'id="case-code"[^>]*>{case.code}<', page)
    assert "không thể trả lời bạn qua e-mail hay tin nhắn" in page
    assert track_url(case) in page
    assert SAI_GON_OFFICE in page


def test_the_confirmation_is_only_for_the_link_the_sender_was_given(client, demo):
    confirmation = send(client)["Location"]
    assert only_case().code in text(Client().get(confirmation))
    without_link = Client().get(reverse("cases:submitted"))
    assert (without_link.status_code, without_link["Location"]) == (302, SUBMIT)


def test_sending_writes_no_session(client, demo, settings):
    response = send(client)
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()


def forged(confirmation: str, code: str, other_code: str) -> str:
    """The same link with another code put in its readable part, the signature kept."""
    signed = parse_qs(urlsplit(confirmation).query)["xac-nhan"][0]
    payload, stamp_and_signature = signed.split(":", 1)
    changed = signing.b64_decode(payload.encode()).replace(code.encode(), other_code.encode())
    value = f"{signing.b64_encode(changed).decode()}:{stamp_and_signature}"
    return f"{reverse('cases:submitted')}?{urlencode({'xac-nhan': value})}"


def test_an_edited_confirmation_link_shows_no_case(client, demo):
    mine = send(client)["Location"]
    code = only_case().code
    other = make_case(title="Ý kiến của một người khác")
    links = [forged(mine, code, other.code), mine[:-3] + "abc",
             reverse("cases:submitted") + "?xac-nhan=r%C3%A1c"]  # fmt: skip
    for link in links:
        response = Client().get(link)
        assert (response.status_code, response["Location"]) == (302, reverse("cases:track"))
    assert code in text(Client().get(mine))


def test_an_old_confirmation_link_is_refused_with_a_message(client, demo, monkeypatch):
    confirmation = send(client)["Location"]
    monkeypatch.setattr(public_views, "CONFIRMATION_MAX_AGE", -1)
    response = Client().get(confirmation, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:track")
    assert "đã quá một ngày" in text(response)
    assert only_case().code not in text(response)


def test_a_recommendation_with_contact_keeps_it_and_can_be_answered(client, demo):
    response = send(client, kind="recommendation", submitter_name="Nguyễn Văn Hai",
                    submitter_email="hai@example.vn", people_count="12")  # fmt: skip
    case = only_case()
    assert (case.kind, case.submitter_email, case.people_count) == (
        "recommendation", "hai@example.vn", 12)  # fmt: skip
    assert "không thể trả lời" not in text(client.get(response["Location"]))


def test_a_complaint_without_a_name_is_refused_with_the_law_and_creates_nothing(client, demo):
    response = send(client, kind="complaint", submitter_phone="0909 123 456")
    assert response.status_code == 400
    assert "Khiếu nại phải ghi rõ họ tên và địa chỉ" in text(response)
    assert "Luật Khiếu nại 2011 Điều 8" in text(response)
    assert 'id="id_submitter_name_error"' in text(response)
    assert 'id="id_submitter_address_error"' in text(response)
    assert Case.objects.count() == 0


@pytest.mark.parametrize("kind", ["complaint", "denunciation"])
def test_a_named_sender_without_an_address_is_told_beside_the_address(client, demo, kind):
    response = send(client, kind=kind, submitter_name="Lê Văn Ba", submitter_phone="0909 123 456")
    page = text(response)
    assert response.status_code == 400
    assert 'id="id_submitter_address_error"' in page
    assert "Hãy ghi địa chỉ liên hệ của bạn." in page
    assert 'id="id_submitter_name_error"' not in page
    assert Case.objects.count() == 0


def test_a_complaint_cannot_be_sent_anonymously(client, demo):
    response = send(client, kind="complaint", is_anonymous="on", **DENOUNCER)
    assert response.status_code == 400
    assert "Khiếu nại không gửi ẩn danh được" in text(response)
    assert Case.objects.count() == 0


def test_a_complaint_with_name_and_address_is_received(client, demo):
    send(client, kind="complaint", submitter_name="Lê Văn Ba",
         submitter_address="3 Pasteur, phường Sài Gòn")  # fmt: skip
    case = only_case()
    assert (case.kind, case.submitter_name) == ("complaint", "Lê Văn Ba")


def test_a_denunciation_seals_the_identity_and_no_page_shows_it(client, demo):
    response = send(client, kind="denunciation", category="official_conduct",
                    title="Cán bộ địa chính đòi tiền", **DENOUNCER)  # fmt: skip
    assert response.status_code == 302
    case = only_case()
    assert case.status == "received"
    assert not case.is_anonymous
    assert (case.submitter_name, case.submitter_phone, case.submitter_email,
            case.submitter_address) == ("", "", "", "")  # fmt: skip
    sealed = SecretIdentity.objects.get(case=case)
    assert crypto.unseal(sealed.ciphertext)["name"] == DENOUNCER["submitter_name"]
    resolve(case, answer="Đã kiểm tra, xử lý kỷ luật cán bộ vi phạm.")
    pages = [
        text(client.get(response["Location"])),
        text(client.get(track_url(case))),
        text(Client().get(reverse("cases:track"), {"code": case.code})),
    ]
    secrets = [*DENOUNCER.values(), "0912345678", "Bí Mật", "Hoa Sứ"]
    for page in pages:
        assert case.code in page
        for secret in secrets:
            assert secret not in page
    assert "giữ bí mật" in pages[0]
    assert "Để giữ bí mật danh tính người tố cáo" in pages[1]


def test_a_denunciation_without_a_name_must_say_it_is_anonymous(client, demo):
    response = send(client, kind="denunciation", category="official_conduct")
    assert response.status_code == 400
    assert "Tố cáo phải ghi rõ họ tên và địa chỉ" in text(response)
    assert Case.objects.count() == 0


def test_an_anonymous_denunciation_is_kept_as_information(client, demo):
    response = send(client, kind="denunciation", category="official_conduct",
                    is_anonymous="on", **DENOUNCER)  # fmt: skip
    case = only_case()
    assert case.status == "information"
    assert case.is_anonymous
    assert not SecretIdentity.objects.filter(case=case).exists()
    assert not CaseDeadline.objects.filter(case=case).exists()
    page = text(client.get(response["Location"]))
    assert "được lưu làm thông tin" in page
    assert DENOUNCER["submitter_name"] not in page


# --- where it happened --------------------------------------------------------------------


def test_an_ambiguous_address_offers_the_candidates_and_the_choice_is_used(client, demo):
    response = send(client, address="Quận 1, TP HCM")
    page = text(response)
    assert response.status_code == 400
    assert "có thể thuộc nhiều xã, phường" in page
    assert re.search(rf'type="radio" name="commune" id="id_commune_\d+" value="{SAI_GON}"', page)
    assert Case.objects.count() == 0

    send(client, address="Quận 1, TP HCM", commune=SAI_GON)
    case = only_case()
    assert case.commune.code == SAI_GON
    assert case.address == "Quận 1, TP HCM"


def test_a_commune_that_is_not_among_the_candidates_is_not_taken(client, demo):
    response = send(client, address="Quận 1, TP HCM", commune="27553")  # Củ Chi
    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_the_chosen_commune_is_kept_hidden_when_another_field_is_wrong(client, demo):
    response = send(client, address="Quận 1, TP HCM", commune=SAI_GON, title="")
    page = text(response)
    assert response.status_code == 400
    assert f'<input type="hidden" name="commune" value="{SAI_GON}">' in page
    assert "Hãy tóm tắt sự việc" in page
    assert Case.objects.count() == 0


def test_an_unknown_address_is_explained_with_suggestions(client, demo):
    response = send(client, address="Bến Ngé, TP HCM")
    page = text(response)
    assert response.status_code == 400
    assert "Chưa nhận ra phường, xã" in page
    assert "Có phải bạn muốn ghi" in page
    assert "Phường Sài Gòn, Thành phố Hồ Chí Minh" in page
    assert Case.objects.count() == 0


# --- bad input and abuse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"description": "x" * 5001}, "Nội dung dài tối đa 5000 ký tự (đang có 5001)"),
        ({"description": ""}, "Hãy ghi nội dung sự việc"),
        ({"title": "t" * 201}, "Tóm tắt dài tối đa 200 ký tự"),
        ({"kind": "rumour"}, "Hãy chọn một trong bốn loại"),
        ({"category": "nope"}, "Hãy chọn lại trong danh sách"),
        ({"address": ""}, "Hãy ghi nơi xảy ra sự việc"),
        ({"people_count": "0"}, "Số người ít nhất là 1"),
        ({"submitter_phone": "12ab"}, "Số điện thoại gồm 9–15 chữ số"),
        ({"submitter_email": "khong-phai-email"}, "E-mail chưa đúng dạng"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_creates_nothing(client, demo, changes, message):
    response = send(client, **changes)
    assert response.status_code == 400
    assert message in text(response)
    assert Case.objects.count() == 0


def test_a_filled_honeypot_creates_nothing(client, demo):
    response = send(client, website="http://spam.example")
    assert response.status_code == 400
    assert "Không gửi được biểu mẫu" in text(response)
    assert Case.objects.count() == 0


def test_too_many_submissions_from_one_address_are_refused_and_counted(client, demo, settings):
    for _ in range(settings.SUBMITS_PER_HOUR):
        assert send(client).status_code == 302
    before = ratelimit.blocked_total("case_submit")
    response = send(client)
    assert response.status_code == 429
    assert "Bạn đã gửi quá nhiều ý kiến" in text(response)
    assert Case.objects.count() == settings.SUBMITS_PER_HOUR
    assert ratelimit.blocked_total("case_submit") == before + 1
    assert send(client, remote="198.51.100.7").status_code == 302


def test_the_hourly_limit_per_address_is_a_setting(client, demo, settings):
    settings.SUBMITS_PER_HOUR = 2
    matters = ["Đèn đường hư", "Cây xanh đổ", "Nắp cống mất"]
    statuses = [send(client, title=m, description=f"{m} ở hẻm 4.").status_code for m in matters]
    assert statuses == [302, 302, 429]


def test_too_many_submissions_with_one_phone_number_are_refused(client, demo):
    spellings = ["0909 111 222", "+84 909 111 222", "0909.111.222", "84909111222", "0909111222"]
    # Different matters, so that none is taken for a re-send of the one before.
    matters = ["Đèn đường hư", "Cây xanh đổ", "Nắp cống mất", "Vỉa hè vỡ", "Rác ùn ứ", "Ngập nước"]
    for n, phone in enumerate(spellings):
        sent = send(client, remote=f"203.0.113.{n}", submitter_phone=phone, title=matters[n],
                    description=f"{matters[n]} ở hẻm {n}.")  # fmt: skip
        assert sent.status_code == 302
    response = send(client, remote="203.0.113.99", submitter_phone="0909111222",
                    title=matters[5], description=matters[5])  # fmt: skip
    assert response.status_code == 429
    assert Case.objects.count() == len(spellings)


# --- signed-in citizens -------------------------------------------------------------------


def test_a_signed_in_citizen_is_prefilled_and_the_case_is_theirs(client_for):
    kim = client_for("nguoidan.kim")
    assert 'value="Lý Thị Kim"' in text(kim.get(SUBMIT))
    assert 'value="nguoidan.kim@demo.nghedan.vn"' in text(kim.get(SUBMIT))
    kim.post(SUBMIT, form_data(submitter_name="Lý Thị Kim"))
    case = only_case()
    assert case.submitted_by.username == "nguoidan.kim"
    assert case.code in text(kim.get(reverse("cases:mine")))


def test_a_signed_in_citizen_who_asks_for_anonymity_is_not_tied_to_the_account(client_for):
    kim = client_for("nguoidan.kim")
    kim.post(SUBMIT, form_data(is_anonymous="on", submitter_name="Lý Thị Kim"))
    case = only_case()
    assert case.submitted_by is None
    assert case.submitter_name == ""


# --- tracking -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["{code}", "{plain}", "{lower}", " {spaced} "])
def test_a_case_is_found_by_its_code_however_it_is_typed(client, demo, typed):
    case = make_case()
    plain = case.code.replace("-", "")
    code = typed.format(code=case.code, plain=plain, lower=plain.lower(),
                        spaced=f"{plain[:4]} {plain[4:]}")  # fmt: skip
    response = client.get(reverse("cases:track"), {"code": code})
    assert response.status_code == 200
    assert case.code in text(response)
    assert client.get(reverse("cases:track_case", args=[code.strip()])).status_code == 200


def test_an_unknown_code_is_explained_and_the_detail_page_is_404(client, demo):
    response = client.get(reverse("cases:track_case", args=["ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    assert "Không tìm thấy ý kiến nào có mã số này" in text(response)
    assert client.get(reverse("cases:track"), {"code": "ZZZZZZZZ"}).status_code == 404
    malformed = client.get(reverse("cases:track"), {"code": "abc"})
    assert malformed.status_code == 400
    assert "Mã số chưa đúng" in text(malformed)


def test_the_tracking_page_shows_the_public_facts_and_nothing_private(client, demo):
    private = {
        "submitter_name": "Phan Văn Riêng",
        "submitter_phone": "0933 444 555",
        "submitter_email": "rieng@example.vn",
        "submitter_address": "9 Nguyễn Huệ",
    }
    case = make_case(**private)
    accept(case)
    do_comment(officer(), case, "Ghi chú nội bộ: gọi lại cho người dân")
    page = text(client.get(track_url(case)))
    assert case.title in page
    assert "Hạ tầng" in page
    assert "Phường Sài Gòn" in page
    assert "Đã thụ lý" in page
    assert SAI_GON_OFFICE in page
    assert case.received_at.astimezone(ZONE).strftime("%d/%m/%Y") in page
    deadline = case.deadlines.get(met_on__isnull=True)
    assert deadline.due_on.strftime("%d/%m/%Y") in page
    assert "Đã tiếp nhận" in page
    officer_name = "Phạm Văn Minh"
    for hidden in ["Ghi chú nội bộ", "Cập nhật", case.description, officer_name,
                   *private.values()]:  # fmt: skip
        assert hidden not in page


def test_the_answer_shows_once_resolved(client, demo):
    case = make_case()
    accept(case)
    assert "Kết quả trả lời" not in text(client.get(track_url(case)))
    do_resolve(officer(), case, answer="Nội bộ: đã giao đội điện.",
               published_answer="Đã thay bóng đèn ba cột.")  # fmt: skip
    page = text(client.get(track_url(case)))
    assert "Kết quả trả lời" in page
    assert "Đã thay bóng đèn ba cột." in page
    assert "Nội bộ: đã giao đội điện." not in page


def test_lookups_are_rate_limited_per_address(client, demo, monkeypatch):
    monkeypatch.setattr(public_views, "LOOKUPS_PER_WINDOW", 3)
    case = make_case()
    for _ in range(3):
        assert client.get(track_url(case)).status_code == 200
    response = client.get(reverse("cases:track"), {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 429
    assert "tra cứu quá nhiều lần" in text(response)
    assert client.get(track_url(case), REMOTE_ADDR="198.51.100.8").status_code == 200


# --- rating and asking again ----------------------------------------------------------------


def rate(client, case, contact="", score="4", resolved="yes", comment=""):
    return client.post(reverse("cases:rate", args=[case.code]), {
        "rate-score": score, "rate-resolved": resolved, "rate-comment": comment,
        "rate-contact": contact,
    })  # fmt: skip


def reopen(client, case, reason="Đèn lại hư sau hai ngày.", contact=""):
    return client.post(reverse("cases:reopen", args=[case.code]),
                       {"reopen-reason": reason, "reopen-contact": contact})  # fmt: skip


def test_rating_needs_the_phone_the_case_was_sent_with_and_happens_once(client, demo):
    case = resolve(make_case(submitter_name="Hồ Văn Tư", submitter_phone="0909 123 456"))
    page = text(client.get(track_url(case)))
    assert "Số điện thoại hoặc e-mail bạn đã ghi khi gửi" in page
    wrong = rate(client, case, contact="0909 999 999")
    assert wrong.status_code == 400
    assert "không khớp" in text(wrong)
    missing = rate(client, case, contact="")
    assert "Hãy nhập số điện thoại hoặc e-mail bạn đã ghi" in text(missing)
    assert not Rating.objects.exists()

    done = rate(client, case, contact="+84 909 123 456", score="2", resolved="no",
                comment="Còn một cột chưa sáng.")  # fmt: skip
    assert done.status_code == 302
    rating = Rating.objects.get(case=case)
    assert (rating.score, rating.resolved, rating.comment) == (2, False, "Còn một cột chưa sáng.")
    assert AuditEntry.objects.get(action="case.rate").actor_label == SENDER  # not "hệ thống"

    page = text(client.get(track_url(case)))
    assert "Ý kiến này đã được đánh giá: 2/5 sao" in page
    assert "Gửi đánh giá" not in page
    again = rate(client, case, contact="0909123456", score="5")
    assert again.status_code == 400
    assert "đã được đánh giá" in text(again)
    assert Rating.objects.get(case=case).score == 2


def test_the_e_mail_is_compared_without_regard_to_case(client, demo):
    case = resolve(make_case(submitter_email="Tu.Ho@Example.vn"))
    assert rate(client, case, contact="tu.ho@example.VN").status_code == 302
    assert Rating.objects.filter(case=case, score=4, resolved=True).exists()


def test_a_rating_needs_a_score_between_one_and_five(client, demo):
    case = resolve(make_case(submitter_phone="0909 123 456"))
    response = rate(client, case, contact="0909123456", score="6")
    assert response.status_code == 400
    assert "Hãy chọn từ 1 đến 5 sao" in text(response)
    assert not Rating.objects.exists()


def test_a_case_not_yet_answered_cannot_be_rated(client, demo):
    case = make_case(submitter_phone="0909 123 456")
    response = rate(client, case, contact="0909123456")
    assert response.status_code == 400
    assert "Chỉ đánh giá được khi vụ việc đã có kết quả" in text(response)
    assert not Rating.objects.exists()


def test_a_case_sent_from_an_account_is_rated_by_that_account_only(client_for):
    kim_user = User.objects.get(username="nguoidan.kim")
    case = resolve(make_case(submitter_name="Lý Thị Kim", submitter_phone="0909 123 456",
                             submitted_by=kim_user))  # fmt: skip
    stranger = client_for(None)
    assert "Hãy đăng nhập đúng tài khoản" in text(stranger.get(track_url(case)))
    for other in (stranger, client_for("xuly.saigon")):
        response = rate(other, case, contact="0909123456")
        assert response.status_code == 400
        assert "Hãy đăng nhập đúng tài khoản" in text(response)
        assert reopen(other, case).status_code == 400
    assert not Rating.objects.exists()
    assert Case.objects.get(pk=case.pk).reopen_count == 0

    kim = client_for("nguoidan.kim")
    assert "rate-contact" not in text(kim.get(track_url(case)))
    assert rate(kim, case).status_code == 302
    assert Rating.objects.filter(case=case).exists()


def test_a_denunciation_sent_without_an_account_cannot_be_rated_here(client, demo):
    case = resolve(make_case(kind="denunciation", **DENOUNCER))
    response = rate(client, case, contact=DENOUNCER["submitter_phone"])
    assert response.status_code == 400
    assert "Để giữ bí mật danh tính người tố cáo" in text(response)
    assert not Rating.objects.exists()


def test_a_denunciation_sent_from_an_account_is_not_linked_to_it(client_for):
    """The account would name the denouncer: it is sealed with the identity, so the case is
    not in the person's list and cannot be rated through the account either."""
    kim_user = User.objects.get(username="nguoidan.kim")
    case = resolve(make_case(kind="denunciation", submitted_by=kim_user, **DENOUNCER))
    assert case.submitted_by is None
    kim = client_for("nguoidan.kim")
    assert case.code not in text(kim.get(reverse("cases:mine")))
    assert rate(kim, case).status_code == 400
    assert not Rating.objects.filter(case=case).exists()


def test_an_anonymous_feedback_cannot_be_rated(client, demo):
    case = resolve(make_case(is_anonymous=True))
    assert "được gửi ẩn danh" in text(client.get(track_url(case)))
    response = rate(client, case, contact="0909123456")
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_the_sender_may_ask_once_to_look_again(client, demo):
    case = resolve(make_case(submitter_phone="0909 123 456"))
    assert "Tôi chưa hài lòng, đề nghị xem xét lại" in text(client.get(track_url(case)))
    assert reopen(client, case, contact="0909 000 000").status_code == 400
    assert Case.objects.get(pk=case.pk).status == "resolved"

    response = reopen(client, case, contact="0909123456")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.reopen_count) == ("verifying", 1)
    assert AuditEntry.objects.get(action="case.reopen").actor_label == SENDER
    page = text(client.get(track_url(case)))
    assert "Người gửi đề nghị xem xét lại" in page
    assert "Đèn lại hư sau hai ngày." in page

    resolve(case, answer="Đã thay toàn bộ dây điện.")
    again = reopen(client, case, contact="0909123456")
    assert again.status_code == 400
    assert "đã được mở lại một lần" in text(again)
    assert Case.objects.get(pk=case.pk).status == "resolved"


def test_asking_again_needs_a_reason(client, demo):
    case = resolve(make_case(submitter_phone="0909 123 456"))
    response = reopen(client, case, reason="  ", contact="0909123456")
    assert response.status_code == 400
    assert "vì sao bạn chưa hài lòng" in text(response)
    assert Case.objects.get(pk=case.pk).status == "resolved"


def test_guessing_the_phone_for_one_code_is_rate_limited(client, demo, monkeypatch):
    monkeypatch.setattr(public_views, "ANSWERS_PER_CASE_PER_HOUR", 2)
    case = resolve(make_case(submitter_phone="0909 123 456"))
    for n in range(2):
        assert rate(client, case, contact=f"0909 000 00{n}").status_code == 400
    blocked = rate(client, case, contact="0909123456")
    assert blocked.status_code == 429
    assert "thử quá nhiều lần" in text(blocked)
    assert "không khớp" not in text(blocked)
    assert not Rating.objects.exists()


# --- my cases -------------------------------------------------------------------------------


def test_my_cases_lists_only_my_own_newest_first(client_for):
    kim_user = User.objects.get(username="nguoidan.kim")
    older = make_case(title="Rác tồn đọng đầu hẻm 42", submitted_by=kim_user)
    newer = make_case(title="Cây xanh nghiêng sắp đổ", submitted_by=kim_user)
    someone_else = make_case(title="Karaoke ồn sau 22 giờ", submitted_by=officer())
    page = text(client_for("nguoidan.kim").get(reverse("cases:mine")))
    assert page.index(newer.code) < page.index(older.code)
    assert someone_else.code not in page
    assert "Karaoke" not in page


def test_my_cases_needs_signing_in(client, demo):
    response = client.get(reverse("cases:mine"))
    assert response.status_code == 302
    assert reverse("people:sign_in") in response["Location"]


def test_my_cases_pages_with_a_constant_number_of_queries(client_for):
    kim_user = User.objects.get(username="nguoidan.kim")
    kim = client_for("nguoidan.kim")

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert kim.get(reverse("cases:mine")).status_code == 200
        return len(captured)

    make_case(submitted_by=kim_user)
    few = queries_for_the_list()
    for _ in range(public_views.MY_CASES_PER_PAGE + 3):
        make_case(submitted_by=kim_user)
    assert queries_for_the_list() == few
    second = text(kim.get(reverse("cases:mine"), {"page": 2}))
    assert "Trang 2/2" in second


# --- what people really type --------------------------------------------------------------


def test_corrected_typos_do_not_use_up_the_hourly_limit(client, demo, settings):
    settings.SUBMITS_PER_HOUR = 2
    for _ in range(5):
        assert send(client, address="").status_code == 400
    assert send(client).status_code == 302
    assert Case.objects.count() == 1


def test_a_refused_complaint_does_not_lock_out_the_phone(client, demo, settings):
    settings.SUBMITS_PER_CONTACT_PER_DAY = 2
    complaint = {"kind": "complaint", "submitter_name": "Lê Văn Ba",
                 "submitter_phone": "0909 555 666"}  # fmt: skip
    for _ in range(4):
        assert send(client, **complaint).status_code == 400
    sent = send(client, submitter_address="3 Pasteur, phường Sài Gòn", **complaint)
    assert sent.status_code == 302
    assert only_case().kind == "complaint"


@pytest.mark.parametrize(("typed", "count"), [("1.000", 1000), ("10 000", 10000), ("250", 250)])
def test_the_number_of_people_may_be_written_with_thousands_separators(client, demo, typed, count):
    assert send(client, people_count=typed).status_code == 302
    assert only_case().people_count == count


@pytest.mark.parametrize("typed", ["2.5", "1,5", "1.00", "1.0000"])
def test_a_number_of_people_that_is_not_whole_is_refused(client, demo, typed):
    response = send(client, people_count=typed)
    assert response.status_code == 400
    assert "Hãy ghi một số, ví dụ 1, 15 hoặc 1.000." in text(response)
    assert Case.objects.count() == 0


@pytest.mark.parametrize("typed", ["..........", "090 912 3", "+84 .. 9 0 9"])
def test_a_phone_number_needs_nine_to_fifteen_digits(client, demo, typed):
    response = send(client, submitter_phone=typed)
    assert response.status_code == 400
    assert "Số điện thoại gồm 9–15 chữ số" in text(response)
    assert Case.objects.count() == 0


def test_invisible_characters_are_not_a_title(client, demo):
    response = send(client, title="\u200b\u200b\u2060", description="\ufeff\u200b")
    page = text(response)
    assert response.status_code == 400
    assert "Hãy tóm tắt sự việc trong một câu ngắn." in page
    assert "Hãy ghi nội dung sự việc." in page
    assert Case.objects.count() == 0


def test_decomposed_letters_are_stored_composed_and_counted_once(client, demo):
    import unicodedata

    title = unicodedata.normalize("NFD", "Ngập nước đường Lê Lợi")
    description = unicodedata.normalize("NFD", "Đường ngập ") * 400  # 4,400 letters composed
    assert len(description) > 5000
    assert send(client, title=title, description=description).status_code == 302
    assert Case.objects.filter(title__icontains="Ngập nước").count() == 1


def test_control_characters_are_dropped_not_refused_in_english(client, demo):
    assert send(client, title="Ngập\x00 nước\x08").status_code == 302
    assert only_case().title == "Ngập nước"


def test_the_reopen_form_is_not_offered_after_its_window(client, demo, settings):
    case = resolve(make_case(submitter_phone="0909 123 456"))
    Case.objects.filter(pk=case.pk).update(
        resolved_at=case.resolved_at - timedelta(days=settings.REOPEN_DAYS + 1)
    )
    page = text(client.get(track_url(case)))
    assert "Tôi chưa hài lòng, đề nghị xem xét lại" not in page
    assert "Thời hạn đề nghị xem xét lại đã hết lúc" in page
    assert "Đánh giá câu trả lời" in page  # rating has no window


def test_the_reopen_form_says_until_when(client, demo, settings):
    case = resolve(make_case(submitter_phone="0909 123 456"))
    until = (case.resolved_at + timedelta(days=settings.REOPEN_DAYS)).astimezone(ZONE)
    page = text(client.get(track_url(case)))
    assert f"đến {until:%H:%M %d/%m/%Y}" in page


def test_a_photo_sent_with_the_same_matter_again_joins_the_first_case(client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(picture, "JPEG")
    assert send(client, submitter_phone="0909 777 888").status_code == 302
    first = only_case()
    again = client.post(SUBMIT, {
        **form_data(submitter_phone="0909 777 888"),
        "attachments": SimpleUploadedFile("ngap.jpg", picture.getvalue()),
    }, REMOTE_ADDR="127.0.0.1")  # fmt: skip
    assert again.status_code == 200
    assert "Bạn đã gửi nội dung này" in text(again)
    assert "Tệp bạn vừa gửi đã được thêm vào ý kiến này." in text(again)
    assert only_case() == first
    assert [a.original_name for a in first.attachments.all()] == ["ngap.jpg"]


def test_a_form_sent_without_its_security_cookie_is_explained_in_vietnamese(demo):
    guarded = Client(enforce_csrf_checks=True)
    response = guarded.post(SUBMIT, form_data())
    assert response.status_code == 403
    assert "Chưa gửi được biểu mẫu" in text(response)
    assert "Quay lại" in text(response)
    assert "CSRF verification failed" not in text(response)
    assert Case.objects.count() == 0


def test_too_many_files_in_one_request_is_explained_in_vietnamese(client, demo, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"a{n}.jpg", b"x") for n in range(4)]
    response = client.post(SUBMIT, {**form_data(), "attachments": files})
    assert response.status_code == 400
    assert "Không đọc được yêu cầu bạn vừa gửi" in text(response)
    assert Case.objects.count() == 0
