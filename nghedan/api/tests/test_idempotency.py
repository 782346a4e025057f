"""A POST with an Idempotency-Key is performed at most once; a retry gets the first answer."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from nghedan.api.idempotency import fingerprint, prune_idempotent_requests
from nghedan.api.models import IdempotentRequest
from nghedan.api.tests.personas import signed_in, with_token
from nghedan.people import actions
from nghedan.people.models import Organization

ORGANIZATIONS = "/api/v1/organizations"


@pytest.fixture
def admin(city):
    return signed_in(city.ward_admin)


def new_organization(city, code="mttq-phuong-sai-gon"):
    return {
        "name": "Ủy ban MTTQ phường Sài Gòn",
        "code": code,
        "kind": "fatherland_front",
        "parent": city.ward.pk,
    }


def post(client, data, key, path=ORGANIZATIONS):
    return client.post(
        path, data, content_type="application/json", headers={"Idempotency-Key": key}
    )


def test_a_retry_is_answered_from_the_first_response(city, admin):
    first = post(admin, new_organization(city), "tao-mttq-1")
    again = post(admin, new_organization(city), "tao-mttq-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Organization.objects.filter(code="mttq-phuong-sai-gon").count() == 1


def test_the_same_key_for_another_body_is_refused(city, admin):
    post(admin, new_organization(city), "tao-mttq-1")
    response = post(admin, new_organization(city, code="mttq-khac"), "tao-mttq-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["message"].startswith("Khóa Idempotency-Key này đã được dùng")
    assert not Organization.objects.filter(code="mttq-khac").exists()


def test_the_same_key_for_another_address_is_refused(city, admin):
    post(admin, new_organization(city), "khoa-chung")
    person = {
        "username": "tiepnhan.saigon",
        "full_name": "Lê Thị Hồng",
        "organization": city.ward.pk,
        "role": "reception",
    }
    response = post(admin, person, "khoa-chung", path="/api/v1/people")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


def sent(rf, data, path=ORGANIZATIONS):
    return rf.post(path, data, content_type="application/json")


def test_a_retry_while_the_first_is_running_gets_409(city, admin, rf):
    data = new_organization(city)
    IdempotentRequest.objects.create(  # reserved by a first request that has not ended yet
        user=city.ward_admin,
        key="dang-chay",
        method="POST",
        path=ORGANIZATIONS,
        body_hash=fingerprint(sent(rf, data)),
    )
    response = post(admin, data, "dang-chay")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert not Organization.objects.filter(code=data["code"]).exists()


def test_a_reservation_abandoned_by_a_dead_process_is_taken_over(city, admin, rf):
    data = new_organization(city)
    IdempotentRequest.objects.create(
        user=city.ward_admin,
        key="bo-do",
        method="POST",
        path=ORGANIZATIONS,
        body_hash=fingerprint(sent(rf, data)),
    )
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert post(admin, data, "bo-do").status_code == 201


@pytest.mark.parametrize("key", ["", "có dấu", "có khoảng trắng", "x" * 256])
def test_a_malformed_key_is_refused(city, admin, key):
    response = post(admin, new_organization(city), key)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_idempotency_key"
    assert not Organization.objects.filter(code="mttq-phuong-sai-gon").exists()


def test_a_refusal_is_stored_and_replayed_too(city, admin):
    taken = {**new_organization(city), "code": "ubnd-tphcm"}
    first = post(admin, taken, "trung-ma")
    again = post(admin, taken, "trung-ma")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"


def test_a_server_error_releases_the_key_so_a_retry_runs(city, admin, monkeypatch):
    real = actions.do_create_organization

    def broken(*args, **kwargs):
        raise RuntimeError("mất kết nối")

    monkeypatch.setattr(actions, "do_create_organization", broken)
    assert post(admin, new_organization(city), "thu-lai").status_code == 500
    assert not IdempotentRequest.objects.filter(key="thu-lai").exists()

    monkeypatch.setattr(actions, "do_create_organization", real)
    response = post(admin, new_organization(city), "thu-lai")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


def test_keys_belong_to_their_user(city, admin):
    post(admin, new_organization(city), "khoa-1")
    city_admin = signed_in(city.city_admin)
    response = post(city_admin, new_organization(city, code="mttq-2"), "khoa-1")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response


def test_a_token_and_a_session_of_one_user_share_keys(city, admin):
    _, raw = actions.do_issue_api_token(city.ward_admin, "công cụ")
    post(admin, new_organization(city), "khoa-1")
    response = post(with_token(raw), new_organization(city), "khoa-1")
    assert response["Idempotent-Replayed"] == "true"


def test_an_expired_key_may_be_used_again(city, admin, settings):
    settings.IDEMPOTENCY_HOURS = 1
    post(admin, new_organization(city), "khoa-cu")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=2))
    response = post(admin, new_organization(city, code="mttq-moi"), "khoa-cu")
    assert response.status_code == 201
    assert Organization.objects.filter(code="mttq-moi").exists()


def test_pruning_forgets_only_expired_keys(city, admin, settings):
    settings.IDEMPOTENCY_HOURS = 24
    post(admin, new_organization(city), "cu")
    post(admin, new_organization(city, code="mttq-2"), "moi")
    IdempotentRequest.objects.filter(key="cu").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert prune_idempotent_requests() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["moi"]


def test_requests_without_a_key_are_not_stored(city, admin):
    admin.post(ORGANIZATIONS, new_organization(city), content_type="application/json")
    assert not IdempotentRequest.objects.exists()


def test_a_response_holding_a_secret_refuses_a_key(city):
    officer = signed_in(city.ward_officer)
    response = post(officer, {"name": "công cụ"}, "cap-ma", path="/api/v1/tokens")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_not_supported"
    assert not IdempotentRequest.objects.exists()


def test_the_stored_request_keeps_a_hash_of_the_body(city, admin, rf):
    post(admin, new_organization(city), "mo-ta")
    stored = IdempotentRequest.objects.get(key="mo-ta")
    assert (stored.method, stored.path, stored.status_code) == ("POST", ORGANIZATIONS, 201)
    assert len(stored.body_hash) == 64
    assert stored.body_hash == fingerprint(sent(rf, new_organization(city)))


def test_the_prune_command_reports_what_it_deleted(city, admin):
    post(admin, new_organization(city), "cu")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    out = StringIO()
    call_command("prune_idempotency_keys", stdout=out)
    assert out.getvalue().strip() == "Đã xóa 1 khóa cũ hơn 24 giờ."


def test_a_retry_after_losing_the_organization_is_not_answered_from_memory(city, admin):
    first = post(admin, new_organization(city), "tao-mttq-1")
    assert first.status_code == 201
    membership = city.ward_admin.memberships.get(organization=city.ward)
    actions.do_remove_membership(city.city_admin, membership)
    again = post(admin, new_organization(city), "tao-mttq-1")
    assert "Idempotent-Replayed" not in again
    assert again.status_code == 403
    kept = IdempotentRequest.objects.get(user=city.ward_admin, key="tao-mttq-1")
    assert kept.status_code == 403  # the refusal is what a further retry gets


def test_a_locked_account_leaves_no_answers_to_replay(city, admin):
    post(admin, new_organization(city), "tao-mttq-1")
    actions.do_set_person_active(city.city_admin, city.ward_admin, False)
    assert not IdempotentRequest.objects.filter(user=city.ward_admin).exists()
