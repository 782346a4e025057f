"""Every page and API route, visited as every persona: who is let in, who is sent to sign in,
who is refused and who is told the thing does not exist.

Outcomes: 200 allowed; LOGIN redirected to sign in; 401 API without credentials; 403 refused;
404 outside the persona's scope (its existence is not revealed).
"""

import pytest
from django.urls import reverse

from nghedan.people.models import Organization, User

LOGIN = "login"

ANONYMOUS = None
CITIZEN = "nguoidan.kim"
CITY_ADMIN = "quantri.thanhpho"
WARD_ADMIN = "quantri.saigon"
RECEPTION = "tiepnhan.saigon"
HANDLER = "xuly.saigon"
LEADER = "lanhdao.saigon"
WARD_SUPERVISOR = "giamsat.mttq.saigon"
CITY_SUPERVISOR = "giamsat.dandan"
DEPUTY = "daibieu.hdnd"
CITY_LEADER = "lanhdao.thanhpho"
ANALYST = "phantich.thanhpho"
OTHER_WARD = "tiepnhan.benthanh"

PERSONAS = [
    ANONYMOUS, CITIZEN, CITY_ADMIN, WARD_ADMIN, RECEPTION, HANDLER, LEADER,
    WARD_SUPERVISOR, CITY_SUPERVISOR, DEPUTY, CITY_LEADER, ANALYST, OTHER_WARD,
]  # fmt: skip
ADMINS = {CITY_ADMIN, WARD_ADMIN}
# Who handles cases somewhere (reception, handler or leader roles).
HANDLERS = {RECEPTION, HANDLER, LEADER, CITY_LEADER, OTHER_WARD}
OFFICERS = {RECEPTION, HANDLER, LEADER, WARD_SUPERVISOR, CITY_SUPERVISOR, DEPUTY, CITY_LEADER,
            ANALYST, OTHER_WARD}  # fmt: skip
SIGNED_IN = set(PERSONAS) - {ANONYMOUS}


def everyone(outcome=200):
    return dict.fromkeys(PERSONAS, outcome)


def signed_in_page(outcome_for_citizen=200):
    return {**everyone(200), ANONYMOUS: LOGIN, CITIZEN: outcome_for_citizen}


def working_page(**overrides):
    """Officers who work on or follow cases; not administrators by that role, not citizens."""
    return {**everyone(200), ANONYMOUS: LOGIN, CITIZEN: 403, CITY_ADMIN: 403, WARD_ADMIN: 403,
            **overrides}  # fmt: skip


def admin_page(**overrides):
    return {**everyone(403), ANONYMOUS: LOGIN, CITY_ADMIN: 200, WARD_ADMIN: 200, **overrides}


def insight_page(**overrides):
    """Analysts and leaders (of any level); nobody else."""
    return {**everyone(403), ANONYMOUS: LOGIN, ANALYST: 200, LEADER: 200, CITY_LEADER: 200,
            **overrides}  # fmt: skip


def api_signed_in(**overrides):
    return {**everyone(200), ANONYMOUS: 401, **overrides}


def api_admin(**overrides):
    return {**everyone(403), ANONYMOUS: 401, CITY_ADMIN: 200, WARD_ADMIN: 200, **overrides}


def org(code):
    return Organization.objects.get(code=code).pk


def sai_gon_reception():
    from nghedan.reception.models import Reception
    from nghedan.reception.tests.helpers import open_session

    return Reception.objects.first() or open_session()


def sai_gon_case():
    """One feedback in Phường Sài Gòn, handled by its People's Committee (made once per test)."""
    from nghedan.cases.models import Case
    from nghedan.cases.tests.factories import submit

    return (Case.objects.filter(title="Ma trận quyền truy cập").first()
            or submit(title="Ma trận quyền truy cập"))  # fmt: skip


def outside_text():
    """One imported text (made once per test)."""
    from nghedan.insight.models import Text
    from nghedan.insight.tests.helpers import import_content

    return Text.objects.first() or Text.objects.get(
        pk=import_content('{"text": "Ma trận quyền truy cập"}', "jsonl").report[0]["text_id"]
    )


def person(username):
    return User.objects.get(username=username).pk


# Who works on or follows the Sài Gòn ward's People's Committee: its own officers, the ward's
# Front (supervises it), the city Ban Dân vận (supervises the ward's Party committee subtree).
SAI_GON_UBND_VISIBLE = {CITY_ADMIN, WARD_ADMIN, RECEPTION, HANDLER, LEADER, WARD_SUPERVISOR,
                        CITY_SUPERVISOR, CITY_LEADER, ANALYST}  # fmt: skip

