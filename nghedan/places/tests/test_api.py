"""The places API: provinces, communes, one commune, and resolving an address."""

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from nghedan.api import errors
from nghedan.places.api import router

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def api_client() -> TestClient:
    api = NinjaAPI(urls_namespace="places-api-test")
    errors.install(api)
    api.add_router("/places", router)
    return TestClient(api)


def test_provinces_are_listed(api_client):
    response = api_client.get("/places/provinces")
    assert response.status_code == 200
    provinces = response.json()
    assert len(provinces) == 34
    assert {"code": "79", "name": "Thành phố Hồ Chí Minh", "short_name": "Hồ Chí Minh"} in provinces


def test_communes_of_a_province_are_paginated(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api_client.get("/places/communes", query_params={"province": "79", "limit": 100})
    page = response.json()
    assert response.status_code == 200
    assert page["count"] == 168
    assert len(page["items"]) == 100
    assert all(item["province"]["code"] == "79" for item in page["items"])
    rest = api_client.get(
        "/places/communes", query_params={"province": "79", "limit": 100, "offset": 100}
    )
    assert len(rest.json()["items"]) == 68


def test_communes_are_found_by_name_without_diacritics(api_client):
    page = api_client.get(
        "/places/communes", query_params={"province": "79", "q": "sai gon"}
    ).json()
    assert [item["name"] for item in page["items"]] == ["Phường Sài Gòn"]


def test_a_limit_above_100_is_refused(api_client):
    response = api_client.get("/places/communes", query_params={"limit": 101})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_an_unknown_province_is_refused(api_client):
    response = api_client.get("/places/communes", query_params={"province": "00"})
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_province"
    assert "Không có tỉnh, thành phố mã 00" in response.json()["message"]


def test_one_commune_by_code(api_client):
    response = api_client.get("/places/communes/26740")
    assert response.status_code == 200
    assert response.json() == {
        "code": "26740",
        "name": "Phường Sài Gòn",
        "short_name": "Sài Gòn",
        "kind": "phuong",
        "province": {"code": "79", "name": "Thành phố Hồ Chí Minh", "short_name": "Hồ Chí Minh"},
    }


def test_an_unknown_commune_is_404_in_vietnamese(api_client):
    response = api_client.get("/places/communes/99999")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_commune"
    assert "Không có xã, phường" in response.json()["message"]


def test_an_old_address_resolves(api_client):
    response = api_client.get(
        "/places/resolve", query_params={"address": "P. Bến Nghé, Q.1, TP.HCM"}
    )
    result = response.json()
    assert response.status_code == 200
    assert result["status"] == "found"
    assert result["commune"]["name"] == "Phường Sài Gòn"
    assert result["province"]["code"] == "79"
    assert result["legacy"] == {
        "code": "26740",
        "level": "ward",
        "kind": "phuong",
        "name": "Phường Bến Nghé",
        "full_name": "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
    }
    assert result["candidates"] == []


def test_an_ambiguous_address_answers_with_candidates(api_client):
    result = api_client.get("/places/resolve", query_params={"address": "Phường 1"}).json()
    assert result["status"] == "ambiguous"
    assert result["commune"] is None
    assert len(result["candidates"]) > 10
    assert all(candidate["province"]["name"] for candidate in result["candidates"])


@pytest.mark.parametrize("query", [{}, {"address": ""}, {"address": "   "}])
def test_a_missing_address_is_refused(api_client, query):
    response = api_client.get("/places/resolve", query_params=query)
    assert response.status_code == 400
    assert response.json()["code"] == "address_required"
    assert "Hãy gửi địa chỉ" in response.json()["message"]


def test_an_address_too_long_is_refused(api_client):
    response = api_client.get("/places/resolve", query_params={"address": "a" * 301})
    assert response.status_code == 400
    assert response.json()["code"] == "too_long"
    assert "Tối đa 300 ký tự" in response.json()["message"]
