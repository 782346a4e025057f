"""The public lookup page, with and without htmx."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOOKUP = reverse("places:lookup")


def test_the_page_is_public_and_labelled(client):
    response = client.get(LOOKUP)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_address">' in body
    assert 'aria-live="polite"' in body
    assert 'hx-get="/places/"' in body


def test_an_old_address_shows_the_commune_today(client):
    response = client.get(LOOKUP, {"address": "P. Bến Nghé, Q.1, TP.HCM"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "Phường Sài Gòn" in body
    assert "Thành phố Hồ Chí Minh" in body
    assert "Phường Bến Nghé, Quận 1" in body


def test_htmx_gets_only_the_result(client):
    response = client.get(
        LOOKUP, {"address": "phuong ben nghe quan 1 tphcm"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Phường Sài Gòn" in body
    assert "HX-Request" in response["Vary"]


def test_an_ambiguous_address_lists_the_candidates(client):
    body = client.get(LOOKUP, {"address": "Xã Tân Thành"}).content.decode()
    assert "<table>" in body
    assert "Tỉnh Tây Ninh" in body
    assert "Tỉnh Đồng Tháp" in body


def test_nothing_found_says_how_to_write_the_address(client):
    body = client.get(LOOKUP, {"address": "asdf qwerty"}).content.decode()
    assert "Không nhận ra phường, xã nào" in body
    assert "P. Bến Nghé, Q.1, TP.HCM" in body


def test_a_typo_gets_a_suggestion(client):
    body = client.get(LOOKUP, {"address": "Bến Ngé"}).content.decode()
    assert "Có phải bạn muốn tìm" in body
    assert "Phường Sài Gòn" in body


def test_an_empty_address_is_asked_for(client):
    response = client.get(LOOKUP, {"address": ""})
    assert response.status_code == 400
    assert "Hãy nhập địa chỉ cần tra cứu" in response.content.decode()


def test_an_address_too_long_is_refused_in_vietnamese(client):
    response = client.get(LOOKUP, {"address": "Bến Nghé " * 40})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Địa chỉ dài tối đa 300 ký tự" in body
    assert 'aria-invalid="true"' in body


def test_an_address_too_long_via_htmx_shows_the_error_in_place(client):
    response = client.get(LOOKUP, {"address": "x" * 301}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Địa chỉ dài tối đa 300 ký tự" in response.content.decode()
