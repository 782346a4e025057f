"""A denouncer received at a session is never named in the reception log, whatever came of
the visit: taken in as a case (the identity is sealed with the case), guided or refused (it
is sealed with the visit). Only the officers who received them, while they handle the ward's
cases, may reveal a visit's sealed identity, and every read is audited (Luật Tố cáo 2018,
Điều 47–48).

Personas from the Hồ Chí Minh City demo: phường Sài Gòn's reception officer records, its
chairman presides, its handler did not sit at the session; the ward's Front and the city's
Ban Dân vận supervise; phường Bến Thành's officer works elsewhere.
"""

import re

import pytest
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.cases.models import Kind
from nghedan.lib import crypto
from nghedan.reception import actions
from nghedan.reception.models import RefusalOfReception, Visit
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

NAME = "Trương Văn Bí Mật"
PHONE = "0912 345 678"
ADDRESS = "18 Hẻm Kín, phường Sài Gòn"
ID_NUMBER = "079 200 123 456"
SECRETS = [NAME, "Bí Mật", PHONE, PHONE.replace(" ", ""), "18 Hẻm Kín", ID_NUMBER,
           ID_NUMBER.replace(" ", "")]  # fmt: skip
DENOUNCER = {"visitor_name": NAME, "visitor_phone": PHONE, "visitor_address": ADDRESS,
             "id_number": ID_NUMBER}  # fmt: skip
DENUNCIATION = {
    "kind": "denunciation",
    "category": "official_conduct",
    "title": "Cán bộ địa chính đòi tiền",
    "raised": "Cán bộ địa chính phường đòi 5 triệu đồng mới nhận hồ sơ.",
    **DENOUNCER,
}
SUPERVISORS = ["giamsat.dandan", "giamsat.mttq.saigon"]
OTHER_WARD = "tiepnhan.benthanh"
NOT_AT_THE_SESSION = "xuly.saigon"  # handles the ward's cases, did not receive the denouncer


@pytest.fixture
def session(demo):
    return open_session()  # presided by lanhdao.saigon


@pytest.fixture
def denunciations(client_for, session) -> dict[str, Visit]:
    """The same denouncer received three times, recorded from the page: taken in, guided,
    refused."""
    officer = client_for("tiepnhan.saigon")
    refusal = RefusalOfReception.objects.get(code="de-doa-xuc-pham")
    outcomes: list[tuple[str, dict[str, object]]] = [
        ("case", {}),
        ("guided", {"note": "Hướng dẫn gửi tố cáo đến Thanh tra thành phố."}),
        ("refused", {"refusal": refusal.pk, "note": "Lời lẽ xúc phạm cán bộ tiếp."}),
    ]
    for outcome, changes in outcomes:
        response = officer.post(
            record_url(session), visit_data(**DENUNCIATION, outcome=outcome, **changes)
        )
        assert response.status_code == 302, text(response)[:3000]
    return {visit.outcome: visit for visit in Visit.objects.order_by("pk")}


def leaks(body: str) -> list[str]:
    flat = re.sub(r"\s+", " ", body)
    return [secret for secret in SECRETS if secret in body or secret in flat]


def reception_pages(session, visits: dict[str, Visit]) -> list[tuple[str, str]]:
    """Every reception page and request, and the case taken in at the session."""
    listing = reverse("reception:list")
    pages = [
        ("get", listing),
        ("get", f"{listing}?organization={organization().pk}"),
        ("get", f"{listing}?month={session.held_on:%Y-%m}"),
        ("get", reverse("reception:open")),
        ("get", session_url(session)),
        ("get", reverse("cases:case", args=[visits["case"].case_id])),
    ]
    for visit in visits.values():
        pages.append(("post", reverse("reception:visit_id_number", args=[visit.pk])))
        pages.append(("post", reverse("reception:visit_identity", args=[visit.pk])))
    return pages


def test_the_log_keeps_no_identity_of_a_denouncer_whatever_the_outcome(denunciations):
    assert set(denunciations) == {"case", "guided", "refused"}
    for outcome, visit in denunciations.items():
        assert visit.identity_sealed and visit.kind == Kind.DENUNCIATION, outcome
        kept = (visit.visitor_name, visit.visitor_phone, visit.visitor_address, visit.id_number)
        assert kept == ("", "", "", ""), outcome
    assert not denunciations["case"].sealed_identity  # sealed with the case instead
    for outcome in ["guided", "refused"]:
        sealed = crypto.unseal(denunciations[outcome].sealed_identity)
        assert (sealed["name"], sealed["phone"], sealed["address"]) == (NAME, PHONE, ADDRESS)
    audit = " ".join(f"{data}" for data in AuditEntry.objects.values_list("data", flat=True))
    assert not leaks(audit)


