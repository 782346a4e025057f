"""Administrators' pages: organizations, supervision, people and memberships.

Personas: the city administrator (admin of the city root), the ward administrator (admin of
ward one, under the city) and an officer (handler in ward two). Nothing here is set up by
writing models directly, except the bulk rows of the pagination test.
"""

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.lib.refusal import Refused
from nghedan.people import actions
from nghedan.people.models import Membership, Organization, Role, SupervisionLink, User
from nghedan.places.models import Commune, Province

pytestmark = pytest.mark.django_db

Kind = Organization.Kind


def url(name, *args):
    return reverse(f"people:{name}", args=args)


def page_text(response) -> str:
    return response.content.decode()


def audited_since(seq: int) -> list[str]:
    return list(AuditEntry.objects.filter(seq__gt=seq).values_list("action", flat=True))


def last_seq() -> int:
    entry = AuditEntry.objects.order_by("-seq").first()
    return entry.seq if entry else 0


def add_person(username, full_name, organization, role, email=""):
    person = actions.do_create_person(None, username=username, full_name=full_name, email=email)
    actions.do_add_membership(None, person, organization, role)
    return person


@pytest.fixture
def places():
    # Codes of our own, apart from the reference data that may be loaded.
    province = Province.objects.create(code="ZZ", name="Thành phố Thử", short_name="Thử")
    elsewhere = Province.objects.create(code="ZY", name="Tỉnh Khác", short_name="Khác")
    return SimpleNamespace(
        province=province,
        elsewhere=elsewhere,
        ward_one=Commune.objects.create(
            code="ZZ001", name="Phường Một", short_name="Một", kind="phuong", province=province
        ),
        ward_two=Commune.objects.create(
            code="ZZ002", name="Phường Hai", short_name="Hai", kind="phuong", province=province
        ),
        far_commune=Commune.objects.create(
            code="ZY001", name="Xã Xa", short_name="Xa", kind="xa", province=elsewhere
        ),
    )


@pytest.fixture
def w(places):
    city = actions.do_create_organization(
        None,
        name="Thành ủy Thành phố Thử",
        code="thanh-uy",
        kind=Kind.PARTY_COMMITTEE,
        province=places.province,
    )
    ward = actions.do_create_organization(
        None,
        name="UBND Phường Một",
        code="ubnd-phuong-mot",
        kind=Kind.PEOPLES_COMMITTEE,
        parent=city,
        commune=places.ward_one,
    )
    ward_front = actions.do_create_organization(
        None,
        name="Ủy ban MTTQ Phường Một",
        code="mttq-phuong-mot",
        kind=Kind.FATHERLAND_FRONT,
        parent=ward,
        commune=places.ward_one,
    )
    other_ward = actions.do_create_organization(
        None,
        name="UBND Phường Hai",
        code="ubnd-phuong-hai",
        kind=Kind.PEOPLES_COMMITTEE,
        parent=city,
        commune=places.ward_two,
    )
    return SimpleNamespace(
        places=places,
        city=city,
        ward=ward,
        ward_front=ward_front,
        other_ward=other_ward,
        city_admin=add_person(
            "quantri.thanhpho", "Nguyễn Thị Lan", city, Role.ADMIN, "lan@example.vn"
        ),
        ward_admin=add_person(
            "quantri.phuongmot", "Trần Quốc Bảo", ward, Role.ADMIN, "bao@example.vn"
        ),
        officer=add_person("xuly.phuonghai", "Lê Văn Minh", other_ward, Role.HANDLER),
    )


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def city_admin(w):
    return browser_for(w.city_admin)


@pytest.fixture
def ward_admin(w):
    return browser_for(w.ward_admin)


def organization_data(**changes):
    data = {
        "name": "Hội Liên hiệp Phụ nữ Phường Một",
        "code": "hoi-phu-nu-phuong-mot",
        "kind": Kind.WOMENS_UNION,
        "parent": "",
        "province": "",
        "commune": "",
    }
    data.update(changes)
    return data


