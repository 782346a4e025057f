"""Exporting the officers' queue as CSV and Excel.

An export is the filtered queue: the same filters, only the cases the persona may see, and
redacted (no sender's contact, no description, nothing of a denouncer's identity). Every
export is audited. Personas from the Hồ Chí Minh City demo.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nghedan.audit.models import AuditEntry
from nghedan.cases import actions, exports
from nghedan.cases.models import Case, Kind
from nghedan.cases.tests.factories import submit
from nghedan.people.models import User

pytestmark = pytest.mark.django_db

BEN_THANH = "26743"
HEADERS = [
    "Mã số", "Loại", "Trạng thái", "Lĩnh vực", "Xã, phường", "Cơ quan xử lý", "Ngày tiếp nhận",
    "Hạn xử lý", "Cán bộ xử lý", "Tóm tắt", "Kênh tiếp nhận", "Số người cùng nêu",
]  # fmt: skip
DENOUNCER = {
    "submitter_name": "Trương Văn Bí Mật",
    "submitter_phone": "0912 345 678",
    "submitter_email": "bimat.truong@example.vn",
    "submitter_address": "18 Hẻm Kín, phường Sài Gòn",
}
CONTACT = {
    "submitter_name": "Nguyễn Văn An",
    "submitter_phone": "0909 123 456",
    "submitter_email": "an@example.vn",
    "submitter_address": "12 Lê Lợi, phường Sài Gòn",
}
DESCRIPTION = "Nhà tôi ở số 12 Lê Lợi, gọi 0909 123 456 khi cần."
SECRETS = [*DENOUNCER.values(), *CONTACT.values(), DESCRIPTION, "Bí Mật", "0912345678"]
CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")


@pytest.fixture
def cases(demo):
    """Three cases of phường Sài Gòn (one a denunciation, one assigned) and one of Bến Thành."""
    feedback = submit(title="Ổ gà trước số 12 Lê Lợi", description=DESCRIPTION, **CONTACT)
    denunciation = submit(
        Kind.DENUNCIATION, "official_conduct", title="Cán bộ địa chính nhận tiền",
        description="Cán bộ địa chính nhận tiền. " + DESCRIPTION, **DENOUNCER,
    )  # fmt: skip
    formula = submit(title='=HYPERLINK("http://example.com","bấm")', people_count=4, **CONTACT)
    handler = User.objects.get(username="xuly.saigon")
    actions.do_assign(handler, formula, handler)
    elsewhere = submit(commune=BEN_THANH, title="Lấn chiếm vỉa hè Bến Thành", **CONTACT)
    return {"feedback": feedback, "denunciation": denunciation, "formula": formula,
            "elsewhere": elsewhere}  # fmt: skip


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    text = content_of(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> tuple[list[tuple], list]:
    workbook = load_workbook(io.BytesIO(content_of(response)))
    sheet = workbook.worksheets[0]
    return list(sheet.iter_rows(values_only=True)), list(sheet.iter_rows())


def queue_codes(browser, query: str = "") -> set[str]:
    page = browser.get(reverse("cases:queue") + query).content.decode()
    return set(CODE.findall(page))


def test_the_csv_export_is_the_queue_redacted(client_for, cases):
    browser = client_for("tiepnhan.saigon")
    response = browser.get(reverse("cases:export_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(r'attachment; filename="vu-viec-\d{8}-\d{4}\.csv"',
                    response["Content-Disposition"])  # fmt: skip
    assert "no-store" in response["Cache-Control"]
    raw = content_of(browser.get(reverse("cases:export_csv")))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(response)
    assert rows[0] == HEADERS
    by_code = {row[0]: row for row in rows[1:]}
    assert (
        set(by_code)
        == queue_codes(browser)
        == {cases[name].code for name in ("feedback", "denunciation", "formula")}
    )
    today = timezone.localdate().strftime("%d/%m/%Y")
    feedback = cases["feedback"]
    due = feedback.deadlines.get(stage="receive").due_on.strftime("%d/%m/%Y")
    assert by_code[feedback.code] == [
        feedback.code, "Phản ánh", "Đã tiếp nhận", "Hạ tầng", "Phường Sài Gòn",
        "Ủy ban nhân dân phường Sài Gòn", today, due, "", "Ổ gà trước số 12 Lê Lợi",
        "Cổng thông tin", "1",
    ]  # fmt: skip
    formula = by_code[cases["formula"].code]
    assert formula[8] == "Phạm Văn Minh" and formula[11] == "4"
    assert formula[9] == '\'=HYPERLINK("http://example.com","bấm")'  # text, not a formula
    assert by_code[cases["denunciation"].code][1] == "Tố cáo"
    decoded = raw.decode("utf-8-sig")
    assert not [secret for secret in SECRETS if secret in decoded]
    assert cases["elsewhere"].code not in decoded


def test_the_xlsx_export_has_the_same_rows_with_real_dates(client_for, cases):
    browser = client_for("xuly.saigon")
    response = browser.get(reverse("cases:export_xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    raw = content_of(browser.get(reverse("cases:export_xlsx")))
    rows, cells = xlsx_rows(response)
    assert list(rows[0]) == HEADERS
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {cases[name].code for name in ("feedback", "denunciation", "formula")}
    feedback = by_code[cases["feedback"].code]
    assert feedback[6].date() == timezone.localdate()
    assert feedback[7].date() == cases["feedback"].deadlines.get(stage="receive").due_on
    assert feedback[11] == 1
    received = next(row for row in cells[1:] if row[0].value == cases["feedback"].code)[6]
    assert received.number_format == "DD/MM/YYYY"
    formula = next(row for row in cells[1:] if row[0].value == cases["formula"].code)[9]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")
    # Nothing personal anywhere in the workbook, whatever part of the archive.
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert not [secret for secret in SECRETS if secret in text]
    assert cases["elsewhere"].code not in text


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_an_export_uses_the_queues_filters_and_is_audited(client_for, cases, name):
    browser = client_for("tiepnhan.saigon")
    query = "?kind=denunciation&sort=received&page=2"

    response = browser.get(reverse(f"cases:{name}") + query)

    assert response.status_code == 200
    rows = csv_rows(response) if name == "export_csv" else xlsx_rows(response)[0]
    assert {row[0] for row in rows[1:]} == queue_codes(browser, "?kind=denunciation")
    assert [row[0] for row in rows[1:]] == [cases["denunciation"].code]
    entry = AuditEntry.objects.get(action="case.export")
    assert entry.actor.username == "tiepnhan.saigon"
    assert entry.target_type == "cases.export" and entry.target_id == name.removeprefix("export_")
    assert entry.data == {
        "format": name.removeprefix("export_"),
        "filters": {"kind": "denunciation", "sort": "received"},
        "rows": 1,
    }


@pytest.mark.parametrize(
    "username, visible",
    [
        ("giamsat.mttq.saigon", {"feedback", "denunciation", "formula"}),  # follows the ward
        ("tiepnhan.benthanh", {"elsewhere"}),
    ],
)
def test_each_persona_exports_only_the_cases_it_may_see(client_for, cases, username, visible):
    rows = csv_rows(client_for(username).get(reverse("cases:export_csv")))
    assert {row[0] for row in rows[1:]} == {cases[name].code for name in visible}


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_an_administrator_or_a_citizen_may_not_export(client_for, cases, name):
    for username in ("quantri.saigon", "nguoidan.kim"):
        assert client_for(username).get(reverse(f"cases:{name}")).status_code == 403
    response = client_for(None).get(reverse(f"cases:{name}"))
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not AuditEntry.objects.filter(action="case.export").exists()


def test_an_export_over_the_limit_is_refused_with_a_reason(client_for, cases, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    browser = client_for("tiepnhan.saigon")
    response = browser.get(reverse("cases:export_csv") + "?status=open", follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:queue") + "?status=open"
    assert "Bộ lọc cho ra 3 vụ việc, quá giới hạn 2 vụ việc" in response.content.decode()
    assert browser.get(reverse("cases:export_csv") + "?kind=feedback").status_code == 200
    assert AuditEntry.objects.filter(action="case.export").count() == 1


def test_filters_that_do_not_validate_export_nothing(client_for, cases):
    browser = client_for("tiepnhan.saigon")
    response = browser.get(reverse("cases:export_xlsx") + "?status=no-such-status")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:queue") + "?status=no-such-status"
    assert not AuditEntry.objects.filter(action="case.export").exists()


def test_the_queues_link_sends_the_filters_on_screen(client_for, cases):
    """The queue is filtered in place; its export links send the filters as they are now and
    the browser then downloads the file by an ordinary request."""
    browser = client_for("tiepnhan.saigon")
    page = browser.get(reverse("cases:queue") + "?kind=feedback").content.decode()
    assert f'href="{reverse("cases:export_csv")}?kind=feedback"' in page
    assert f'href="{reverse("cases:export_xlsx")}?kind=feedback"' in page
    assert 'hx-include="form.filters"' in page and "Xuất CSV" in page and "Xuất Excel" in page

    response = browser.get(reverse("cases:export_csv") + "?kind=complaint", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("cases:export_csv") + "?kind=complaint"
    assert not AuditEntry.objects.filter(action="case.export").exists()


def test_the_export_reads_a_constant_number_of_queries(client_for, cases):
    browser = client_for("tiepnhan.saigon")
    browser.get(reverse("cases:export_csv"))  # warm the session and the translations

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            content_of(browser.get(reverse("cases:export_csv")))
        return len(queries)

    few = count()
    for number in range(5):
        submit(title=f"Cây xanh ngã số {number}")
    assert count() == few
    assert len(csv_rows(browser.get(reverse("cases:export_csv")))) == 1 + 3 + 5


def test_dates_are_day_first(client_for, cases):
    Case.objects.filter(pk=cases["feedback"].pk).update(
        received_at=timezone.make_aware(datetime(2026, 1, 2, 9, 30))
    )
    rows = csv_rows(client_for("tiepnhan.saigon").get(reverse("cases:export_csv")))
    row = next(row for row in rows if row[0] == cases["feedback"].code)
    assert row[6] == date(2026, 1, 2).strftime("%d/%m/%Y") == "02/01/2026"


def test_control_characters_pasted_into_a_title_do_not_break_the_export(client_for, demo):
    # Made through the action, past the forms' cleaning, as older or imported cases may be.
    pasted = submit(title="Cống\x0b tràn\x01 nước")
    formula = submit(title="\x01=SUM(A1:A9)")
    browser = client_for("tiepnhan.saigon")

    response = browser.get(reverse("cases:export_xlsx"))
    assert response.status_code == 200
    rows, _cells = xlsx_rows(response)
    titles = {row[0]: row[9] for row in rows[1:]}
    assert titles[pasted.code] == "Cống tràn nước"
    assert titles[formula.code] == "=SUM(A1:A9)"  # kept as text, not a formula

    by_code = {row[0]: row for row in csv_rows(browser.get(reverse("cases:export_csv")))[1:]}
    assert by_code[pasted.code][9] == "Cống tràn nước"
    assert by_code[formula.code][9] == "'=SUM(A1:A9)"
