"""The people API: who sees and changes organizations, people, roles and tokens."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nghedan.api.tests.personas import build_city, signed_in, with_token
from nghedan.audit.models import AuditEntry
from nghedan.lib.refusal import Refused
from nghedan.people import actions
from nghedan.people.models import ApiToken, Membership, Organization, Role, User
from nghedan.places.models import Commune

ORGANIZATIONS = "/api/v1/organizations"
PEOPLE = "/api/v1/people"


@pytest.fixture
def city(db):
    return build_city()


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def patch(client, path, data):
    return client.patch(path, data, content_type="application/json")


def codes(response) -> set[str]:
    return {item["code"] for item in response.json()["items"]}


def usernames(response) -> set[str]:
    return {item["username"] for item in response.json()["items"]}


def new_organization(parent, code="mttq-phuong-sai-gon", **fields):
    return {
        "name": "Ủy ban MTTQ Việt Nam phường Sài Gòn",
        "code": code,
        "kind": "fatherland_front",
        "parent": parent.pk,
        **fields,
    }


def new_person(organization, **fields):
    return {
        "username": "tiepnhan.saigon",
        "full_name": "Lê Thị Hồng",
        "email": "hong@nghedan.vn",
        "phone": "0909 123 456",
        "organization": organization.pk,
        "role": "reception",
        "title": "Chuyên viên",
        **fields,
    }


# The caller


def test_me_shows_the_account_and_its_roles(city):
    body = signed_in(city.ward_officer).get("/api/v1/me").json()
    assert body["username"] == "xuly.saigon"
    assert body["full_name"] == "Lê Văn Hùng"
    assert body["is_administrator"] is False
    [membership] = body["memberships"]
    assert membership["role"] == "handler"
    assert membership["role_label"] == "Cán bộ xử lý"
    assert membership["organization"]["code"] == "ubnd-phuong-sai-gon"


# Organizations: reading


def test_an_officer_sees_their_ward_and_not_the_others(city):
    response = signed_in(city.ward_officer).get(ORGANIZATIONS)
    assert response.status_code == 200
    assert codes(response) == {"ubnd-phuong-sai-gon"}
    assert response.json()["count"] == 1


def test_a_city_administrator_sees_the_whole_tree(city):
    response = signed_in(city.city_admin).get(ORGANIZATIONS)
    assert codes(response) == {"ubnd-tphcm", "ubnd-phuong-sai-gon", "ubnd-phuong-ben-thanh"}


def test_organizations_filter_by_kind_and_parent(city):
    actions.do_create_organization(
        None,
        name="Ban Dân vận Thành ủy",
        code="bdv-thanh-uy",
        kind=Organization.Kind.MASS_MOBILIZATION,
        parent=city.city,
    )
    admin = signed_in(city.city_admin)
    by_kind = admin.get(ORGANIZATIONS, {"kind": "mass_mobilization"})
    assert codes(by_kind) == {"bdv-thanh-uy"}
    under_city = admin.get(ORGANIZATIONS, {"parent": city.city.pk})
    assert codes(under_city) == {"bdv-thanh-uy", "ubnd-phuong-sai-gon", "ubnd-phuong-ben-thanh"}


def test_organizations_come_in_pages(city):
    admin = signed_in(city.city_admin)
    first = admin.get(ORGANIZATIONS, {"limit": 2}).json()
    rest = admin.get(ORGANIZATIONS, {"limit": 2, "offset": 2}).json()
    assert first["count"] == rest["count"] == 3
    assert len(first["items"]) == 2 and len(rest["items"]) == 1
    assert admin.get(ORGANIZATIONS, {"limit": 101}).status_code == 422


def test_the_list_costs_the_same_queries_whatever_the_page_size(city):
    communes = list(Commune.objects.filter(province=city.province)[:3])
    for number in range(30):
        commune = communes[number % len(communes)]
        actions.do_create_organization(
            None,
            name=f"Ủy ban MTTQ {commune.name} {number}",
            code=f"mttq-{number}",
            kind=Organization.Kind.FATHERLAND_FRONT,
            parent=city.ward,
            commune=commune,
        )
    admin = signed_in(city.city_admin)

    def queries_for(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin.get(ORGANIZATIONS, {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        return len(captured)

    assert queries_for(30) == queries_for(3)


def test_an_organization_is_read_with_its_places(city):
    response = signed_in(city.ward_officer).get(f"{ORGANIZATIONS}/{city.ward.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "ubnd-phuong-sai-gon"
    assert body["kind_label"] == "Ủy ban nhân dân"
    assert body["parent"] == city.city.pk
    assert body["province"] == "79"


def test_an_officer_of_another_ward_cannot_see_the_ward(city):
    response = signed_in(city.other_officer).get(f"{ORGANIZATIONS}/{city.ward.pk}")
    assert response.status_code == 404


# Organizations: creating


def test_a_ward_administrator_creates_under_their_ward(city):
    commune = Commune.objects.filter(province=city.province).first()
    response = post(
        signed_in(city.ward_admin),
        ORGANIZATIONS,
        new_organization(city.ward, code="MTTQ-Phuong-Sai-Gon", commune=commune.code),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "mttq-phuong-sai-gon"
    assert (body["commune"], body["province"]) == (commune.code, "79")
    created = Organization.objects.get(code="mttq-phuong-sai-gon")
    assert created.path == f"{city.ward.path}{created.pk}/"
    assert AuditEntry.objects.filter(
        action="organization.create", actor=city.ward_admin, target_id=str(created.pk)
    ).exists()


def test_a_ward_administrator_cannot_create_under_the_city(city):
    response = post(signed_in(city.ward_admin), ORGANIZATIONS, new_organization(city.city))
    assert response.status_code == 403
    assert response.json()["code"] == "organization_not_administered"
    assert response.json()["fields"] == {
        "parent": ["Hãy chọn một tổ chức đang hoạt động mà bạn quản trị."]
    }
    assert not Organization.objects.filter(code="mttq-phuong-sai-gon").exists()


def test_only_a_superuser_creates_a_top_organization(city):
    top = {"name": "Thành ủy", "code": "thanh-uy", "kind": "party_committee"}
    refused = post(signed_in(city.city_admin), ORGANIZATIONS, top)
    assert refused.status_code == 400
    assert refused.json()["code"] == "parent_required"
    assert post(signed_in(city.superuser), ORGANIZATIONS, top).status_code == 201


def test_an_officer_cannot_create_organizations(city):
    response = post(signed_in(city.ward_officer), ORGANIZATIONS, new_organization(city.ward))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_invalid_fields_are_each_named_and_nothing_is_created(city):
    before = Organization.objects.count()
    response = post(
        signed_in(city.ward_admin),
        ORGANIZATIONS,
        {"name": "x" * 201, "code": "có dấu", "kind": "hội", "parent": city.ward.pk},
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"name", "code", "kind"}
    assert fields["name"] == ["Tối đa 200 ký tự."]
    assert Organization.objects.count() == before
    assert not AuditEntry.objects.filter(action="organization.create", actor=city.ward_admin)


def test_places_must_exist_and_agree(city):
    admin = signed_in(city.ward_admin)
    unknown = post(admin, ORGANIZATIONS, new_organization(city.ward, commune="99999"))
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_commune"
    elsewhere = Commune.objects.exclude(province=city.province).first()
    mismatch = post(
        admin, ORGANIZATIONS, new_organization(city.ward, province="79", commune=elsewhere.code)
    )
    assert mismatch.json()["code"] == "commune_outside_province"
    assert not Organization.objects.filter(code="mttq-phuong-sai-gon").exists()


# Organizations: changing


def test_a_ward_administrator_renames_their_ward(city):
    url = f"{ORGANIZATIONS}/{city.ward.pk}"
    response = patch(signed_in(city.ward_admin), url, {"name": "UBND phường Sài Gòn"})
    assert response.status_code == 200
    assert response.json()["name"] == "UBND phường Sài Gòn"
    city.ward.refresh_from_db()
    assert city.ward.name == "UBND phường Sài Gòn"
    assert city.ward.parent == city.city  # what was not sent is kept


def test_an_officer_cannot_change_their_ward(city):
    url = f"{ORGANIZATIONS}/{city.ward.pk}"
    response = patch(signed_in(city.ward_officer), url, {"name": "Đổi tên"})
    assert response.status_code == 403


def test_an_officer_of_another_ward_cannot_change_the_ward(city):
    url = f"{ORGANIZATIONS}/{city.ward.pk}"
    for persona in (city.other_officer, city.other_admin):
        assert patch(signed_in(persona), url, {"name": "Đổi tên"}).status_code == 404
    city.ward.refresh_from_db()
    assert city.ward.name == "Ủy ban nhân dân phường Sài Gòn"


def test_a_move_into_its_own_subtree_is_refused(city):
    url = f"{ORGANIZATIONS}/{city.city.pk}"
    response = patch(signed_in(city.city_admin), url, {"parent": city.ward.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "parent_cycle"
    assert set(response.json()["fields"]) == {"parent"}


def test_a_city_administrator_moves_and_deactivates_a_ward(city):
    bdv = actions.do_create_organization(
        None,
        name="Ban Dân vận",
        code="bdv",
        kind=Organization.Kind.MASS_MOBILIZATION,
        parent=city.city,
    )
    url = f"{ORGANIZATIONS}/{city.other_ward.pk}"
    response = patch(signed_in(city.city_admin), url, {"parent": bdv.pk, "is_active": False})
    assert response.status_code == 200
    assert response.json()["parent"] == bdv.pk
    assert response.json()["is_active"] is False


def test_a_null_for_a_required_field_is_refused(city):
    url = f"{ORGANIZATIONS}/{city.ward.pk}"
    response = patch(signed_in(city.ward_admin), url, {"name": None})
    assert response.status_code == 422
    assert response.json()["fields"]["name"] == [
        "Trường này không được để trống; bỏ hẳn trường nếu không muốn đổi."
    ]


# People


def test_a_non_administrator_cannot_list_people(city):
    for persona in (city.ward_officer, city.citizen):
        response = signed_in(persona).get(PEOPLE)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


def test_a_ward_administrator_lists_the_people_of_their_ward(city):
    response = signed_in(city.ward_admin).get(PEOPLE)
    assert response.status_code == 200
    assert usernames(response) == {"quantri.saigon", "xuly.saigon"}


def test_only_roles_in_administered_organizations_are_shown(city):
    actions.do_add_membership(None, city.ward_officer, city.other_ward, Role.ANALYST)
    body = signed_in(city.ward_admin).get(f"{PEOPLE}/{city.ward_officer.pk}").json()
    assert [m["organization"]["code"] for m in body["memberships"]] == ["ubnd-phuong-sai-gon"]


def test_a_person_of_another_ward_is_not_found(city):
    response = signed_in(city.ward_admin).get(f"{PEOPLE}/{city.other_officer.pk}")
    assert response.status_code == 404


def test_the_people_list_costs_the_same_queries_whatever_the_page_size(city):
    for number in range(12):
        actions.do_add_membership(
            None,
            User.objects.create(username=f"cb{number}", full_name=f"Cán bộ {number}"),
            city.ward,
            Role.RECEPTION,
        )
    admin = signed_in(city.ward_admin)

    def queries_for(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(admin.get(PEOPLE, {"limit": limit}).json()["items"]) == limit
        return len(captured)

    assert queries_for(12) == queries_for(2)


def test_a_ward_administrator_creates_a_person_with_a_role(city):
    response = post(signed_in(city.ward_admin), PEOPLE, new_person(city.ward))
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "tiepnhan.saigon"
    assert body["password_email_sent"] is True
    assert [m["role"] for m in body["memberships"]] == ["reception"]
    person = User.objects.get(username="tiepnhan.saigon")
    assert not person.has_usable_password()
    assert Membership.objects.filter(user=person, organization=city.ward, title="Chuyên viên")
    assert mail.outbox[0].to == ["hong@nghedan.vn"]


def test_a_person_cannot_be_created_in_another_ward(city):
    response = post(signed_in(city.ward_admin), PEOPLE, new_person(city.other_ward))
    assert response.status_code == 403
    assert response.json()["fields"] == {
        "organization": ["Hãy chọn một tổ chức đang hoạt động mà bạn quản trị."]
    }
    assert not User.objects.filter(username="tiepnhan.saigon").exists()


def test_the_account_and_its_role_are_made_together_or_not_at_all(city, monkeypatch):
    def refuse(*args, **kwargs):
        raise Refused("membership_exists", "Người này đã có vai trò này tại tổ chức này.", "role")

    monkeypatch.setattr(actions, "do_add_membership", refuse)
    response = post(signed_in(city.ward_admin), PEOPLE, new_person(city.ward))
    assert response.status_code == 400
    assert not User.objects.filter(username="tiepnhan.saigon").exists()


def test_person_fields_are_checked_one_by_one(city):
    response = post(
        signed_in(city.ward_admin),
        PEOPLE,
        new_person(city.ward, username="có dấu", email="hong@", phone="abc", role="boss"),
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"username", "email", "phone", "role"}
    assert fields["phone"] == ["Số điện thoại gồm 9–15 chữ số, ví dụ 0909 123 456."]
    assert not User.objects.filter(full_name="Lê Thị Hồng").exists()


def test_a_taken_username_is_refused_beside_its_field(city):
    response = post(
        signed_in(city.ward_admin), PEOPLE, new_person(city.ward, username="XuLy.SaiGon")
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username"}


# Memberships


def test_an_administrator_adds_and_removes_a_role(city):
    admin = signed_in(city.ward_admin)
    added = post(
        admin,
        f"{PEOPLE}/{city.ward_officer.pk}/memberships",
        {"organization": city.ward.pk, "role": "supervisor", "title": "Phó Chủ tịch"},
    )
    assert added.status_code == 201
    assert added.json()["role_label"] == "Cán bộ giám sát"
    again = post(
        admin,
        f"{PEOPLE}/{city.ward_officer.pk}/memberships",
        {"organization": city.ward.pk, "role": "supervisor"},
    )
    assert again.status_code == 400
    assert again.json()["code"] == "membership_exists"

    removed = admin.delete(f"/api/v1/memberships/{added.json()['id']}")
    assert removed.status_code == 204
    assert not Membership.objects.filter(pk=added.json()["id"]).exists()


def test_roles_in_another_ward_cannot_be_touched(city):
    other_membership = city.other_officer.memberships.get()
    admin = signed_in(city.ward_admin)
    assert admin.delete(f"/api/v1/memberships/{other_membership.pk}").status_code == 404
    response = post(
        admin,
        f"{PEOPLE}/{city.other_officer.pk}/memberships",
        {"organization": city.ward.pk, "role": "handler"},
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=other_membership.pk).exists()


# Tokens


def test_an_officer_issues_lists_and_revokes_a_token(city):
    officer = signed_in(city.ward_officer)
    issued = post(officer, "/api/v1/tokens", {"name": "công cụ nhập đơn thư"})
    assert issued.status_code == 201
    raw = issued.json()["token"]
    assert raw.startswith("nd_") and raw.startswith(issued.json()["prefix"])

    listed = with_token(raw).get("/api/v1/tokens").json()
    assert [token["name"] for token in listed] == ["công cụ nhập đơn thư"]
    assert "token" not in listed[0]
    assert raw not in str(ApiToken.objects.values())

    token_id = issued.json()["id"]
    assert officer.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert with_token(raw).get("/api/v1/me").status_code == 401
    again = officer.delete(f"/api/v1/tokens/{token_id}")
    assert again.status_code == 400
    assert again.json()["code"] == "token_revoked"


def test_nobody_revokes_another_persons_token(city):
    token, _ = actions.do_issue_api_token(city.ward_officer, "công cụ")
    response = signed_in(city.ward_admin).delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_citizen_gets_no_token(city):
    response = post(signed_in(city.citizen), "/api/v1/tokens", {"name": "của tôi"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