# (name, path factory, expected outcomes)
PAGES = [
    ("home", lambda: reverse("shell:home"), everyone()),
    ("health", lambda: reverse("shell:healthz"), everyone()),
    ("sign in", lambda: reverse("people:sign_in"), everyone()),
    ("sign up", lambda: reverse("people:sign_up"), everyone()),
    ("password reset", lambda: reverse("people:password_reset"), everyone()),
    ("place lookup", lambda: reverse("places:lookup") + "?address=P.+Bến+Nghé,+Q.1", everyone()),
    ("dashboard", lambda: reverse("shell:dashboard"), signed_in_page(outcome_for_citizen=403)),
    ("account", lambda: reverse("people:account"), signed_in_page()),
    ("organizations", lambda: reverse("people:organizations"), admin_page()),
    ("organization create", lambda: reverse("people:organization_create"), admin_page()),
    ("people", lambda: reverse("people:people"), admin_page()),
    ("person create", lambda: reverse("people:person_create"), admin_page()),
    (
        "ward organization",
        lambda: reverse("people:organization", args=[org("sai-gon-ubnd")]),
        admin_page(),
    ),
    (
        "ward organization edit",
        lambda: reverse("people:organization_edit", args=[org("sai-gon-ubnd")]),
        admin_page(),
    ),
    (
        "city organization",
        lambda: reverse("people:organization", args=[org("hcm-ubnd")]),
        admin_page(**{WARD_ADMIN: 404}),
    ),
    (
        "other ward organization",
        lambda: reverse("people:organization", args=[org("ben-thanh-ubnd")]),
        admin_page(**{WARD_ADMIN: 404}),
    ),
    (
        "ward officer",
        lambda: reverse("people:person", args=[person(HANDLER)]),
        admin_page(),
    ),
    (
        "ward officer edit",
        lambda: reverse("people:person_edit", args=[person(HANDLER)]),
        admin_page(),
    ),
    (
        "city officer",
        lambda: reverse("people:person", args=[person(CITY_SUPERVISOR)]),
        admin_page(**{WARD_ADMIN: 404}),
    ),
    (
        "other ward officer",
        lambda: reverse("people:person_edit", args=[person(OTHER_WARD)]),
        admin_page(**{WARD_ADMIN: 404}),
    ),
    ("django admin", lambda: reverse("admin:index"), everyone(LOGIN)),
    ("submit a case", lambda: reverse("cases:submit"), everyone()),
    ("track form", lambda: reverse("cases:track"), everyone()),
    ("track a case", lambda: reverse("cases:track_case", args=[sai_gon_case().code]), everyone()),
    ("my cases", lambda: reverse("cases:mine"), signed_in_page()),
    ("notices", lambda: reverse("notices:inbox"), signed_in_page()),
    ("case queue", lambda: reverse("cases:queue"), working_page()),
    ("case dashboard", lambda: reverse("cases:dashboard"), working_page()),
    (
        "intake",
        lambda: reverse("cases:intake"),
        working_page(**dict.fromkeys({WARD_SUPERVISOR, CITY_SUPERVISOR, DEPUTY, ANALYST}, 403)),
    ),
    ("queue export csv", lambda: reverse("cases:export_csv"), working_page()),
    ("queue export xlsx", lambda: reverse("cases:export_xlsx"), working_page()),
    (
        "import from a file",
        lambda: reverse("cases:import"),
        working_page(**dict.fromkeys(OFFICERS - HANDLERS, 403)),
    ),
    ("hard cases", lambda: reverse("cases:registry"), working_page()),
    (
        "ward case marks",
        lambda: reverse("cases:case_marks", args=[sai_gon_case().pk]),
        working_page(**dict.fromkeys(OFFICERS - SAI_GON_UBND_VISIBLE, 404)),
    ),
    ("reception log", lambda: reverse("reception:list"), working_page()),
    (
        "open a reception",
        lambda: reverse("reception:open"),
        working_page(**dict.fromkeys({WARD_SUPERVISOR, CITY_SUPERVISOR, DEPUTY, ANALYST}, 403)),
    ),
    (
        "ward reception",
        lambda: reverse("reception:reception", args=[sai_gon_reception().pk]),
        working_page(**dict.fromkeys(OFFICERS - SAI_GON_UBND_VISIBLE, 404)),
    ),
    (
        "ward case",
        lambda: reverse("cases:case", args=[sai_gon_case().pk]),
        working_page(**dict.fromkeys(OFFICERS - SAI_GON_UBND_VISIBLE, 404)),
    ),
    # Texts from outside: analysts and leaders at any level; feeds also for administrators.
    ("outside texts", lambda: reverse("insight:texts"), insight_page()),
    ("outside text", lambda: reverse("insight:text", args=[outside_text().pk]), insight_page()),
    ("import texts", lambda: reverse("insight:import"), insight_page()),
    (
        "text import report",
        lambda: reverse("insight:batch", args=[outside_text().batch_id]),
        insight_page(),
    ),
    ("feeds", lambda: reverse("insight:feeds"), insight_page(**dict.fromkeys(ADMINS, 200))),
]

