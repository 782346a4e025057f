"""Signing in and out, lock-out after repeated failures, password change and reset."""

import re

from django.core import mail
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.people.demo import DEMO_PASSWORD
from nghedan.people.models import User

SIGN_IN = reverse("people:sign_in")


def sign_in(client, username, password):
    return client.post(SIGN_IN, {"username": username, "password": password})


def test_an_officer_signs_in_and_reaches_the_dashboard(client, demo):
    response = sign_in(client, "tiepnhan.saigon", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("shell:dashboard")
    page = client.get(reverse("shell:dashboard"))
    assert "Lê Thị Hồng" in page.content.decode()
    assert AuditEntry.objects.filter(
        action="auth.sign_in", actor__username="tiepnhan.saigon"
    ).exists()


def test_a_citizen_signs_in_and_reaches_what_they_have_sent(client, demo):
    response = sign_in(client, "nguoidan.kim", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:mine")
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_password_is_refused_in_vietnamese(client, demo):
    response = sign_in(client, "tiepnhan.saigon", "sai-mat-khau")
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_empty_fields_get_a_message_each(client, demo):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count("Trường này là bắt buộc") >= 2


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, demo, settings):
    settings.SIGN_IN_MAX_FAILURES = 3
    for _ in range(3):
        sign_in(client, "xuly.saigon", "sai-mat-khau")
    response = sign_in(client, "xuly.saigon", DEMO_PASSWORD)
    assert response.status_code == 400
    assert "quá nhiều lần" in response.content.decode()
    # Other accounts are not held up by one account's lock.
    assert sign_in(client, "tiepnhan.saigon", DEMO_PASSWORD).status_code == 302


def test_the_lock_ends_after_the_window(client, demo, settings):
    from datetime import timedelta

    from django.utils import timezone

    from nghedan.people.models import SignInFailure

    settings.SIGN_IN_MAX_FAILURES = 2
    sign_in(client, "xuly.saigon", "x")
    sign_in(client, "xuly.saigon", "y")
    SignInFailure.objects.update(created_at=timezone.now() - timedelta(minutes=60))
    assert sign_in(client, "xuly.saigon", DEMO_PASSWORD).status_code == 302


def test_sign_in_does_not_redirect_to_another_site(client, demo):
    response = client.post(
        SIGN_IN + "?next=https://evil.example/",
        {"username": "xuly.saigon", "password": DEMO_PASSWORD},
    )
    assert response["Location"] == reverse("shell:dashboard")


def test_sign_out_is_a_post(client_for):
    browser = client_for("xuly.saigon")
    assert browser.get(reverse("people:sign_out")).status_code == 405
    assert browser.post(reverse("people:sign_out")).status_code == 302
    assert "_auth_user_id" not in browser.session


def test_password_change_checks_the_old_one_and_the_new_ones_strength(client_for):
    browser = client_for("xuly.saigon")
    url = reverse("people:account")
    weak = browser.post(
        url, {"old_password": DEMO_PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 400
    wrong = browser.post(
        url,
        {
            "old_password": "x",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert wrong.status_code == 400
    assert User.objects.get(username="xuly.saigon").check_password(DEMO_PASSWORD)
    good = browser.post(
        url,
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert good.status_code == 302
    assert User.objects.get(username="xuly.saigon").check_password("Mat-khau-moi-2026")
    assert AuditEntry.objects.filter(action="person.password_change").exists()


def test_password_reset_by_email(client, demo):
    response = client.post(
        reverse("people:password_reset"), {"email": "xuly.saigon@demo.nghedan.vn"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://[^\s]+/dat-lai-mat-khau/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-rieng-2026", "new_password2": "Mat-khau-rieng-2026"},
    )
    assert done.status_code == 302
    assert User.objects.get(username="xuly.saigon").check_password("Mat-khau-rieng-2026")


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(client, demo):
    response = client.post(reverse("people:password_reset"), {"email": "khongco@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


def sign_up_data(**changes):
    data = {
        "full_name": "Trần Thị Bích",
        "username": "tran.bich",
        "email": "bich@example.vn",
        "phone": "0909 123 456",
        "password": "Mat-khau-cua-Bich-2026",
        "password_again": "Mat-khau-cua-Bich-2026",
        "website": "",
    }
    return {**data, **changes}


def test_a_citizen_signs_up_with_no_role(client, demo):
    response = client.post(reverse("people:sign_up"), sign_up_data())
    assert response.status_code == 302
    citizen = User.objects.get(username="tran.bich")
    assert citizen.memberships.count() == 0
    assert client.get(reverse("shell:dashboard")).status_code == 403


def test_sign_up_bad_input_gets_a_message_per_field_and_creates_nothing(client, demo):
    before = User.objects.count()
    response = client.post(
        reverse("people:sign_up"),
        sign_up_data(
            username="Trần Bích", email="khong-phai-email", phone="abc", password_again="khac"
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Chỉ dùng chữ không dấu" in body
    assert "Số điện thoại gồm 9–15 chữ số" in body
    assert "Hai mật khẩu không giống nhau" in body
    assert User.objects.count() == before


def test_sign_up_refuses_a_taken_username(client, demo):
    response = client.post(reverse("people:sign_up"), sign_up_data(username="xuly.saigon"))
    assert response.status_code == 400
    assert "đã có người dùng" in response.content.decode()


def test_a_robot_filling_the_hidden_field_creates_nothing(client, demo):
    response = client.post(reverse("people:sign_up"), sign_up_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not User.objects.filter(username="tran.bich").exists()


def test_sign_up_is_rate_limited_per_address_and_counted(client, demo):
    from nghedan.lib import ratelimit

    for n in range(5):
        client.post(
            reverse("people:sign_up"), sign_up_data(username=f"nguoi{n}", email=f"n{n}@example.vn")
        )
    response = client.post(reverse("people:sign_up"), sign_up_data())
    assert response.status_code == 429
    assert not User.objects.filter(username="tran.bich").exists()
    assert ratelimit.blocked_total("sign_up") >= 1


def test_behind_a_proxy_the_lock_follows_the_real_address(client, demo, settings):
    from nghedan.people.models import SignInFailure

    settings.TRUSTED_PROXIES = 1
    client.post(
        SIGN_IN,
        {"username": "xuly.saigon", "password": "x"},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
        REMOTE_ADDR="10.0.0.1",
    )
    assert SignInFailure.objects.get().address == "203.0.113.9"
