"""The Hồ Chí Minh City demo: the city's organizations, several wards, one persona per role.

Everything here is made through the same actions an administrator uses, so the demo is
audited like real work. Loading twice adds nothing.
"""

from dataclasses import dataclass

from django.db import transaction

from nghedan.people import actions
from nghedan.people.models import Organization, Role, User
from nghedan.places.models import Commune, Province

HCMC = "79"
DEMO_ACTOR = "dữ liệu mẫu"
DEMO_PASSWORD = "Dan-van-kheo#2026"
Kind = Organization.Kind

# (code, name, kind, parent code); the city level first.
CITY = [
    ("hcm-thanh-uy", "Thành ủy Thành phố Hồ Chí Minh", Kind.PARTY_COMMITTEE, None),
    ("hcm-ban-dan-van", "Ban Dân vận Thành ủy", Kind.MASS_MOBILIZATION, "hcm-thanh-uy"),
    ("hcm-hdnd", "Hội đồng nhân dân Thành phố", Kind.PEOPLES_COUNCIL, "hcm-thanh-uy"),
    ("hcm-ubnd", "Ủy ban nhân dân Thành phố", Kind.PEOPLES_COMMITTEE, "hcm-thanh-uy"),
    ("hcm-ban-tiep-cong-dan", "Ban Tiếp công dân Thành phố", Kind.AGENCY, "hcm-ubnd"),
    ("hcm-thanh-tra", "Thanh tra Thành phố", Kind.DEPARTMENT, "hcm-ubnd"),
    ("hcm-so-xay-dung", "Sở Xây dựng", Kind.DEPARTMENT, "hcm-ubnd"),
    ("hcm-so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", Kind.DEPARTMENT, "hcm-ubnd"),
    ("hcm-so-y-te", "Sở Y tế", Kind.DEPARTMENT, "hcm-ubnd"),
    ("hcm-so-giao-duc", "Sở Giáo dục và Đào tạo", Kind.DEPARTMENT, "hcm-ubnd"),
    ("hcm-mttq", "Ủy ban MTTQ Việt Nam Thành phố", Kind.FATHERLAND_FRONT, "hcm-thanh-uy"),
    ("hcm-hoi-phu-nu", "Hội Liên hiệp Phụ nữ Thành phố", Kind.WOMENS_UNION, "hcm-mttq"),
    ("hcm-thanh-doan", "Thành Đoàn", Kind.YOUTH_UNION, "hcm-mttq"),
    ("hcm-hoi-nong-dan", "Hội Nông dân Thành phố", Kind.FARMERS_UNION, "hcm-mttq"),
    (
        "hcm-hoi-cuu-chien-binh",
        "Hội Cựu chiến binh Thành phố",
        Kind.VETERANS_ASSOCIATION,
        "hcm-mttq",
    ),
    ("hcm-lien-doan-lao-dong", "Liên đoàn Lao động Thành phố", Kind.LABOUR_FEDERATION, "hcm-mttq"),
]

# (slug, commune code, residential groups)
WARDS = [
    ("sai-gon", "26740", ["Khu phố 1", "Khu phố 2", "Khu phố 3"]),
    ("ben-thanh", "26743", ["Khu phố 1", "Khu phố 2"]),
    ("binh-thanh", "26929", ["Khu phố 5", "Khu phố 6"]),
    ("cu-chi", "27553", ["Ấp Bàu Tre", "Ấp Xóm Mới"]),
]

# (suffix, name pattern, kind, parent suffix) for each ward; {ward} is "phường Sài Gòn"
WARD_ORGANIZATIONS = [
    ("dang-uy", "Đảng ủy {ward}", Kind.PARTY_COMMITTEE, None),
    ("hdnd", "Hội đồng nhân dân {ward}", Kind.PEOPLES_COUNCIL, "dang-uy"),
    ("ubnd", "Ủy ban nhân dân {ward}", Kind.PEOPLES_COMMITTEE, "dang-uy"),
    ("mttq", "Ủy ban MTTQ Việt Nam {ward}", Kind.FATHERLAND_FRONT, "dang-uy"),
    ("hoi-phu-nu", "Hội Liên hiệp Phụ nữ {ward}", Kind.WOMENS_UNION, "mttq"),
    ("doan-thanh-nien", "Đoàn Thanh niên {ward}", Kind.YOUTH_UNION, "mttq"),
    ("hoi-cuu-chien-binh", "Hội Cựu chiến binh {ward}", Kind.VETERANS_ASSOCIATION, "mttq"),
]

# (supervisor code, supervised code): the city's supervisors follow the city government and
# every ward; each ward's Front and Council follow their People's Committee.
CITY_SUPERVISION = [
    ("hcm-ban-dan-van", "hcm-ubnd"),
    ("hcm-mttq", "hcm-ubnd"),
    ("hcm-hdnd", "hcm-ubnd"),
]


@dataclass(frozen=True)
class Persona:
    username: str
    full_name: str
    role: str
    organization: str
    title: str
    email: str = ""


