"""The people API tests meet: a city, two of its wards, their officers, and a citizen.

Everything is made through people.actions, as it would be in use.
"""

from types import SimpleNamespace

from django.test import Client

from nghedan.people import actions
from nghedan.people.models import Organization, Role, User
from nghedan.places.models import Province

Kind = Organization.Kind


class ApiClient(Client):
    """Requests over HTTPS, as in production, where plain HTTP is redirected."""

    def request(self, **request):
        request.update({"wsgi.url_scheme": "https", "SERVER_PORT": "443"})
        return super().request(**request)


def signed_in(user: User, **kwargs) -> ApiClient:
    client = ApiClient(**kwargs)
    client.force_login(user)
    return client


def with_token(raw: str, **kwargs) -> ApiClient:
    return ApiClient(headers={"Authorization": f"Bearer {raw}"}, **kwargs)


def person(username: str, full_name: str, *roles: tuple[Organization, str]) -> User:
    user = actions.do_create_person(
        None, username=username, full_name=full_name, email=f"{username}@nghedan.vn"
    )
    for organization, role in roles:
        actions.do_add_membership(None, user, organization, role)
    return user


def build_city() -> SimpleNamespace:
    hcm = Province.objects.get(code="79")
    city = actions.do_create_organization(
        None,
        name="Ủy ban nhân dân Thành phố Hồ Chí Minh",
        code="ubnd-tphcm",
        kind=Kind.PEOPLES_COMMITTEE,
        province=hcm,
    )
    ward = actions.do_create_organization(
        None,
        name="Ủy ban nhân dân phường Sài Gòn",
        code="ubnd-phuong-sai-gon",
        kind=Kind.PEOPLES_COMMITTEE,
        parent=city,
        province=hcm,
    )
    other_ward = actions.do_create_organization(
        None,
        name="Ủy ban nhân dân phường Bến Thành",
        code="ubnd-phuong-ben-thanh",
        kind=Kind.PEOPLES_COMMITTEE,
        parent=city,
        province=hcm,
    )
    root = User.objects.create_superuser("quantri.hethong", "hethong@nghedan.vn", None)
    return SimpleNamespace(
        province=hcm,
        city=city,
        ward=ward,
        other_ward=other_ward,
        superuser=root,
        city_admin=person("quantri.thanhpho", "Trần Văn Thành", (city, Role.ADMIN)),
        ward_admin=person("quantri.saigon", "Nguyễn Thị Lan", (ward, Role.ADMIN)),
        ward_officer=person("xuly.saigon", "Lê Văn Hùng", (ward, Role.HANDLER)),
        other_officer=person("xuly.benthanh", "Phạm Thị Mai", (other_ward, Role.HANDLER)),
        other_admin=person("quantri.benthanh", "Võ Minh Tâm", (other_ward, Role.ADMIN)),
        citizen=person("nguoidan", "Đỗ Văn Dân"),
    )