def organization_data_of(organization, **changes):
    data = {
        "name": organization.name,
        "code": organization.code,
        "kind": organization.kind,
        "parent": organization.parent_id or "",
        "province": organization.province_id or "",
        "commune": organization.commune_id or "",
    }
    data.update(changes)
    return data


def results(browser, name, params=None) -> str:
    """Only the results region of a list page, as the live filter asks for it."""
    return page_text(browser.get(url(name), params or {}, headers={"HX-Request": "true"}))


def person_data(**changes):
    data = {
        "full_name": "Phạm Thị Hoa",
        "username": "hoa.phuongmot",
        "email": "hoa@example.vn",
        "phone": "0901234567",
        "organization": "",
        "role": Role.RECEPTION,
        "title": "Cán bộ tiếp công dân",
    }
    data.update(changes)
    return data


# Who may open what


def every_page(w):
    """(method, url) for each page, aimed at objects in ward one."""
    membership = Membership.objects.get(user=w.ward_admin)
    link = actions.do_link_supervision(None, w.ward_front, w.ward)
    return [
        ("get", url("organizations")),
        ("get", url("organization_create")),
        ("post", url("organization_create")),
        ("get", url("organization_communes")),
        ("get", url("organization", w.ward.pk)),
        ("get", url("organization_edit", w.ward.pk)),
        ("post", url("organization_edit", w.ward.pk)),
        ("post", url("organization_set_active", w.ward.pk)),
        ("post", url("supervision_add", w.ward.pk)),
        ("post", url("supervision_remove", link.pk)),
        ("get", url("people")),
        ("get", url("person_create")),
        ("post", url("person_create")),
        ("get", url("person", w.ward_admin.pk)),
        ("get", url("person_edit", w.ward_admin.pk)),
        ("post", url("person_edit", w.ward_admin.pk)),
        ("post", url("person_set_active", w.ward_admin.pk)),
        ("post", url("person_send_password_email", w.ward_admin.pk)),
        ("post", url("membership_add", w.ward_admin.pk)),
        ("post", url("membership_remove", membership.pk)),
    ]


def test_anonymous_is_sent_to_sign_in(w, client):
    for method, address in every_page(w):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(url("sign_in") + "?next="), address


def test_officer_without_admin_role_is_refused_everywhere(w):
    officer = browser_for(w.officer)
    pages = every_page(w)
    before = last_seq()
    for method, address in pages:
        assert getattr(officer, method)(address).status_code == 403, address
    assert audited_since(before) == []


def test_ward_admin_sees_nothing_of_the_city_or_the_other_ward(w, ward_admin):
    membership = Membership.objects.get(user=w.officer)
    link = actions.do_link_supervision(None, w.city, w.other_ward)
    before = last_seq()
    for organization in (w.city, w.other_ward):
        pages = [
            ("get", url("organization", organization.pk)),
            ("get", url("organization_edit", organization.pk)),
            ("post", url("organization_edit", organization.pk)),
            ("post", url("organization_set_active", organization.pk)),
            ("post", url("supervision_add", organization.pk)),
        ]
        for method, address in pages:
            assert getattr(ward_admin, method)(address).status_code == 404, address
    for person in (w.city_admin, w.officer):
        pages = [
            ("get", url("person", person.pk)),
            ("get", url("person_edit", person.pk)),
            ("post", url("person_edit", person.pk)),
            ("post", url("person_set_active", person.pk)),
            ("post", url("person_send_password_email", person.pk)),
            ("post", url("membership_add", person.pk)),
        ]
        for method, address in pages:
            assert getattr(ward_admin, method)(address).status_code == 404, address
    assert ward_admin.post(url("membership_remove", membership.pk)).status_code == 404
    assert ward_admin.post(url("supervision_remove", link.pk)).status_code == 404
    assert audited_since(before) == []
    assert len(mail.outbox) == 0


