"""Bearer tokens for staff tools, the browser session, and CSRF for the session only."""

from datetime import timedelta

from django.utils import timezone

from nghedan.api.tests.personas import ApiClient, signed_in, with_token
from nghedan.people import actions
from nghedan.people.models import ApiToken

ORGANIZATIONS = "/api/v1/organizations"


def new_organization(code="mttq-phuong-sai-gon", **fields):
    name = "Ủy ban MTTQ phường Sài Gòn"
    return {"name": name, "code": code, "kind": "fatherland_front", **fields}


def test_a_valid_token_signs_the_tool_in_and_notes_its_use(city):
    token, raw = actions.do_issue_api_token(city.ward_officer, "công cụ nhập đơn")
    response = with_token(raw).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "xuly.saigon"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(city):
    token, raw = actions.do_issue_api_token(city.ward_officer, "công cụ")
    half_a_minute_ago = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=half_a_minute_ago)
    with_token(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at == half_a_minute_ago

    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=two_minutes_ago)
    with_token(raw).get("/api/v1/me")
    token.refresh_from_db()
    assert token.last_used_at > two_minutes_ago


def assert_invalid_token(response):
    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_token",
        "message": (
            "Mã truy cập không hợp lệ, đã bị thu hồi, hoặc tài khoản của nó đã bị khóa. "
            "Hãy kiểm tra lại mã, hoặc đăng nhập và cấp một mã mới."
        ),
    }
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_token_is_refused(city):
    assert_invalid_token(with_token("nd_khong-phai-ma-that").get("/api/v1/me"))


def test_a_revoked_token_is_refused(city):
    token, raw = actions.do_issue_api_token(city.ward_officer, "công cụ")
    actions.do_revoke_api_token(city.ward_officer, token)
    assert_invalid_token(with_token(raw).get("/api/v1/me"))


def test_the_token_of_a_locked_account_is_refused(city):
    _, raw = actions.do_issue_api_token(city.ward_officer, "công cụ")
    actions.do_set_person_active(city.ward_admin, city.ward_officer, False)
    assert_invalid_token(with_token(raw).get("/api/v1/me"))


def test_a_bad_token_is_refused_even_beside_a_valid_session(city):
    client = signed_in(city.ward_officer, headers={"Authorization": "Bearer nd_sai"})
    assert_invalid_token(client.get("/api/v1/me"))


def test_without_credentials_the_answer_is_401_in_vietnamese(db):
    response = ApiClient().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"].startswith("Bạn chưa đăng nhập.")


def test_public_routes_need_no_credentials(db):
    assert ApiClient().get("/api/v1/health").json() == {"status": "ok"}


def test_the_session_works_for_reading(city):
    client = signed_in(city.ward_officer, enforce_csrf_checks=True)
    assert client.get("/api/v1/me").status_code == 200


def test_a_session_write_without_the_csrf_token_is_refused(city):
    client = signed_in(city.ward_admin, enforce_csrf_checks=True)
    response = client.post(
        ORGANIZATIONS, new_organization(parent=city.ward.pk), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "X-CSRFToken" in response.json()["message"]


def test_a_session_write_with_the_csrf_token_goes_through(city):
    client = signed_in(city.ward_admin, enforce_csrf_checks=True)
    client.get("/api/docs")  # the docs page sets the csrftoken cookie, as in a browser
    response = client.post(
        ORGANIZATIONS,
        new_organization(parent=city.ward.pk),
        content_type="application/json",
        headers={
            "X-CSRFToken": client.cookies["csrftoken"].value,
            "Referer": "https://testserver/api/docs",
        },
    )
    assert response.status_code == 201


def test_a_token_write_needs_no_csrf_token(city):
    _, raw = actions.do_issue_api_token(city.ward_admin, "công cụ")
    client = with_token(raw, enforce_csrf_checks=True)
    response = client.post(
        ORGANIZATIONS, new_organization(parent=city.ward.pk), content_type="application/json"
    )
    assert response.status_code == 201


def test_a_token_cannot_issue_more_tokens(city):
    _, raw = actions.do_issue_api_token(city.ward_officer, "công cụ")
    response = with_token(raw).post(
        "/api/v1/tokens", {"name": "mã thứ hai"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert ApiToken.objects.filter(user=city.ward_officer).count() == 1