@pytest.mark.parametrize("persona", [*SUPERVISORS, OTHER_WARD, NOT_AT_THE_SESSION])
def test_no_reception_page_names_the_denouncer(client_for, session, denunciations, persona):
    browser = client_for(persona)
    found, seen = [], []
    for method, address in reception_pages(session, denunciations):
        response = getattr(browser, method)(address)
        body = response.content.decode("utf-8", errors="replace")
        seen.append((address, response.status_code))
        if leaks(body):
            found.append(f"{method.upper()} {address} ({response.status_code}): {leaks(body)}")
    assert not found, "\n".join(found)
    # The sweep is only worth something if the pages were really seen.
    expected = 404 if persona == OTHER_WARD else 200
    assert (session_url(session), expected) in seen
    assert not AuditEntry.objects.filter(action="reception.visit.identity_read").exists()


def test_the_supervisor_sees_the_row_and_what_was_raised_without_the_identity(
    client_for, session, denunciations
):
    page = text(client_for("giamsat.dandan").get(session_url(session)))
    for visit in denunciations.values():
        row = page.split(f'id="luot-{visit.pk}"')[1].split("</tr>")[0]
        assert "danh tính người tố cáo được giữ bí mật" in row
        assert 'action="/' not in row  # nothing to reveal
    assert "Thanh tra thành phố" in page and "Cán bộ địa chính phường đòi 5 triệu" in page


@pytest.mark.parametrize("persona", ["tiepnhan.saigon", "lanhdao.saigon"])
def test_only_the_officers_who_received_the_denouncer_reveal_it_audited(
    client_for, session, denunciations, persona
):
    browser = client_for(persona)
    page = text(browser.get(session_url(session)))
    assert not leaks(page)
    guided = denunciations["guided"]
    reveal = reverse("reception:visit_identity", args=[guided.pk])
    assert f'action="{reveal}"' in page
    with_the_case = reverse("reception:visit_identity", args=[denunciations["case"].pk])
    assert f'action="{with_the_case}"' not in page

    shown = browser.post(reveal)
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    assert NAME in text(shown) and PHONE in text(shown) and ADDRESS in text(shown)
    reads = AuditEntry.objects.filter(action="reception.visit.identity_read")
    assert list(reads.values_list("actor__username", "target_id")) == [(persona, str(guided.pk))]
    assert not leaks(" ".join(f"{entry.data}" for entry in reads))


@pytest.mark.parametrize(
    ("persona", "status"),
    [*((persona, 403) for persona in [*SUPERVISORS, NOT_AT_THE_SESSION, "quantri.saigon"]),
     (OTHER_WARD, 404)],
)  # fmt: skip
def test_everyone_else_is_refused_the_reveal(client_for, denunciations, persona, status):
    for outcome in ["guided", "refused"]:
        visit = denunciations[outcome]
        response = client_for(persona).post(reverse("reception:visit_identity", args=[visit.pk]))
        assert response.status_code == status
    assert not AuditEntry.objects.filter(action="reception.visit.identity_read").exists()


def test_a_visit_sealed_with_its_case_has_nothing_to_reveal_in_the_log(client_for, denunciations):
    visit = denunciations["case"]
    response = client_for("tiepnhan.saigon").post(
        reverse("reception:visit_identity", args=[visit.pk])
    )
    assert response.status_code == 404


def test_the_actions_seal_a_guided_or_refused_denunciation(session):
    officer = user("tiepnhan.saigon")
    guided = actions.do_record_visit(
        officer, session, kind=Kind.DENUNCIATION, category=None, title="", create_case=False,
        raised="Tố cáo cán bộ phường nhận tiền.", note="Hướng dẫn gửi Thanh tra thành phố.",
        **DENOUNCER,
    )  # fmt: skip
    refused = actions.do_refuse_reception(
        officer, session, kind=Kind.DENUNCIATION,
        reason=RefusalOfReception.objects.get(code="say-mat-kiem-soat"), **DENOUNCER,
    )  # fmt: skip
    for visit in [guided, refused]:
        visit.refresh_from_db()
        assert visit.identity_sealed and not visit.has_id_number
        assert (visit.visitor_name, visit.visitor_phone, visit.visitor_address) == ("", "", "")
        assert crypto.unseal(visit.sealed_identity)["name"] == NAME


def test_a_guided_feedback_still_names_its_visitor(client_for, session):
    client_for("tiepnhan.saigon").post(record_url(session), visit_data(
        outcome="guided", kind="feedback", note="Hướng dẫn liên hệ công ty thoát nước.",
        **DENOUNCER,
    ))  # fmt: skip
    visit = Visit.objects.get()
    assert not visit.identity_sealed and visit.visitor_name == NAME and not visit.sealed_identity
    assert NAME in text(client_for("giamsat.dandan").get(session_url(session)))