def test_ward_admin_lists_only_their_subtree(w, ward_admin):
    organizations = results(ward_admin, "organizations")
    assert "UBND Phường Một" in organizations
    assert "Ủy ban MTTQ Phường Một" in organizations
    assert "Thành ủy Thành phố Thử" not in organizations
    assert "UBND Phường Hai" not in organizations
    people = results(ward_admin, "people")
    assert "Trần Quốc Bảo" in people
    assert "Nguyễn Thị Lan" not in people
    assert "Lê Văn Minh" not in people


def test_ward_admin_cannot_create_under_the_city(w, ward_admin):
    count = Organization.objects.count()
    response = ward_admin.post(
        url("organization_create"), organization_data(parent=w.city.pk, code="moi")
    )
    assert response.status_code == 400
    assert "Hãy chọn một tổ chức cấp trên mà bạn quản trị." in page_text(response)
    assert Organization.objects.count() == count


def test_ward_admin_cannot_give_roles_outside_their_subtree(w, ward_admin):
    count = Membership.objects.count()
    response = ward_admin.post(
        url("membership_add", w.ward_admin.pk),
        {"organization": w.other_ward.pk, "role": Role.ADMIN},
    )
    assert response.status_code == 400
    assert "Hãy chọn một tổ chức mà bạn quản trị." in page_text(response)
    assert Membership.objects.count() == count


def test_visible_but_not_administered_is_read_only(w, ward_admin):
    actions.do_add_membership(None, w.ward_admin, w.other_ward, Role.LEADER)
    page = ward_admin.get(url("organization", w.other_ward.pk))
    assert page.status_code == 200
    assert "Bạn chỉ được xem tổ chức này" in page_text(page)
    assert url("organization_edit", w.other_ward.pk) not in page_text(page)
    assert ward_admin.get(url("organization_edit", w.other_ward.pk)).status_code == 403
    assert ward_admin.post(url("organization_set_active", w.other_ward.pk)).status_code == 403
    assert (
        ward_admin.post(
            url("supervision_add", w.other_ward.pk), {"supervised": w.ward.pk}
        ).status_code
        == 403
    )
    # Seeing is not enough to link: a link would widen what their own ward's members see.
    response = ward_admin.post(url("supervision_add", w.ward.pk), {"supervised": w.other_ward.pk})
    assert response.status_code == 400
    assert not SupervisionLink.objects.filter(supervisor=w.ward, supervised=w.other_ward).exists()


def test_ward_admin_cannot_take_over_a_city_officer_in_their_ward(w, ward_admin):
    actions.do_add_membership(None, w.city_admin, w.ward, Role.LEADER)
    page = ward_admin.get(url("person", w.city_admin.pk))
    assert page.status_code == 200
    assert url("person_edit", w.city_admin.pk) not in page_text(page)
    assert ward_admin.get(url("person_edit", w.city_admin.pk)).status_code == 403
    response = ward_admin.post(
        url("person_edit", w.city_admin.pk),
        {"full_name": "Kẻ gian", "email": "ke.gian@example.vn", "phone": ""},
    )
    assert response.status_code == 403
    assert ward_admin.post(url("person_set_active", w.city_admin.pk)).status_code == 403
    w.city_admin.refresh_from_db()
    assert (w.city_admin.email, w.city_admin.is_active) == ("lan@example.vn", True)


def test_changes_need_the_csrf_token(w):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(w.city_admin)
    response = browser.post(url("organization_set_active", w.ward.pk), {"active": "0"})
    assert response.status_code == 403
    assert Organization.objects.get(pk=w.ward.pk).is_active


def test_changes_are_post_only(w, city_admin):
    assert city_admin.get(url("organization_set_active", w.ward.pk)).status_code == 405
    assert city_admin.get(url("person_set_active", w.officer.pk)).status_code == 405


# Organizations