API = [
    ("health", lambda: "/api/v1/health", everyone()),
    ("docs", lambda: "/api/docs", everyone()),
    ("openapi", lambda: "/api/v1/openapi.json", everyone()),
    ("provinces", lambda: "/api/v1/places/provinces", everyone()),
    ("communes", lambda: "/api/v1/places/communes?province=79", everyone()),
    ("resolve", lambda: "/api/v1/places/resolve?address=P.+Bến+Nghé,+Q.1,+TP.HCM", everyone()),
    ("me", lambda: "/api/v1/me", api_signed_in()),
    ("organizations", lambda: "/api/v1/organizations", api_signed_in()),
    (
        "ward organization",
        lambda: f"/api/v1/organizations/{org('sai-gon-ubnd')}",
        {
            **everyone(404),
            ANONYMOUS: 401,
            **dict.fromkeys(SAI_GON_UBND_VISIBLE, 200),
        },
    ),
    (
        "other ward organization",
        lambda: f"/api/v1/organizations/{org('ben-thanh-ubnd')}",
        {
            **everyone(404),
            ANONYMOUS: 401,
            **dict.fromkeys({CITY_ADMIN, OTHER_WARD, CITY_SUPERVISOR, CITY_LEADER, ANALYST}, 200),
        },
    ),
    ("people", lambda: "/api/v1/people", api_admin()),
    ("ward officer", lambda: f"/api/v1/people/{person(HANDLER)}", api_admin()),
    (
        "other ward officer",
        lambda: f"/api/v1/people/{person(OTHER_WARD)}",
        api_admin(**{WARD_ADMIN: 404}),
    ),
    ("tokens", lambda: "/api/v1/tokens", api_signed_in()),
    ("categories", lambda: "/api/v1/cases/categories", everyone()),
    ("cases", lambda: "/api/v1/cases", api_signed_in()),
    (
        "ward case",
        lambda: f"/api/v1/cases/{sai_gon_case().pk}",
        {**everyone(404), ANONYMOUS: 401, **dict.fromkeys(SAI_GON_UBND_VISIBLE - ADMINS, 200)},
    ),  # fmt: skip
    ("open311 discovery", lambda: "/open311/discovery.json", everyone()),
    ("open311 services", lambda: "/open311/v2/services.json", everyone()),
    ("open311 service", lambda: "/open311/v2/services/infrastructure.xml", everyone()),
    ("open311 requests", lambda: "/open311/v2/requests.json", everyone()),
    (
        "open311 request",
        lambda: f"/open311/v2/requests/{sai_gon_case().code}.json",
        everyone(),
    ),
    ("open311 token", lambda: f"/open311/v2/tokens/{sai_gon_case().code}.json", everyone()),
]


def outcome_of(response) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        signed_out = reverse("people:sign_in") in location or "/django-admin/login/" in location
        return LOGIN if signed_out else f"302 → {location}"
    return response.status_code


def check(client_for, routes):
    wrong = []
    for persona in PERSONAS:
        browser = client_for(persona)
        for name, path_of, expected in routes:
            path = path_of()
            got = outcome_of(browser.get(path))
            if got != expected[persona]:
                wrong.append(f"{persona or 'anonymous'} GET {name} {path}: {got}, "
                             f"expected {expected[persona]}")  # fmt: skip
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_every_page_as_every_persona(client_for):
    check(client_for, PAGES)


@pytest.mark.django_db
def test_every_api_route_as_every_persona(client_for):
    check(client_for, API)


