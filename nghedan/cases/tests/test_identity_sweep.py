"""The denouncer's identity leaks nowhere.

A denunciation is sent from the public form by a signed-in citizen, assigned, worked on,
escalated and concluded; then every persona fetches every page and API response that touches
the case, and none of them may hold the denouncer's name, phone, e-mail or address. Only the
assigned handler, pressing "Xem danh tính", sees it, and that read is audited. The same holds
for feedback sent with a file named after its sender and turned into a denunciation by the
handler: what was written before the change names the sender nowhere either.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions
from nghedan.cases.models import Case, Kind
from nghedan.cases.watch import do_escalate
from nghedan.people.models import User

pytestmark = pytest.mark.django_db

NAME = "Trương Văn Bí Mật"
PHONE = "0912 345 678"
EMAIL = "bimat.truong@example.vn"
ADDRESS = "18 Hẻm Kín"
SECRETS = [NAME, "Bí Mật", PHONE, PHONE.replace(" ", ""), EMAIL, ADDRESS]
# The denunciation is sent from this citizen's account: their account names them too.
ACCOUNT = ["Lý Thị Kim", "nguoidan.kim"]

PERSONAS = [None, "nguoidan.kim", "quantri.thanhpho", "quantri.saigon", "tiepnhan.saigon",
            "xuly.saigon", "lanhdao.saigon", "giamsat.mttq.saigon", "giamsat.dandan",
            "daibieu.hdnd", "lanhdao.thanhpho", "phantich.thanhpho", "tiepnhan.benthanh",
            "quantri.hethong"]  # fmt: skip


def send_denunciation(client_for, description: str, kind: str = Kind.DENUNCIATION,
                      **files) -> Case:  # fmt: skip
    """The denunciation (or the matter that becomes one), sent from the public form by the
    signed-in citizen nguoidan.kim, with the system administrator made first so that every
    persona exists."""
    User.objects.create_superuser("quantri.hethong", "root@example.vn", "Mat-khau-he-thong-2026")
    response = client_for("nguoidan.kim").post(reverse("cases:submit"), {
        "kind": kind, "category": "official_conduct", **files,
        "address": "P. Bến Nghé, Q.1, TP.HCM",
        "title": "Tố cáo cán bộ địa chính đòi tiền khi làm hồ sơ", "description": description,
        "people_count": "1", "submitter_name": NAME, "submitter_phone": PHONE,
        "submitter_email": EMAIL, "submitter_address": f"{ADDRESS}, phường Sài Gòn",
        "website": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(kind=kind)


# The sender's letter, scanned under their own name: its assigned handler lists it with the
# files they may open, and nobody else sees its name.
LETTER = f"Đơn của {NAME}.pdf"


@pytest.fixture(params=["sent as a denunciation", "feedback with a file, turned denunciation"])
def denunciation(request, client_for):
    description = "Cán bộ địa chính phường yêu cầu đưa tiền mới nhận hồ sơ."
    if request.param == "sent as a denunciation":
        case = send_denunciation(client_for, description)
    else:
        scan = SimpleUploadedFile(LETTER, b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
        case = send_denunciation(client_for, description, Kind.FEEDBACK, attachments=[scan])
    handler = User.objects.get(username="xuly.saigon")
    actions.do_assign(handler, case, handler)
    actions.do_classify(handler, case, kind=Kind.DENUNCIATION, category=case.category,
                        condition="complex", people_count=1)  # fmt: skip
    actions.do_accept(handler, case)
    actions.do_extend_deadline(handler, case, "Cần xác minh thêm")
    do_escalate(case.deadlines.get(stage="resolve"))
    actions.do_resolve(handler, case, answer="Nội bộ: tố cáo đúng một phần.",
                       published_answer="Kết luận: tố cáo đúng một phần.")  # fmt: skip
    return case


def pages_touching(case: Case) -> list[str]:
    return [
        reverse("cases:case", args=[case.pk]),
        reverse("cases:queue"),
        reverse("cases:queue") + "?q=" + case.code,
        reverse("cases:dashboard"),
        reverse("cases:track_case", args=[case.code]),
        reverse("cases:mine"),
        reverse("notices:inbox"),
        reverse("shell:dashboard"),
        f"/api/v1/cases/{case.pk}",
        "/api/v1/cases",
        f"/api/v1/cases?status={case.status}",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{case.code}.json",
        f"/django-admin/cases/case/{case.pk}/change/",
        "/django-admin/cases/case/",
        "/django-admin/audit/auditentry/",
    ]


def leaks(body: str, persona: str | None = None) -> list[str]:
    # The citizen's own pages greet them by name; everyone else must never see it.
    secrets = SECRETS + ([] if persona == "nguoidan.kim" else ACCOUNT)
    if persona == "xuly.saigon":
        body = body.replace(LETTER, "")
    flat = re.sub(r"\s+", " ", body)
    return [secret for secret in secrets if secret in flat or secret in body]


def test_no_page_or_response_holds_the_denouncers_identity(client_for, denunciation):
    found = []
    for persona in PERSONAS:
        browser = client_for(persona)
        for path in pages_touching(denunciation):
            response = browser.get(path)
            body = response.content.decode("utf-8", errors="replace")
            if leaks(body, persona):
                found.append(f"{persona or 'anonymous'} {path} ({response.status_code}): "
                             f"{leaks(body, persona)}")  # fmt: skip
    assert not found, "\n".join(found)


def test_the_pages_were_really_seen(client_for, denunciation):
    """The sweep above is only worth something if the handler did see the case."""
    handler = client_for("xuly.saigon")
    page = handler.get(reverse("cases:case", args=[denunciation.pk])).content.decode()
    assert denunciation.code in page and "Tố cáo cán bộ địa chính" in page
    assert handler.get(f"/api/v1/cases/{denunciation.pk}").status_code == 200


def test_only_the_assigned_handler_reveals_it_and_the_read_is_audited(client_for, denunciation):
    reveal = reverse("cases:case_identity", args=[denunciation.pk])
    for persona in ["tiepnhan.saigon", "lanhdao.saigon", "giamsat.mttq.saigon", "quantri.saigon"]:
        response = client_for(persona).post(reveal)
        assert response.status_code in (403, 404), persona
        assert not leaks(response.content.decode())
    shown = client_for("xuly.saigon").post(reveal).content.decode()
    assert NAME in shown and PHONE in shown
    reads = AuditEntry.objects.filter(action="case.identity_read")
    assert list(reads.values_list("actor__username", flat=True)) == ["xuly.saigon"]
    about_the_case = AuditEntry.objects.filter(target_type="cases.case",
                                               target_id=str(denunciation.pk))  # fmt: skip
    assert not any(leaks(f"{entry.data} {entry.actor_label}") for entry in about_the_case)
    submitted = AuditEntry.objects.get(action="case.submit", target_id=str(denunciation.pk))
    assert (submitted.actor, submitted.actor_label) == (None, actions.SENDER)