def test_tree_is_indented_and_filtered(w, city_admin, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = city_admin.get(url("organizations"))
    body = page_text(response)
    assert body.index("Thành ủy Thành phố Thử") < body.index("UBND Phường Một")
    assert body.index("UBND Phường Một") < body.index("Ủy ban MTTQ Phường Một")
    assert "padding-inline-start: calc(.5rem + 2 * 1.5rem)" in body
    assert "Phường Một" in body  # the place column

    by_kind = results(city_admin, "organizations", {"kind": Kind.FATHERLAND_FRONT})
    assert "Ủy ban MTTQ Phường Một" in by_kind
    assert "UBND Phường Hai" not in by_kind

    by_name = results(city_admin, "organizations", {"q": "Hai"})
    assert "UBND Phường Hai" in by_name
    assert "UBND Phường Một" not in by_name


def test_tree_filter_answers_htmx_with_the_results_only(w, city_admin):
    response = city_admin.get(url("organizations"), {"q": "Hai"}, headers={"HX-Request": "true"})
    body = page_text(response)
    assert "<html" not in body
    assert "UBND Phường Hai" in body
    assert "HX-Request" in response["Vary"]


def test_organization_page_shows_children_members_and_supervision(w, city_admin):
    actions.do_link_supervision(None, w.ward_front, w.ward)
    body = page_text(city_admin.get(url("organization", w.ward.pk)))
    assert "Ủy ban MTTQ Phường Một" in body  # child, and supervisor
    assert "Trần Quốc Bảo" in body
    assert "Quản trị viên" in body
    assert "Được giám sát bởi" in body
    assert "Thành ủy Thành phố Thử" in body  # parent


def test_create_organization(w, ward_admin, places):
    before = last_seq()
    response = ward_admin.post(
        url("organization_create"),
        organization_data(
            parent=w.ward.pk, province=places.province.pk, commune=places.ward_one.pk
        ),
    )
    created = Organization.objects.get(code="hoi-phu-nu-phuong-mot")
    assert response.status_code == 302
    assert response["Location"] == url("organization", created.pk)
    assert created.parent == w.ward
    assert created.path == f"{w.ward.path}{created.pk}/"
    assert created.commune == places.ward_one
    assert audited_since(before) == ["organization.create"]


def test_create_form_starts_under_the_given_parent(w, ward_admin, places):
    body = page_text(ward_admin.get(url("organization_create"), {"parent": w.ward.pk}))
    assert f'<option value="{w.ward.pk}" selected>' in body
    assert f'<option value="{places.province.pk}" selected>' in body
    assert "Xã Xa" not in body  # communes of the parent's province only


def test_communes_follow_the_chosen_province(w, city_admin, places):
    body = page_text(
        city_admin.get(url("organization_communes"), {"province": places.elsewhere.pk})
    )
    assert "Xã Xa" in body
    assert "Phường Một" not in body
    assert 'id="id_commune"' in body


def test_edit_and_move_an_organization(w, city_admin):
    before = last_seq()
    response = city_admin.post(
        url("organization_edit", w.ward_front.pk),
        organization_data_of(w.ward_front, name="MTTQ Phường Hai", parent=w.other_ward.pk),
    )
    assert response.status_code == 302
    moved = Organization.objects.get(pk=w.ward_front.pk)
    assert moved.name == "MTTQ Phường Hai"
    assert moved.path == f"{w.other_ward.path}{moved.pk}/"
    assert audited_since(before) == ["organization.update"]


def test_deactivate_and_reactivate_an_organization(w, city_admin):
    before = last_seq()
    city_admin.post(url("organization_set_active", w.other_ward.pk), {"active": "0"})
    assert not Organization.objects.get(pk=w.other_ward.pk).is_active
    city_admin.post(url("organization_set_active", w.other_ward.pk), {"active": "1"})
    assert Organization.objects.get(pk=w.other_ward.pk).is_active
    assert audited_since(before) == ["organization.deactivate", "organization.activate"]


def test_link_and_unlink_supervision(w, city_admin):
    before = last_seq()
    response = city_admin.post(url("supervision_add", w.city.pk), {"supervised": w.ward.pk})
    assert response.status_code == 302
    link = SupervisionLink.objects.get(supervisor=w.city, supervised=w.ward)
    response = city_admin.post(url("supervision_remove", link.pk), {"back": w.ward.pk})
    assert response["Location"] == url("organization", w.ward.pk)
    assert not SupervisionLink.objects.exists()
    assert audited_since(before) == ["supervision.link", "supervision.unlink"]


def test_duplicate_supervision_is_refused_beside_the_field(w, city_admin):
    actions.do_link_supervision(None, w.city, w.ward)
    response = city_admin.post(url("supervision_add", w.city.pk), {"supervised": w.ward.pk})
    assert response.status_code == 400
    assert "Quan hệ giám sát này đã có." in page_text(response)
    assert SupervisionLink.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Vui lòng nhập tên tổ chức."),
        ({"code": "ubnd-phuong-hai"}, "Mã tổ chức này đã được dùng; hãy chọn mã khác."),
        ({"code": "Phường Một!"}, "Mã chỉ gồm chữ cái không dấu"),
        ({"kind": ""}, "Vui lòng chọn loại tổ chức."),
        ({"parent": ""}, "Vui lòng chọn tổ chức cấp trên."),
    ],
)
def test_bad_organization_is_refused_beside_the_field(w, ward_admin, changes, message):
    before = (Organization.objects.count(), last_seq())
    response = ward_admin.post(
        url("organization_create"), organization_data(**{"parent": w.ward.pk, **changes})
    )
    assert response.status_code == 400
    body = page_text(response)
    assert message in body
    assert 'class="field-error"' in body
    assert (Organization.objects.count(), last_seq()) == before