@pytest.mark.django_db
def test_every_route_is_in_the_matrix():
    """A new URL must be added to the matrix above (or to CHECKED_ELSEWHERE with the reason)."""
    from django.urls import get_resolver

    from nghedan.api.main import api

    checked = {name for name, _, _ in PAGES}
    assert len(checked) == len(PAGES)
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    apps = {"shell", "people", "places", "cases", "notices", "reception", "insight"}
    page_names = {name for name in names if name.split(":")[0] in apps}
    covered = {
        "shell:home", "shell:healthz", "shell:dashboard", "people:sign_in", "people:sign_up",
        "people:password_reset", "places:lookup", "people:account", "people:organizations",
        "people:organization_create", "people:people", "people:person_create",
        "people:organization", "people:organization_edit", "people:person", "people:person_edit",
        "cases:submit", "cases:track", "cases:track_case", "cases:mine", "notices:inbox",
        "cases:queue", "cases:dashboard", "cases:intake", "cases:case", "reception:list",
        "reception:open", "reception:reception", "cases:export_csv", "cases:export_xlsx",
        "cases:import", "cases:registry", "cases:case_marks",
        "insight:texts", "insight:text", "insight:import", "insight:batch", "insight:feeds",
    }  # fmt: skip
    assert page_names - covered - CHECKED_ELSEWHERE == set()
    api_paths = {path for path in api.get_openapi_schema()["paths"]}
    assert api_paths - API_PATHS_COVERED - API_CHECKED_ELSEWHERE == set()


# Routes whose access is tested in their own feature's tests (POST-only or token-only).
CHECKED_ELSEWHERE = {
    "people:sign_out",  # test_sign_in.py
    "people:password_reset_done", "people:password_reset_confirm",
    "people:password_reset_complete",  # test_sign_in.py: the reset flow
    "people:organization_set_active", "people:supervision_add", "people:supervision_remove",
    "people:person_set_active", "people:person_send_password_email", "people:membership_add",
    "people:membership_remove", "people:organization_communes",  # test_management_pages.py
    "places:lookup_result",  # places/tests: the htmx partial of the lookup page
    "cases:submitted",  # test_public_pages.py: shows only the code this browser just sent
    "cases:rate", "cases:reopen",  # test_public_pages.py: POST, the sender only
    "cases:queue_assign", "cases:case_identity",  # test_officer_pages.py: POST
    "cases:case_classify", "cases:case_accept", "cases:case_refuse", "cases:case_forward",
    "cases:case_assign", "cases:case_verify", "cases:case_resolve", "cases:case_close",
    "cases:case_extend", "cases:case_withdraw", "cases:case_comment",  # test_officer_pages.py
    "notices:mark_all_read",  # notices/tests: POST
    "reception:record_visit", "reception:visit_id_number",  # reception/tests: POST
    "reception:visit_identity",  # reception/tests/test_denouncer_identity.py: POST, audited
    "cases:case_attach",  # test_officer_files.py: POST, the case's handlers only
    "cases:case_link_duplicate", "cases:case_merge", "cases:case_flag", "cases:flag_confirm",
    "cases:flag_clear", "cases:case_request_report",  # test_duplicates.py, test_flags.py: POST
    "cases:attachment",  # test_attachments.py: per file, only for those who may see the case
    "insight:feed_toggle", "insight:feed_fetch",  # insight/tests/test_pages.py: POST
    "insight:label_text",  # insight/tests/test_analyst_labels.py: POST, every persona
}  # fmt: skip
API_PATHS_COVERED = {
    "/api/v1/health", "/api/v1/places/provinces", "/api/v1/places/communes",
    "/api/v1/places/communes/{code}", "/api/v1/places/resolve", "/api/v1/me",
    "/api/v1/organizations", "/api/v1/organizations/{organization_id}", "/api/v1/people",
    "/api/v1/people/{person_id}", "/api/v1/tokens", "/api/v1/cases", "/api/v1/cases/categories",
    "/api/v1/cases/{case_id}",
}  # fmt: skip
API_CHECKED_ELSEWHERE = {
    "/api/v1/people/{person_id}/memberships",  # POST only: test_api_people.py
    "/api/v1/memberships/{membership_id}",  # DELETE only: test_api_people.py
    "/api/v1/tokens/{token_id}",  # DELETE only: test_api_people.py
    *(f"/api/v1/cases/{{case_id}}/{action}" for action in (
        "classify", "accept", "refuse", "forward", "assign", "verify", "resolve", "close",
        "extend", "withdraw", "comment",
    )),  # POST only: test_api_cases.py
}  # fmt: skip
