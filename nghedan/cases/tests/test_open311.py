"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), field by field in XML and
JSON: services, service definitions, the public feed, new requests, tokens and errors."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nghedan.cases import actions
from nghedan.cases.models import Case, Category, Kind
from nghedan.people import actions as people_actions
from nghedan.people.models import User
from nghedan.places.models import Commune

BASE = "/open311/v2"
SAI_GON = "26740"
SAI_GON_ADDRESS = "Phường Sài Gòn, Thành phố Hồ Chí Minh"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords",
                  "group"]  # fmt: skip
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "requested_datetime", "updated_datetime",
}  # fmt: skip
CONTACT = {
    "submitter_name": "Nguyễn Văn An",
    "submitter_phone": "0909 123 456",
    "submitter_email": "an@example.vn",
    "submitter_address": "12 Lê Lợi, phường Sài Gòn",
}
DENOUNCER = {
    "submitter_name": "Trương Văn Kín Tên",
    "submitter_phone": "0912 345 678",
    "submitter_email": "kinten@example.vn",
    "submitter_address": "18 Hẻm Bí Mật, phường Sài Gòn",
}


@pytest.fixture
def public(client_for):
    return client_for(None)


def submit(kind=Kind.FEEDBACK, category="infrastructure", **fields) -> Case:
    values = {
        "channel": "web",
        "title": "Ổ gà lớn trước số 12 Lê Lợi",
        "description": "Ổ gà sâu 20 cm trước nhà 12 Lê Lợi, gọi 0909 123 456 nếu cần.",
        "address": "Trước nhà 45/7 Lê Thánh Tôn",
        **CONTACT,
        **fields,
    }
    return actions.do_submit_case(
        None,
        kind=kind,
        category=Category.objects.get(code=category),
        commune=Commune.objects.get(code=SAI_GON),
        **values,
    )


def denunciation() -> Case:
    return submit(
        Kind.DENUNCIATION, "official_conduct", channel="reception",
        title="Tố cáo cán bộ nhận tiền", description="Bị đòi tiền khi nộp hồ sơ.", **DENOUNCER,
    )  # fmt: skip