def test_commune_must_lie_in_the_chosen_province(w, ward_admin, places):
    count = Organization.objects.count()
    response = ward_admin.post(
        url("organization_create"),
        organization_data(
            parent=w.ward.pk, province=places.province.pk, commune=places.far_commune.pk
        ),
    )
    assert response.status_code == 400
    assert "Xã, phường này không thuộc tỉnh, thành đã chọn." in page_text(response)
    assert Organization.objects.count() == count


def test_moving_under_its_own_subtree_is_refused(w, ward_admin):
    before = last_seq()
    response = ward_admin.post(
        url("organization_edit", w.ward.pk),
        organization_data_of(w.ward, name="Tên mới", parent=w.ward_front.pk),
    )
    assert response.status_code == 400
    assert "Không thể đặt tổ chức trực thuộc chính nó" in page_text(response)
    ward = Organization.objects.get(pk=w.ward.pk)
    assert (ward.name, ward.parent_id, ward.path) == ("UBND Phường Một", w.city.pk, w.ward.path)
    assert audited_since(before) == []


def test_editing_a_duplicate_code_changes_nothing(w, ward_admin):
    response = ward_admin.post(
        url("organization_edit", w.ward_front.pk),
        organization_data_of(w.ward_front, code="ubnd-phuong-mot"),
    )
    assert response.status_code == 400
    assert "Mã tổ chức này đã được dùng" in page_text(response)
    assert Organization.objects.get(pk=w.ward_front.pk).code == "mttq-phuong-mot"


def test_ward_admin_may_edit_their_own_ward_under_the_city(w, ward_admin):
    response = ward_admin.post(
        url("organization_edit", w.ward.pk), organization_data_of(w.ward, name="UBND Phường 1")
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=w.ward.pk).parent == w.city


# People


