"""Every error is JSON: a stable code, a Vietnamese message, and per-field messages."""

import logging

import pytest

from nghedan.api.tests.personas import ApiClient, signed_in
from nghedan.people.models import Organization

ORGANIZATIONS = "/api/v1/organizations"


@pytest.fixture
def admin(city):
    return signed_in(city.ward_admin)


def post(client, data, path=ORGANIZATIONS, **kwargs):
    return client.post(path, data, content_type="application/json", **kwargs)


def test_invalid_input_gets_one_vietnamese_message_per_field(city, admin):
    before = Organization.objects.count()
    response = post(
        admin,
        {
            "code": "Mã có dấu",
            "kind": "club",
            "parent": "ward",
            "province": "123456",
            "colour": "red",
        },
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["message"].startswith("Dữ liệu gửi lên chưa hợp lệ.")
    fields = body["fields"]
    assert fields["name"] == ["Trường này là bắt buộc."]
    assert fields["code"] == [
        "Mã chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang (-) và gạch dưới (_), "
        "ví dụ: mttq-phuong-ben-thanh."
    ]
    assert fields["kind"][0].startswith("Giá trị phải là một trong: 'party_committee'")
    assert " hoặc 'residential_group'" in fields["kind"][0]
    assert fields["parent"] == ["Giá trị phải là số nguyên."]
    assert fields["province"] == ["Tối đa 5 ký tự."]
    assert fields["colour"] == [
        "Trường này không được chấp nhận; hãy bỏ nó đi hoặc kiểm tra lại tên trường."
    ]
    assert Organization.objects.count() == before


def test_blank_text_is_refused_as_empty(city, admin):
    response = post(admin, {"name": "   ", "code": "mttq", "kind": "fatherland_front"})
    assert response.json()["fields"]["name"] == ["Trường này không được để trống."]


def test_too_long_text_and_a_bad_email_are_named(city, admin):
    response = post(
        admin,
        {
            "username": "a" * 151,
            "full_name": "Nguyễn Văn A",
            "email": "khong-phai-email",
            "organization": city.ward.pk,
            "role": "handler",
        },
        path="/api/v1/people",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "username": ["Tối đa 150 ký tự."],
        "email": ["Địa chỉ e-mail chưa đúng, ví dụ đúng: ten@example.vn."],
    }


def test_query_parameters_are_checked_too(city, admin):
    response = admin.get(ORGANIZATIONS, {"limit": 1000, "offset": -1})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "limit": ["Giá trị phải nhỏ hơn hoặc bằng 100."],
        "offset": ["Giá trị phải lớn hơn hoặc bằng 0."],
    }


def test_a_missing_body_is_named(city, admin):
    response = admin.post(ORGANIZATIONS, "", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"] == {"body": ["Yêu cầu cần có thân JSON."]}


def test_a_body_that_is_not_an_object_is_named(city, admin):
    response = post(admin, ["không", "phải", "đối tượng"])
    assert response.status_code == 422
    assert response.json()["fields"] == {"body": ["Thân yêu cầu phải là một đối tượng JSON."]}


def test_malformed_json_is_400(city, admin):
    response = post(admin, '{"name": "thiếu ngoặc"')
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert response.json()["message"].startswith("Thân yêu cầu không phải là JSON hợp lệ.")


def test_permission_denied_is_403_forbidden(city):
    officer = signed_in(city.ward_officer)
    response = post(officer, {"name": "Tổ dân phố 1", "code": "to-1", "kind": "residential_group"})
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": (
            "Bạn không có quyền thực hiện thao tác này. Nếu công việc cần, hãy đề nghị quản trị "
            "viên của tổ chức cấp cho bạn vai trò phù hợp."
        ),
    }


def test_not_found_is_404(city, admin):
    response = admin.get(f"{ORGANIZATIONS}/999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["message"].startswith("Không tìm thấy đối tượng được yêu cầu.")


def test_an_unknown_api_address_is_a_json_404(db):
    response = ApiClient().get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_refusal_carries_its_code_message_and_field(city, admin):
    response = post(
        admin,
        {"name": "Trùng mã", "code": "ubnd-tphcm", "kind": "agency", "parent": city.ward.pk},
    )
    assert response.status_code == 400
    message = "Mã tổ chức này đã được dùng; hãy chọn mã khác."
    expected = {"code": "code_taken", "message": message, "fields": {"code": [message]}}
    assert response.json() == expected


def test_a_wrong_method_is_a_json_405(city, admin):
    response = admin.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "DELETE" in response.json()["message"]
    assert response["Allow"] == "GET"


def test_an_unexpected_failure_is_a_generic_500_and_is_logged(city, admin, monkeypatch, caplog):
    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("nghedan.people.api.visible_organizations", broken)
    with caplog.at_level(logging.ERROR, logger="nghedan.api"):
        response = admin.get(ORGANIZATIONS)
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": (
            "Máy chủ gặp lỗi ngoài dự kiến. Hãy thử lại sau ít phút; nếu lỗi vẫn lặp lại, hãy "
            "báo cho quản trị viên kèm thời điểm xảy ra lỗi."
        ),
    }
    assert "secret internals" not in response.content.decode()
    assert "RuntimeError: secret internals" in caplog.text


def test_errors_are_utf8_json(city, admin):
    response = admin.get(f"{ORGANIZATIONS}/999999")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Không tìm thấy".encode() in response.content


def test_a_body_too_large_is_a_vietnamese_413_not_a_server_error(city, admin, settings, caplog):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"name": "x" * 5000, "code": "mttq", "kind": "fatherland_front"}
    with caplog.at_level(logging.ERROR, logger="nghedan.api"):
        response = post(admin, body)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert response.json()["message"].startswith("Thân yêu cầu quá lớn.")
    assert not caplog.records


@pytest.mark.parametrize("huge", ["99999999999999999999999", "0", "-3"])
def test_an_id_filter_out_of_range_is_an_input_error(city, admin, huge):
    response = admin.get(f"{ORGANIZATIONS}?parent={huge}")
    assert response.status_code == 422
    assert "parent" in str(response.json()["fields"])


def test_a_body_id_out_of_range_is_an_input_error(city, admin):
    body = {"name": "Ủy ban MTTQ", "code": "mttq", "kind": "fatherland_front",
            "parent": 99999999999999999999999}  # fmt: skip
    response = post(admin, body)
    assert response.status_code == 422
    assert response.json()["fields"]["parent"][0].startswith("Giá trị phải nhỏ hơn hoặc bằng")
