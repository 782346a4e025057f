"""Who may open the reception log, every page as every persona.

Outcomes: 200 allowed (302 after a write); LOGIN sent to sign in; 403 refused; 404 outside the
persona's scope (the session's existence is not revealed). Officers of phường Sài Gòn's
People's Committee write its log; the ward's Front and the city's Ban Dân vận, which
supervise it, read it; phường Bến Thành's officer gets 404; administrators by that role
alone and citizens get 403.
"""

import pytest
from django.urls import reverse

from nghedan.cases.models import Case
from nghedan.reception.models import Reception, Visit
from nghedan.reception.tests.helpers import (
    open_session,
    organization,
    record_url,
    session_url,
    text,
    user,
    visit_data,
)

pytestmark = pytest.mark.django_db

LOGIN = "login"
WRITERS = ["tiepnhan.saigon", "xuly.saigon", "lanhdao.saigon"]
READERS = ["giamsat.mttq.saigon", "giamsat.dandan"]
OTHER_WARD = "tiepnhan.benthanh"
REFUSED = ["quantri.saigon", "quantri.thanhpho", "nguoidan.kim"]


def outcome(response):
    if response.status_code == 302 and "/dang-nhap" in response.url:
        return LOGIN
    return response.status_code


@pytest.fixture
def session(demo):
    return open_session()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        *((persona, 200) for persona in WRITERS + READERS + [OTHER_WARD]),
        *((persona, 403) for persona in REFUSED),
        (None, LOGIN),
    ],
)
def test_the_list(client_for, session, persona, expected):
    response = client_for(persona).get(reverse("reception:list"))
    assert outcome(response) == expected
    if expected == 200:
        listed = session_url(session) in text(response)
        assert listed == (persona != OTHER_WARD)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        *((persona, 200) for persona in WRITERS + [OTHER_WARD]),
        *((persona, 403) for persona in READERS + REFUSED),
        (None, LOGIN),
    ],
)
def test_opening_a_session(client_for, demo, persona, expected):
    assert outcome(client_for(persona).get(reverse("reception:open"))) == expected
    response = client_for(persona).post(reverse("reception:open"), {
        "organization": organization().pk, "held_on": "01/03/2026", "kind": "regular",
        "place": "Trụ sở", "presiding": user("lanhdao.saigon").pk,
    })  # fmt: skip
    opened = Reception.objects.exists()
    if persona in WRITERS:
        assert response.status_code == 302 and opened
    elif persona == OTHER_WARD:
        # Phường Sài Gòn is not among the choices of another ward's officer.
        assert response.status_code == 400 and not opened
    else:
        assert outcome(response) == expected and not opened


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        *((persona, 200) for persona in WRITERS + READERS),
        (OTHER_WARD, 404),
        *((persona, 403) for persona in REFUSED),
        (None, LOGIN),
    ],
)
def test_a_session_page(client_for, session, persona, expected):
    response = client_for(persona).get(session_url(session))
    assert outcome(response) == expected
    if expected == 200:
        has_form = f'action="{record_url(session)}"' in text(response)
        assert has_form == (persona in WRITERS)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        *((persona, 302) for persona in WRITERS),
        *((persona, 403) for persona in READERS + REFUSED),
        (OTHER_WARD, 404),
        (None, LOGIN),
    ],
)
def test_recording_a_visit(client_for, session, persona, expected):
    response = client_for(persona).post(record_url(session), visit_data())
    assert outcome(response) == expected
    created = (Visit.objects.count(), Case.objects.count())
    assert created == ((1, 1) if expected == 302 else (0, 0))


def test_a_session_of_another_ward_is_404_even_to_write(client_for, demo):
    ben_thanh = open_session("ben-thanh-ubnd", presiding="tiepnhan.benthanh")
    browser = client_for("tiepnhan.saigon")
    assert browser.get(session_url(ben_thanh)).status_code == 404
    assert browser.post(record_url(ben_thanh), visit_data()).status_code == 404
    assert not Visit.objects.exists()
    assert client_for(OTHER_WARD).get(session_url(ben_thanh)).status_code == 200