def test_people_list_searches_and_filters(w, city_admin):
    by_name = results(city_admin, "people", {"q": "Minh"})
    assert "Lê Văn Minh" in by_name and "Trần Quốc Bảo" not in by_name
    by_email = results(city_admin, "people", {"q": "bao@example"})
    assert "Trần Quốc Bảo" in by_email and "Lê Văn Minh" not in by_email
    by_place = results(city_admin, "people", {"organization": w.ward.pk})
    assert "Trần Quốc Bảo" in by_place and "Nguyễn Thị Lan" not in by_place
    by_role = results(city_admin, "people", {"role": Role.HANDLER})
    assert "Lê Văn Minh" in by_role and "Trần Quốc Bảo" not in by_role
    # Organization and role must hold for the same membership.
    neither = results(city_admin, "people", {"organization": w.ward.pk, "role": Role.HANDLER})
    assert "Lê Văn Minh" not in neither and "Trần Quốc Bảo" not in neither


def test_people_list_pages_fifty_at_a_time(w, city_admin, django_assert_max_num_queries):
    User.objects.bulk_create(
        User(username=f"canbo{n:02}", full_name=f"Cán bộ {n:02}") for n in range(60)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organization=w.ward, role=Role.RECEPTION)
        for user in User.objects.filter(username__startswith="canbo")
    )
    with django_assert_max_num_queries(12):
        first = city_admin.get(url("people"), {"q": "Cán bộ"})
    assert page_text(first).count("<tr>") == 1 + 50
    assert "Trang 1/2" in page_text(first)
    second = results(city_admin, "people", {"q": "Cán bộ", "page": 2})
    assert second.count("<tr>") == 1 + 10


def test_people_filter_answers_htmx_with_the_results_only(w, city_admin):
    response = city_admin.get(url("people"), {"q": "Minh"}, headers={"HX-Request": "true"})
    body = page_text(response)
    assert "<html" not in body
    assert "Lê Văn Minh" in body


def test_create_person_sends_a_working_set_password_link(w, ward_admin, client):
    before = last_seq()
    response = ward_admin.post(url("person_create"), person_data(organization=w.ward_front.pk))
    person = User.objects.get(username="hoa.phuongmot")
    assert response.status_code == 302
    assert response["Location"] == url("person", person.pk)
    assert not person.has_usable_password()
    assert Membership.objects.filter(
        user=person, organization=w.ward_front, role=Role.RECEPTION, title="Cán bộ tiếp công dân"
    ).exists()
    assert audited_since(before) == ["person.create", "membership.add"]

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hoa@example.vn"]
    link = re.search(r"http://testserver(/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    chosen = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Hoa-dat-mat-khau-2026", "new_password2": "Hoa-dat-mat-khau-2026"},
    )
    assert chosen.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Hoa-dat-mat-khau-2026")