def xml_of(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def json_of(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def children(element: ET.Element) -> dict[str, str | None]:
    return {child.tag: child.text for child in element}


def new_request(**fields) -> dict:
    return {
        "service_code": "environment",
        "attribute[kind]": "feedback",
        "address_string": "Số 5 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM",
        "first_name": "Bình",
        "last_name": "Trần Thị",
        "email": "binh@example.vn",
        "phone": "0903 111 222",
        "description": "Rác thải chất đống trước số 5 Nguyễn Huệ ba ngày chưa được thu gom.",
        "media_url": "http://example.vn/anh.jpg",
        **fields,
    }


def post(client, data: dict, fmt: str = "json", **extra):
    return client.post(
        f"{BASE}/requests.{fmt}", urlencode(data),
        content_type="application/x-www-form-urlencoded; charset=utf-8", **extra,
    )  # fmt: skip


def errors_of(response, fmt: str = "json") -> list[dict]:
    if fmt == "json":
        return json_of(response)
    root = xml_of(response)
    assert root.tag == "errors"
    assert all(error.tag == "error" for error in root)
    return [{"code": int(e.findtext("code", "")), "description": e.findtext("description")}
            for e in root]  # fmt: skip


# GET Service List


def test_services_lists_the_active_categories_in_json(public, demo):
    Category.objects.filter(code="other").update(is_active=False)
    services = json_of(public.get(f"{BASE}/services.json"))
    active = list(Category.objects.filter(is_active=True))
    assert [service["service_code"] for service in services] == [c.code for c in active]
    environment = next(s for s in services if s["service_code"] == "environment")
    assert list(environment) == SERVICE_FIELDS
    assert environment["service_name"] == "Môi trường, vệ sinh"
    assert "rác thải" in environment["description"]
    assert environment["metadata"] is True
    assert environment["type"] == "realtime"
    assert environment["keywords"] == (
        "rác thải, mùi hôi, tiếng ồn nhà máy, kênh rạch ô nhiễm, cây xanh"
    )
    assert environment["group"] == "Môi trường, vệ sinh"
    assert "other" not in {service["service_code"] for service in services}


def test_services_in_xml_carry_the_same_elements(public, demo):
    root = xml_of(public.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert {service.tag for service in root} == {"service"}
    as_json = {s["service_code"]: s for s in json_of(public.get(f"{BASE}/services.json"))}
    for service in root:
        fields = children(service)
        assert list(fields) == SERVICE_FIELDS
        expected = as_json[fields["service_code"]]
        assert fields["metadata"] == "true" and fields["type"] == "realtime"
        for name in ("service_name", "description", "keywords", "group"):
            assert fields[name] == expected[name]


def test_a_sub_category_is_grouped_under_its_parent(public, demo):
    parent = Category.objects.get(code="infrastructure")
    Category.objects.create(code="flooding", name="Ngập nước", parent=parent, position=5)
    services = json_of(public.get(f"{BASE}/services.json"))
    flooding = next(s for s in services if s["service_code"] == "flooding")
    assert flooding["group"] == "Hạ tầng"


# GET Service Definition


def test_a_service_definition_offers_feedback_or_recommendation(public, demo):
    definition = json_of(public.get(f"{BASE}/services/environment.json"))
    assert definition["service_code"] == "environment"
    kind, title = definition["attributes"]
    assert kind["code"] == "kind" and kind["variable"] is True
    assert kind["datatype"] == "singlevaluelist" and kind["required"] is False
    assert kind["order"] == 1 and kind["description"] == "Loại ý kiến"
    assert "Khiếu nại, tố cáo" in kind["datatype_description"]
    assert kind["values"] == [
        {"key": "feedback", "name": "Phản ánh"},
        {"key": "recommendation", "name": "Kiến nghị"},
    ]
    assert title["code"] == "title" and title["datatype"] == "string" and title["order"] == 2


def test_a_service_definition_in_xml(public, demo):
    root = xml_of(public.get(f"{BASE}/services/environment.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "environment"
    attributes = root.find("attributes")
    assert [attribute.tag for attribute in attributes] == ["attribute", "attribute"]
    kind = attributes[0]
    assert [child.tag for child in kind] == [
        "variable", "code", "datatype", "required", "datatype_description", "order",
        "description", "values",
    ]  # fmt: skip
    assert kind.findtext("variable") == "true" and kind.findtext("required") == "false"
    assert kind.findtext("datatype") == "singlevaluelist" and kind.findtext("order") == "1"
    values = kind.find("values")
    assert [(v.tag, v.findtext("key"), v.findtext("name")) for v in values] == [
        ("value", "feedback", "Phản ánh"), ("value", "recommendation", "Kiến nghị"),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404_in_the_spec_error_format(public, demo, fmt):
    response = public.get(f"{BASE}/services/weather.{fmt}")
    assert response.status_code == 404
    [error] = errors_of(response, fmt)
    assert error["code"] == 404
    assert error["description"].startswith("Không có loại dịch vụ (service_code) “weather”")


# GET Service Requests


def test_the_feed_shows_the_title_the_commune_and_the_agency_never_a_person(public, demo):
    case = submit()
    [item] = [r for r in json_of(public.get(f"{BASE}/requests.json"))
              if r["service_request_id"] == case.code]  # fmt: skip
    assert set(item) == REQUEST_FIELDS | {"expected_datetime", "address"}
    assert item["status"] == "open"
    assert item["status_notes"] == "Đã tiếp nhận"
    assert item["service_name"] == "Hạ tầng" and item["service_code"] == "infrastructure"
    assert item["description"] == "Ổ gà lớn trước số 12 Lê Lợi"
    assert item["agency_responsible"] == "Ủy ban nhân dân phường Sài Gòn"
    assert item["address"] == SAI_GON_ADDRESS
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(item[name]), item[name]
    assert item["requested_datetime"] == timezone.localtime(case.received_at).isoformat(
        timespec="seconds"
    )
    due = case.deadlines.get().due_on
    assert item["expected_datetime"] == f"{due:%Y-%m-%d}T23:59:59+07:00"
    assert "lat" not in item and "long" not in item
    text = public.get(f"{BASE}/requests.json").content.decode()
    for private in [case.description, case.address, *CONTACT.values()]:
        assert private not in text


def test_the_feed_in_xml(public, demo):
    case = submit()
    root = xml_of(public.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    assert {request.tag for request in root} == {"request"}
    [request] = [r for r in root if r.findtext("service_request_id") == case.code]
    fields = children(request)
    assert list(fields) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "requested_datetime", "updated_datetime",
        "expected_datetime", "address",
    ]  # fmt: skip
    assert fields["status"] == "open"
    assert fields["description"] == case.title
    assert fields["address"] == SAI_GON_ADDRESS
    assert W3C.match(fields["updated_datetime"])


def test_a_closed_request_is_dated_when_it_was_closed(public, demo):
    case = submit()
    actions.do_classify(None, case, kind=case.kind, category=case.category,
                        condition=case.condition, people_count=1)  # fmt: skip
    actions.do_accept(None, case)
    actions.do_resolve(None, case, answer="Đã vá.")
    actions.do_close(None, case)
    case.refresh_from_db()
    [item] = json_of(public.get(f"{BASE}/requests/{case.code}.json"))
    assert item["status"] == "closed" and item["status_notes"] == "Đã kết thúc"
    assert item["updated_datetime"] == timezone.localtime(case.closed_at).isoformat(
        timespec="seconds"
    )
    assert "expected_datetime" not in item


def test_complaints_and_denunciations_are_never_in_the_feed(public, demo):
    hidden = [denunciation(), submit(Kind.COMPLAINT, "land_housing", title="Khiếu nại bồi thường")]
    shown = submit(Kind.RECOMMENDATION, "traffic", title="Đề nghị lắp đèn tín hiệu")
    everything = ",".join(case.code for case in [*hidden, shown])
    for fmt in ("json", "xml"):
        for query in ("", f"?service_request_id={everything}", "?service_code=official_conduct"):
            response = public.get(f"{BASE}/requests.{fmt}{query}")
            assert response.status_code == 200
            text = response.content.decode()
            for case in hidden:
                assert case.code not in text and case.title not in text
            for secret in DENOUNCER.values():
                assert secret not in text
        for case in hidden:
            for resource in ("requests", "tokens"):
                response = public.get(f"{BASE}/{resource}/{case.code}.{fmt}")
                assert response.status_code == 404
                assert errors_of(response, fmt)[0]["code"] == 404
    assert shown.code in public.get(f"{BASE}/requests.json").content.decode()


def test_the_feed_filters_as_the_spec_says(public, demo):
    old = submit(title="Cũ")
    Case.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=100))
    road = submit(title="Đường")
    noise = submit(category="environment", title="Ồn")
    closed = submit(title="Đã rút")
    actions.do_withdraw(None, closed)

    def ids(query: str = "") -> set[str]:
        response = public.get(f"{BASE}/requests.json{query}")
        assert response.status_code == 200, response.content
        return {item["service_request_id"] for item in json_of(response)}

    assert {road.code, noise.code, closed.code} <= ids()
    assert old.code not in ids()  # the last 90 days by default
    assert ids(f"?service_request_id={old.code},{road.code.lower()}") == {old.code, road.code}
    assert ids(f"?service_request_id={old.code}&status=open&service_code=traffic") == {old.code}
    assert noise.code in ids("?service_code=environment,traffic")
    assert road.code not in ids("?service_code=environment,traffic")
    assert closed.code in ids("?status=closed") and road.code not in ids("?status=closed")
    assert {road.code, closed.code} <= ids("?status=open,closed")
    assert closed.code not in ids("?status=open")
    start = (timezone.localtime() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    end = (timezone.localtime() - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%S+07:00")
    assert ids(f"?{urlencode({'start_date': start, 'end_date': end})}") >= {old.code}
    assert road.code not in ids(f"?{urlencode({'start_date': start, 'end_date': end})}")
    assert old.code in ids(f"?start_date={start}")  # "+" arriving as a space is understood


@pytest.mark.parametrize(
    "query, message",
    [
        ("start_date=hôm qua", "start_date phải theo định dạng W3C"),
        ("start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z", "quá 90 ngày"),
        ("start_date=2025-06-01&end_date=2025-05-01", "end_date phải sau start_date"),
        ("status=pending", "status chỉ nhận open, closed"),
    ],
)
def test_a_bad_query_is_a_400_with_the_reason(public, demo, query, message):
    for fmt in ("json", "xml"):
        response = public.get(f"{BASE}/requests.{fmt}?{query}")
        assert response.status_code == 400
        [error] = errors_of(response, fmt)
        assert error["code"] == 400 and message in error["description"]


def test_the_feed_costs_the_same_queries_whatever_its_length(public, demo):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert public.get(f"{BASE}/requests.xml").status_code == 200
        return len(captured)

    for number in range(3):
        submit(title=f"Ổ gà {number}")
    few = queries()
    for number in range(20):
        submit(category="traffic", title=f"Đèn hỏng {number}")
    assert queries() == few


# GET Service Request and tokens


def test_one_request_by_its_id_in_both_formats(public, demo):
    case = submit()
    [item] = json_of(public.get(f"{BASE}/requests/{case.code.lower()}.json"))
    assert item["service_request_id"] == case.code
    root = xml_of(public.get(f"{BASE}/requests/{case.code}.xml"))
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request" and request.findtext("service_request_id") == case.code
    assert request.findtext("agency_responsible") == "Ủy ban nhân dân phường Sài Gòn"
    missing = public.get(f"{BASE}/requests/ZZZZ-ZZZZ.xml")
    assert missing.status_code == 404 and errors_of(missing, "xml")[0]["code"] == 404


def test_a_token_leads_to_its_request(public, demo):
    case = submit()
    assert json_of(public.get(f"{BASE}/tokens/{case.code}.json")) == [
        {"service_request_id": case.code, "token": case.code}
    ]
    root = xml_of(public.get(f"{BASE}/tokens/{case.code}.xml"))
    assert [children(request) for request in root] == [
        {"service_request_id": case.code, "token": case.code}
    ]


# POST Service Request


def test_a_new_request_is_taken_in_and_can_be_followed(public, demo):
    response = post(public, new_request())
    assert response.status_code == 201
    [created] = json_of(response)
    assert list(created) == ["service_request_id", "service_notice", "account_id"]
    assert created["account_id"] is None
    case = Case.objects.get(code=created["service_request_id"])
    assert case.channel == "open311" and case.kind == "feedback"
    assert case.category.code == "environment"
    assert case.commune.code == SAI_GON and case.organization.code == "sai-gon-ubnd"
    assert case.address == "Số 5 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM"
    assert case.submitter_name == "Trần Thị Bình"
    assert case.submitter_email == "binh@example.vn" and case.submitter_phone == "0903 111 222"
    assert case.description == new_request()["description"]
    assert case.title == "Phản ánh về môi trường, vệ sinh"
    assert case.code in created["service_notice"]
    assert "Ủy ban nhân dân phường Sài Gòn" in created["service_notice"]
    [followed] = json_of(public.get(f"{BASE}/requests/{case.code}.json"))
    assert followed["status"] == "open" and followed["description"] == case.title
    assert "Trần Thị Bình" not in public.get(f"{BASE}/requests/{case.code}.json").content.decode()


def test_a_new_request_in_xml_with_its_own_title(public, demo):
    data = new_request(**{"attribute[kind]": "recommendation",
                          "attribute[title]": "Đề nghị thêm thùng rác  công cộng"})  # fmt: skip
    response = post(public, data, fmt="xml")
    assert response.status_code == 201
    root = xml_of(response)
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert [child.tag for child in request] == [
        "service_request_id", "service_notice", "account_id",
    ]  # fmt: skip
    assert request.find("account_id") is not None and not request.findtext("account_id")
    case = Case.objects.get(code=request.findtext("service_request_id"))
    assert case.kind == "recommendation" and case.title == "Đề nghị thêm thùng rác công cộng"


def test_a_request_without_a_name_is_anonymous_feedback(public, demo):
    data = new_request(first_name="", last_name="", email="", phone="")
    [created] = json_of(post(public, data))
    case = Case.objects.get(code=created["service_request_id"])
    assert case.is_anonymous and case.submitter_name == ""


@pytest.mark.parametrize(
    "fields, status, message",
    [
        ({"service_code": "weather"}, 404, "Không có loại dịch vụ (service_code) “weather”"),
        ({"service_code": ""}, 400, "Thiếu service_code"),
        ({"description": " "}, 400, "Thiếu nội dung (description)"),
        ({"address_string": "Phường 1"}, 400, "có thể thuộc nhiều xã, phường: "),
        ({"address_string": "", "lat": "10.7769", "long": "106.7009"}, 400,
         "không hỗ trợ tọa độ, hãy gửi address_string"),
        ({"address_string": ""}, 400, "Thiếu nơi xảy ra"),
        ({"address_string": "Xyzqw Qwrtz"}, 400, "Không nhận ra phường, xã nào"),
        ({"attribute[kind]": "denunciation"}, 400, "Khiếu nại, tố cáo cần xác định người gửi"),
        ({"attribute[kind]": "complaint"}, 400, "Khiếu nại, tố cáo cần xác định người gửi"),
        ({"attribute[kind]": "gossip"}, 400, "attribute[kind] chỉ nhận feedback"),
        ({"email": "binh@"}, 400, "Địa chỉ e-mail (email) chưa đúng"),
        ({"phone": "12"}, 400, "Số điện thoại (phone) gồm 9–15 chữ số"),
        ({"phone": "090 912 3"}, 400, "Số điện thoại (phone) gồm 9–15 chữ số"),
        ({"phone": "..........."}, 400, "Số điện thoại (phone) gồm 9–15 chữ số"),
        ({"api_key": "nd_sai"}, 403, "api_key không hợp lệ"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_in_the_spec_format_and_nothing_is_made(
    public, demo, fields, status, message
):
    before = Case.objects.count()
    for fmt in ("json", "xml"):
        response = post(public, new_request(**fields), fmt=fmt)
        assert response.status_code == status
        errors = errors_of(response, fmt)
        assert all(error["code"] == status for error in errors)
        assert any(message in error["description"] for error in errors), errors
    assert Case.objects.count() == before


def test_an_ambiguous_address_names_the_candidate_communes(public, demo):
    [error] = errors_of(post(public, new_request(address_string="Phường 1")))
    assert re.search(r"Phường [^;]+, Thành phố Hồ Chí Minh \(\d{5}\)", error["description"])
    assert "address_string" in error["description"]


def test_every_problem_is_listed_at_once(public, demo):
    response = post(public, new_request(description="", address_string="", email="x"))
    descriptions = [error["description"] for error in errors_of(response)]
    assert len(descriptions) == 3


def test_an_application_with_an_api_key_posts_in_its_officers_name(public, demo):
    officer = User.objects.get(username="tiepnhan.saigon")
    _, raw = people_actions.do_issue_api_token(officer, "Ứng dụng phường")
    [created] = json_of(post(public, new_request(api_key=raw)))
    case = Case.objects.get(code=created["service_request_id"])
    assert case.events.get(action="received").actor == officer


def test_anonymous_posts_are_limited_per_address(public, demo):
    for _ in range(10):
        assert post(public, {}, REMOTE_ADDR="203.0.113.7").status_code == 400
    before = Case.objects.count()
    blocked = post(public, new_request(), REMOTE_ADDR="203.0.113.7")
    assert blocked.status_code == 429
    assert "quá nhiều" in errors_of(blocked)[0]["description"]
    assert Case.objects.count() == before
    assert post(public, new_request(), REMOTE_ADDR="203.0.113.8").status_code == 201


def test_a_session_cookie_does_not_make_a_post_an_officers(client_for):
    [created] = json_of(post(client_for("tiepnhan.saigon"), new_request()))
    case = Case.objects.get(code=created["service_request_id"])
    assert case.events.get(action="received").actor is None


def test_wrong_methods_and_paths_answer_in_the_spec_format(public, demo):
    response = public.delete(f"{BASE}/requests.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert errors_of(response)[0]["code"] == 405
    response = public.post(f"{BASE}/services.xml")
    assert response.status_code == 405 and errors_of(response, "xml")[0]["code"] == 405
    for path, fmt in [("discovery.json", "json"), ("services.csv", "xml")]:
        response = public.get(f"{BASE}/{path}")
        assert response.status_code == 404 and errors_of(response, fmt)[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_discovery_file_points_at_the_v2_endpoint(client, fmt):
    response = client.get(f"/open311/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        endpoint = json.loads(response.content)["endpoints"][0]
        assert endpoint["url"].endswith("/open311/v2")
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "discovery"
        assert root.find("endpoints/endpoint/url").text.endswith("/open311/v2")
        formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
        assert formats == ["text/xml", "application/json"]


# Text that cannot be stored or written as it came


def test_a_control_character_in_a_stored_title_does_not_break_the_xml_feed(public, demo):
    case = submit(title="Ổ gà\x01 lớn\x08 trước\ufffe số 12")
    root = xml_of(public.get(f"{BASE}/requests.xml"))
    [request] = [r for r in root if r.findtext("service_request_id") == case.code]
    assert request.findtext("description") == "Ổ gà lớn trước số 12"


def test_posted_text_is_stored_without_control_or_invisible_characters(public, demo):
    data = new_request(**{
        "description": "Rác\x00 thải\x08 chất đống\u200b trước số 5 Nguyễn Huệ.",
        "attribute[title]": "Rác\x00 ở Nguyễn Huệ",
        "address_string": "Số 5\x00 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM",
        "first_name": "Bì\x00nh", "last_name": "Tra\u0302\u0300n Thị",
        "email": "binh@example.vn\x00", "phone": "0903 111 222\x00",
    })  # fmt: skip
    response = post(public, data)
    assert response.status_code == 201, response.content
    case = Case.objects.get(code=json_of(response)[0]["service_request_id"])
    assert case.description == "Rác thải chất đống trước số 5 Nguyễn Huệ."
    assert case.title == "Rác ở Nguyễn Huệ"
    assert case.address == "Số 5 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM"
    assert case.submitter_name == "Trần Thị Bình"
    assert case.submitter_email == "binh@example.vn" and case.submitter_phone == "0903 111 222"


def test_a_description_of_nothing_but_invisible_characters_is_missing(public, demo):
    response = post(public, new_request(description="\u200b\x00\u2060"))
    assert response.status_code == 400
    assert "Thiếu nội dung (description)" in errors_of(response)[0]["description"]


def test_a_nul_in_a_feed_filter_is_dropped_not_a_server_error(public, demo):
    case = submit(category="environment")
    for query in ("service_code=environment%00", f"service_request_id={case.code}%00"):
        response = public.get(f"{BASE}/requests.json?{query}")
        assert response.status_code == 200, response.content
        assert case.code in {item["service_request_id"] for item in json_of(response)}


@pytest.mark.parametrize(
    "start",
    ["2025-02-30", "2025-13-01T00:00:00%2B07:00", "2025-01-01T25:00:00Z",
     "2025-01-01T00:00:00%2B99:00"],
)  # fmt: skip
def test_an_impossible_date_is_a_400_not_a_server_error(public, demo, start):
    for fmt in ("json", "xml"):
        response = public.get(f"{BASE}/requests.{fmt}?start_date={start}")
        assert response.status_code == 400
        [error] = errors_of(response, fmt)
        assert "start_date phải theo định dạng W3C" in error["description"]


def test_an_email_longer_than_the_column_is_refused(public, demo):
    email = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".vn"
    assert len(email) > 254
    response = post(public, new_request(email=email))
    assert response.status_code == 400
    assert any("email tối đa 254 ký tự" in e["description"] for e in errors_of(response))


# Retries, anonymity, formats, places


def test_a_retry_with_the_same_idempotency_key_makes_one_case(public, demo):
    officer = User.objects.get(username="tiepnhan.saigon")
    _, raw = people_actions.do_issue_api_token(officer, "Ứng dụng phường")
    data = new_request(api_key=raw)
    before = Case.objects.count()
    for fmt in ("json", "xml"):
        first = post(public, data, fmt=fmt, headers={"Idempotency-Key": f"gui-lan-1-{fmt}"})
        again = post(public, data, fmt=fmt, headers={"Idempotency-Key": f"gui-lan-1-{fmt}"})
        assert first.status_code == again.status_code == 201
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]
        assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == before + 2
    other = post(public, new_request(api_key=raw, description="Khác hẳn lần trước, ở chỗ khác."),
                 headers={"Idempotency-Key": "gui-lan-1-json"})  # fmt: skip
    assert other.status_code == 422
    assert "Idempotency-Key" in errors_of(other)[0]["description"]
    assert Case.objects.count() == before + 2


def test_a_retry_without_an_api_key_is_kept_per_client_address(public, demo):
    data = new_request()
    before = Case.objects.count()
    first = post(public, data, headers={"Idempotency-Key": "k-1"}, REMOTE_ADDR="203.0.113.5")
    again = post(public, data, headers={"Idempotency-Key": "k-1"}, REMOTE_ADDR="203.0.113.5")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == before + 1
    # Another client's key of the same name is theirs, not a retry of this one.
    elsewhere = post(public, data, headers={"Idempotency-Key": "k-1"}, REMOTE_ADDR="203.0.113.9")
    assert elsewhere.status_code == 201
    assert "Idempotent-Replayed" not in elsewhere
    assert Case.objects.count() == before + 2


def test_a_request_with_only_contact_details_is_not_anonymous(public, demo):
    for contact in ({"phone": ""}, {"email": ""}):
        data = new_request(first_name="", last_name="", **contact)
        [created] = json_of(post(public, data))
        case = Case.objects.get(code=created["service_request_id"])
        assert not case.is_anonymous


@pytest.mark.parametrize(
    "path, fmt",
    [("services.csv", "xml"), ("requests/ABC.html", "xml"), ("services", "xml"),
     ("services.JSON", "json"), ("requests.Xml", "xml")],
)  # fmt: skip
def test_an_unknown_format_says_only_json_and_xml_are_served(public, demo, path, fmt):
    response = public.get(f"{BASE}/{path}")
    assert response.status_code == 404
    [error] = errors_of(response, fmt)
    assert ".json" in error["description"] and ".xml" in error["description"]


def test_a_json_body_is_refused_with_the_encoding_to_use(public, demo):
    before = Case.objects.count()
    response = public.post(f"{BASE}/requests.json", new_request(), content_type="application/json")
    assert response.status_code == 400
    [error] = errors_of(response)
    assert "application/x-www-form-urlencoded" in error["description"]
    assert Case.objects.count() == before


def test_a_place_outside_the_served_area_is_named(public, demo):
    response = post(public, new_request(address_string="Phường Ba Đình, Hà Nội"))
    assert response.status_code == 400
    [error] = errors_of(response)
    assert "ngoài địa bàn" in error["description"]
    assert "Phường Ba Đình" in error["description"]