PERSONAS = [
    Persona(
        "quantri.thanhpho",
        "Nguyễn Thị Lan",
        Role.ADMIN,
        "hcm-thanh-uy",
        "Quản trị hệ thống Thành phố",
    ),
    Persona(
        "quantri.saigon", "Trần Quốc Bảo", Role.ADMIN, "sai-gon-dang-uy", "Quản trị hệ thống phường"
    ),
    Persona(
        "tiepnhan.saigon", "Lê Thị Hồng", Role.RECEPTION, "sai-gon-ubnd", "Cán bộ tiếp công dân"
    ),
    Persona("xuly.saigon", "Phạm Văn Minh", Role.HANDLER, "sai-gon-ubnd", "Chuyên viên địa chính"),
    Persona("lanhdao.saigon", "Võ Thanh Sơn", Role.LEADER, "sai-gon-ubnd", "Chủ tịch UBND phường"),
    Persona(
        "giamsat.mttq.saigon",
        "Huỳnh Thị Thu",
        Role.SUPERVISOR,
        "sai-gon-mttq",
        "Chủ tịch Ủy ban MTTQ phường",
    ),
    Persona(
        "giamsat.dandan",
        "Đặng Minh Châu",
        Role.SUPERVISOR,
        "hcm-ban-dan-van",
        "Chuyên viên Ban Dân vận",
    ),
    Persona("daibieu.hdnd", "Bùi Văn Tài", Role.SUPERVISOR, "hcm-hdnd", "Đại biểu HĐND Thành phố"),
    Persona(
        "lanhdao.thanhpho",
        "Phan Thị Ngọc",
        Role.LEADER,
        "hcm-ban-dan-van",
        "Phó Trưởng Ban Dân vận Thành ủy",
    ),
    Persona(
        "phantich.thanhpho", "Đỗ Văn Hùng", Role.ANALYST, "hcm-ban-dan-van", "Tổ dư luận xã hội"
    ),
    Persona(
        "tiepnhan.benthanh", "Ngô Thị Mai", Role.RECEPTION, "ben-thanh-ubnd", "Cán bộ tiếp công dân"
    ),
]
CITIZEN = Persona("nguoidan.kim", "Lý Thị Kim", "", "", "Người dân")


def _ensure_organization(code, name, kind, parent, commune=None) -> Organization:
    existing = Organization.objects.filter(code=code).first()
    if existing:
        return existing
    province = commune.province if commune else Province.objects.get(code=HCMC)
    return actions.do_create_organization(
        DEMO_ACTOR,
        name=name,
        code=code,
        kind=kind,
        parent=parent,
        province=province,
        commune=commune,
    )


def _ensure_supervision(supervisor: Organization, supervised: Organization) -> None:
    if not supervisor.supervision_links.filter(supervised=supervised).exists():
        actions.do_link_supervision(DEMO_ACTOR, supervisor, supervised)


def _ensure_person(persona: Persona) -> User:
    person = User.objects.filter(username=persona.username).first()
    if person is None:
        person = actions.do_create_person(
            DEMO_ACTOR,
            username=persona.username,
            full_name=persona.full_name,
            email=f"{persona.username}@demo.nghedan.vn",
            password=DEMO_PASSWORD,
        )
    if persona.organization:
        organization = Organization.objects.get(code=persona.organization)
        if not person.memberships.filter(organization=organization, role=persona.role).exists():
            actions.do_add_membership(DEMO_ACTOR, person, organization, persona.role, persona.title)
    return person


def _build_city() -> Organization:
    by_code: dict[str, Organization] = {}
    for code, name, kind, parent in CITY:
        by_code[code] = _ensure_organization(
            code, name, kind, by_code.get(parent) if parent else None
        )
    for supervisor, supervised in CITY_SUPERVISION:
        _ensure_supervision(by_code[supervisor], by_code[supervised])
    return by_code["hcm-thanh-uy"]


def _build_ward(city: Organization, slug: str, commune: Commune, groups: list[str]) -> None:
    ward_words = commune.name[0].lower() + commune.name[1:]
    made: dict[str, Organization] = {}
    for suffix, pattern, kind, parent in WARD_ORGANIZATIONS:
        made[suffix] = _ensure_organization(
            f"{slug}-{suffix}",
            pattern.format(ward=ward_words),
            kind,
            made[parent] if parent else city,
            commune,
        )
    for number, group in enumerate(groups, start=1):
        _ensure_organization(
            f"{slug}-to-dan-pho-{number}",
            f"{group}, {ward_words}",
            Kind.RESIDENTIAL_GROUP,
            made["ubnd"],
            commune,
        )
    _ensure_supervision(made["mttq"], made["ubnd"])
    _ensure_supervision(made["hdnd"], made["ubnd"])
    _ensure_supervision(Organization.objects.get(code="hcm-ban-dan-van"), made["dang-uy"])


@transaction.atomic
def load_demo() -> None:
    city = _build_city()
    communes = Commune.objects.in_bulk([code for _, code, _ in WARDS], field_name="code")
    for slug, code, groups in WARDS:
        _build_ward(city, slug, communes[code], groups)
    for persona in [*PERSONAS, CITIZEN]:
        _ensure_person(persona)


def login_table() -> list[tuple[str, str, str]]:
    rows = [(p.username, p.full_name, f"{Role(p.role).label} — {p.title}") for p in PERSONAS]
    rows.append((CITIZEN.username, CITIZEN.full_name, CITIZEN.title))
    return rows