def test_create_person_without_email_warns_and_sends_nothing(w, ward_admin):
    response = ward_admin.post(
        url("person_create"), person_data(organization=w.ward.pk, email=""), follow=True
    )
    assert "chưa có e-mail" in page_text(response)
    assert User.objects.filter(username="hoa.phuongmot").exists()
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "Vui lòng nhập họ và tên."),
        ({"username": "quantri.thanhpho"}, "Tên đăng nhập này đã có người dùng"),
        ({"email": "lan@example.vn"}, "Địa chỉ e-mail này đã gắn với một tài khoản khác."),
        ({"email": "khong-phai-email"}, "Địa chỉ e-mail chưa đúng"),
        ({"role": ""}, "Vui lòng chọn vai trò."),
    ],
)
def test_bad_person_is_refused_beside_the_field(w, ward_admin, changes, message):
    before = (User.objects.count(), Membership.objects.count(), last_seq())
    response = ward_admin.post(
        url("person_create"), person_data(**{"organization": w.ward.pk, **changes})
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert (User.objects.count(), Membership.objects.count(), last_seq()) == before
    assert len(mail.outbox) == 0


def test_create_person_is_all_or_nothing(w, ward_admin, monkeypatch):
    def refuse(*args, **kwargs):
        raise Refused("membership_exists", "Người này đã có vai trò này tại tổ chức này.", "role")

    monkeypatch.setattr(actions, "do_add_membership", refuse)
    before = (User.objects.count(), last_seq())
    response = ward_admin.post(url("person_create"), person_data(organization=w.ward.pk))
    assert response.status_code == 400
    assert "Người này đã có vai trò này tại tổ chức này." in page_text(response)
    assert (User.objects.count(), last_seq()) == before
    assert len(mail.outbox) == 0


def test_person_page_shows_details_and_roles(w, city_admin):
    body = page_text(city_admin.get(url("person", w.officer.pk)))
    assert "xuly.phuonghai" in body
    assert "Cán bộ xử lý" in body
    assert "UBND Phường Hai" in body
    assert "Chưa đặt" in body  # no password yet


def test_edit_person(w, city_admin):
    before = last_seq()
    response = city_admin.post(
        url("person_edit", w.officer.pk),
        {"full_name": "Lê Văn Minh Anh", "email": "minh@example.vn", "phone": "0909"},
    )
    assert response.status_code == 302
    w.officer.refresh_from_db()
    assert (w.officer.full_name, w.officer.email) == ("Lê Văn Minh Anh", "minh@example.vn")
    assert audited_since(before) == ["person.update"]


def test_edit_person_to_a_taken_email_changes_nothing(w, city_admin):
    response = city_admin.post(
        url("person_edit", w.officer.pk),
        {"full_name": "Tên khác", "email": "bao@example.vn", "phone": ""},
    )
    assert response.status_code == 400
    assert "Địa chỉ e-mail này đã gắn với một tài khoản khác." in page_text(response)
    w.officer.refresh_from_db()
    assert (w.officer.full_name, w.officer.email) == ("Lê Văn Minh", "")


def test_deactivate_and_reactivate_a_person(w, city_admin):
    before = last_seq()
    city_admin.post(url("person_set_active", w.officer.pk), {"active": "0"})
    assert not User.objects.get(pk=w.officer.pk).is_active
    city_admin.post(url("person_set_active", w.officer.pk), {"active": "1"})
    assert User.objects.get(pk=w.officer.pk).is_active
    assert audited_since(before) == ["person.deactivate", "person.activate"]


def test_administrator_cannot_lock_themselves_out(w, city_admin):
    before = last_seq()
    response = city_admin.post(url("person_set_active", w.city_admin.pk), {"active": "0"})
    assert response.status_code == 400
    assert "Bạn không thể tự khóa tài khoản của mình." in page_text(response)
    assert User.objects.get(pk=w.city_admin.pk).is_active
    assert audited_since(before) == []


def test_send_the_set_password_email_again(w, city_admin):
    response = city_admin.post(url("person_send_password_email", w.ward_admin.pk))
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bao@example.vn"]


def test_add_and_remove_a_membership(w, city_admin):
    before = last_seq()
    response = city_admin.post(
        url("membership_add", w.officer.pk),
        {"organization": w.ward.pk, "role": Role.LEADER, "title": "Phó Chủ tịch"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=w.officer, organization=w.ward)
    assert membership.title == "Phó Chủ tịch"
    response = city_admin.post(url("membership_remove", membership.pk))
    assert response["Location"] == url("person", w.officer.pk)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert audited_since(before) == ["membership.add", "membership.remove"]


def test_removing_the_last_role_in_view_goes_back_to_the_list(w, ward_admin):
    helper = add_person("tiepnhan.phuongmot", "Võ Thị Thu", w.ward_front, Role.RECEPTION)
    membership = Membership.objects.get(user=helper)
    response = ward_admin.post(url("membership_remove", membership.pk))
    assert response["Location"] == url("people")


def test_duplicate_membership_is_refused_beside_the_field(w, city_admin):
    before = (Membership.objects.count(), last_seq())
    response = city_admin.post(
        url("membership_add", w.officer.pk),
        {"organization": w.other_ward.pk, "role": Role.HANDLER},
    )
    assert response.status_code == 400
    assert "Người này đã có vai trò này tại tổ chức này." in page_text(response)
    assert (Membership.objects.count(), last_seq()) == before
