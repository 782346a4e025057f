"""Files officers add after intake: the decision, conclusion or reply sent with the
resolution (stored in the same transaction, or not at all), and files a handler adds to an
open case from its page. Who may add them, who may open them, and that the public tracking
page never lists them (a resolution publishes its text only, never its files).

Personas from the Hồ Chí Minh City demo: the handler, reception officer and leader of
phường Sài Gòn's People's Committee, and the ward's Front, which only follows its cases.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions, attachments
from nghedan.cases.attachments import MAX_FILES, do_attach
from nghedan.cases.models import Attachment, Case, CaseEvent, Kind
from nghedan.cases.tests.factories import DENOUNCER, stored_files, submit
from nghedan.people.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

Status = Case.Status
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100 + b"This program cannot be run in DOS"
ANSWER = "Đã nạo vét cống thoát nước trước số 12 Lê Lợi ngày 5/3."
PUBLISHED = "Cống trên đường Lê Lợi đã được nạo vét."


def upload(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def user(username: str) -> User:
    return User.objects.get(username=username)


def verifying(case: Case, assignee: str = "xuly.saigon") -> Case:
    leader = user("lanhdao.saigon")
    actions.do_classify(leader, case, kind=case.kind, category=case.category,
                        condition=case.condition, people_count=case.people_count)  # fmt: skip
    actions.do_accept(leader, case)
    actions.do_assign(leader, case, user(assignee))
    return actions.do_start_verifying(leader, case)


def url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", args=[case.pk])


def status_of(case: Case) -> str:
    return Case.objects.values_list("status", flat=True).get(pk=case.pk)


def resolve_data(*files, **changes) -> dict:
    return {"answer": ANSWER, "published_answer": PUBLISHED, "attachments": list(files)} | changes


# Resolving with files


def test_the_resolve_form_takes_files(client_for, demo):
    case = verifying(submit())
    page = client_for("xuly.saigon").get(url("case", case)).content.decode()
    form = page[page.index('id="action-resolve"') :]
    form = form[: form.index("</form>")]
    assert 'enctype="multipart/form-data"' in form
    assert 'type="file"' in form and 'name="attachments"' in form and "multiple" in form
    assert "Tối đa 5 tệp" in form


def test_a_resolution_stores_its_decision_and_the_case_page_lists_it(client_for, demo, media):
    case = verifying(submit())
    handler = client_for("xuly.saigon")
    response = handler.post(url("case_resolve", case), resolve_data(upload("quyet-dinh.pdf")))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert status_of(case) == Status.RESOLVED
    decision = Attachment.objects.get(case=case)
    assert decision.original_name == "quyet-dinh.pdf" and decision.content_type == "application/pdf"
    assert decision.uploaded_by == user("xuly.saigon")
    assert [path.read_bytes() for path in stored_files(media)] == [PDF]
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))[-2:] == [
        "resolved", "attached",
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action__in=["case.resolve", "case.attach"]).count() == 2

    page = handler.get(url("case", case)).content.decode()
    assert "quyet-dinh.pdf" in page
    assert f'href="{reverse("cases:attachment", args=[decision.pk])}"' in page
    assert "Phạm Văn Minh" in page[page.index("attachments-heading") :]  # who added it
    assert handler.get(reverse("cases:attachment", args=[decision.pk])).status_code == 200


def test_a_resolution_without_files_stores_none(client_for, demo, media):
    case = verifying(submit())
    response = client_for("xuly.saigon").post(url("case_resolve", case), resolve_data())
    assert response.status_code == 302
    assert status_of(case) == Status.RESOLVED and not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(case=case, action="attached").exists()


def test_a_disguised_file_is_refused_beside_the_field_and_nothing_is_resolved(client_for, demo,
                                                                              media):  # fmt: skip
    case = verifying(submit())
    files = [upload("quyet-dinh.pdf"), upload("ket-luan.pdf", EXE)]
    response = client_for("xuly.saigon").post(url("case_resolve", case), resolve_data(*files))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_resolve_attachments_error"' in page
    assert "Tệp “ket-luan.pdf” không phải ảnh, tệp PDF hay ghi âm" in page
    assert ANSWER in page and PUBLISHED in page  # what was typed is kept
    assert status_of(case) == Status.VERIFYING
    assert not Attachment.objects.exists() and stored_files(media) == []
    assert not AuditEntry.objects.filter(action__in=["case.resolve", "case.attach"]).exists()


def test_another_wrong_field_asks_to_choose_the_files_again(client_for, demo):
    case = verifying(submit())
    data = resolve_data(upload("quyet-dinh.pdf"), answer="")
    response = client_for("xuly.saigon").post(url("case_resolve", case), data)
    assert response.status_code == 400
    assert "hãy chọn lại tệp trước khi gửi" in response.content.decode()
    assert status_of(case) == Status.VERIFYING and not Attachment.objects.exists()


def test_the_decision_joins_a_case_whose_sender_sent_the_most_files_at_once(client_for, demo):
    case = verifying(submit())
    do_attach(None, case, [upload(f"anh-{n}.pdf") for n in range(MAX_FILES)])
    response = client_for("xuly.saigon").post(
        url("case_resolve", case), resolve_data(upload("quyet-dinh.pdf"))
    )
    assert response.status_code == 302
    assert case.attachments.count() == MAX_FILES + 1


def test_a_file_over_the_cases_limit_takes_the_resolution_back(client_for, demo, media,
                                                               monkeypatch):  # fmt: skip
    """The form passes one file; storing it would go over the case's limit: the action refuses
    after resolving, and the resolution goes back with it."""
    monkeypatch.setattr(attachments, "MAX_CASE_FILES", MAX_FILES)
    case = verifying(submit())
    do_attach(user("xuly.saigon"), case, [upload(f"trang-{n}.pdf") for n in range(MAX_FILES)])
    before = stored_files(media)

    response = client_for("xuly.saigon").post(
        url("case_resolve", case), resolve_data(upload("quyet-dinh.pdf"))
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_resolve_attachments_error"' in page and "Vụ việc đã có 5 tệp" in page
    assert ANSWER in page
    assert status_of(case) == Status.VERIFYING
    assert Case.objects.get(pk=case.pk).answer == ""
    assert case.attachments.count() == MAX_FILES and stored_files(media) == before
    assert not AuditEntry.objects.filter(action="case.resolve").exists()


def test_a_case_that_moved_meanwhile_stores_no_file(client_for, demo, media):
    case = verifying(submit())
    actions.do_withdraw(user("lanhdao.saigon"), case, "Người gửi rút đơn qua điện thoại.")
    response = client_for("xuly.saigon").post(
        url("case_resolve", case), resolve_data(upload("quyet-dinh.pdf"))
    )
    assert response.status_code == 409
    assert status_of(case) == Status.WITHDRAWN
    assert not Attachment.objects.exists() and stored_files(media) == []


# Adding files to an open case


def test_a_handler_adds_files_to_an_open_case(client_for, demo, media):
    case = verifying(submit())
    handler = client_for("xuly.saigon")
    page = handler.get(url("case", case)).content.decode()
    assert f'action="{url("case_attach", case)}" enctype="multipart/form-data"' in page

    files = [upload("bien-ban-kiem-tra.pdf"), upload("cong-van.pdf")]
    response = handler.post(url("case_attach", case), {"attachments": files})
    assert response.status_code == 302 and response["Location"] == url("case", case)
    assert [a.original_name for a in case.attachments.all()] == [
        "bien-ban-kiem-tra.pdf", "cong-van.pdf",
    ]  # fmt: skip
    assert len(stored_files(media)) == 2 and status_of(case) == Status.VERIFYING
    page = handler.get(url("case", case)).content.decode()
    assert "bien-ban-kiem-tra.pdf" in page and "Đã thêm tệp vào hồ sơ vụ việc" in page


def test_adding_nothing_or_a_disguised_file_is_refused_and_stores_nothing(client_for, demo,
                                                                          media):  # fmt: skip
    case = submit()
    reception = client_for("tiepnhan.saigon")  # handles the ward's cases, though not assigned
    response = reception.post(url("case_attach", case), {})
    assert response.status_code == 400 and "Hãy chọn ít nhất một tệp." in response.content.decode()

    data = {"attachments": [upload("anh.pdf"), upload("anh.jpg", EXE)]}
    response = reception.post(url("case_attach", case), data)
    assert response.status_code == 400
    assert 'id="id_attach_attachments_error"' in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("supervisor", ["giamsat.mttq.saigon", "giamsat.dandan"])
def test_a_supervisor_who_only_follows_cannot_add_files(client_for, demo, media, supervisor):
    case = verifying(submit())
    browser = client_for(supervisor)
    assert 'id="action-attach"' not in browser.get(url("case", case)).content.decode()
    response = browser.post(url("case_attach", case), {"attachments": [upload("don.pdf")]})
    assert response.status_code == 403
    response = browser.post(url("case_resolve", case), resolve_data(upload("quyet-dinh.pdf")))
    assert response.status_code == 403
    assert not Attachment.objects.exists() and stored_files(media) == []
    assert status_of(case) == Status.VERIFYING


def test_an_officer_of_another_ward_gets_404(client_for, demo, media):
    case = submit()
    response = client_for("tiepnhan.benthanh").post(
        url("case_attach", case), {"attachments": [upload("don.pdf")]}
    )
    assert response.status_code == 404 and not Attachment.objects.exists()


def test_a_finished_case_takes_no_more_files(client_for, demo, media):
    case = verifying(submit())
    actions.do_resolve(user("xuly.saigon"), case, answer=ANSWER, published_answer=PUBLISHED)
    handler = client_for("xuly.saigon")
    assert 'id="action-attach"' not in handler.get(url("case", case)).content.decode()
    response = handler.post(url("case_attach", case), {"attachments": [upload("muon.pdf")]})
    assert response.status_code == 409
    assert "chỉ thêm được tệp khi vụ việc đang xử lý" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media) == []


# Denunciations and the public


def test_a_denunciations_conclusion_file_follows_the_denunciation_rules(client_for, demo):
    case = verifying(submit(Kind.DENUNCIATION, "official_conduct", **DENOUNCER))
    handler = client_for("xuly.saigon")
    data = resolve_data(upload("ket-luan-Truong-Van-Bi-Mat.pdf"))
    assert handler.post(url("case_resolve", case), data).status_code == 302

    (conclusion,) = case.attachments.all()
    event = CaseEvent.objects.get(case=case, action="attached")
    assert event.note == "1 tệp" and "Bi-Mat" not in event.note
    assert handler.get(reverse("cases:attachment", args=[conclusion.pk])).status_code == 200

    reception = client_for("tiepnhan.saigon")  # follows and handles the ward, not assigned
    assert reception.get(reverse("cases:attachment", args=[conclusion.pk])).status_code == 403
    page = reception.get(url("case", case)).content.decode()
    assert "Bi-Mat" not in page and "có 1 tệp đính kèm" in page


def test_the_tracking_page_lists_no_officer_file(client, client_for, demo):
    """A resolution publishes its public text; there is no publishing of files, so none of
    them, not even the decision, appears on the public tracking page."""
    case = verifying(submit())
    handler = client_for("xuly.saigon")
    handler.post(url("case_attach", case), {"attachments": [upload("bien-ban-hien-truong.pdf")]})
    handler.post(url("case_resolve", case), resolve_data(upload("quyet-dinh-giai-quyet.pdf")))
    assert status_of(case) == Status.RESOLVED and case.attachments.count() == 2

    page = client.get(reverse("cases:track_case", args=[case.code])).content.decode()
    assert PUBLISHED in page and ANSWER not in page
    for hidden in ["bien-ban-hien-truong", "quyet-dinh-giai-quyet", "/can-bo/tep/", "đính kèm",
                   "Đính kèm"]:  # fmt: skip
        assert hidden not in page, hidden
