"""Importing cases from a file: CSV, XLSX and JSONL, through `import_file`, the import_cases
command and the officers' page.

Good rows become cases through the same action as every channel; each bad row is reported
with its line and a Vietnamese reason and leaves nothing behind; a repeated row is skipped;
the same file is not imported twice. Personas from the Hồ Chí Minh City demo.
"""

import csv
import io
import json
from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils.datetime import to_excel

from nghedan.audit.models import AuditEntry
from nghedan.cases import import_views, imports
from nghedan.cases.imports import Outcome, import_file, import_rows
from nghedan.cases.models import Case, CaseDeadline, CaseEvent, SecretIdentity, Stage
from nghedan.lib.refusal import Refused
from nghedan.people.models import Organization, User

pytestmark = pytest.mark.django_db

SAI_GON = "26740"
HEADER = [
    "kind", "channel", "category", "title", "description", "address", "commune_code",
    "submitter_name", "submitter_phone", "submitter_email", "submitter_address",
    "people_count", "received_at",
]  # fmt: skip
DENOUNCER = {
    "submitter_name": "Trương Văn Bí Mật",
    "submitter_phone": "0912 345 678",
    "submitter_email": "bimat.truong@example.vn",
    "submitter_address": "18 Hẻm Kín, phường Sài Gòn",
}
SECRETS = list(DENOUNCER.values())


def officer(username: str = "tiepnhan.saigon") -> User:
    return User.objects.get(username=username)


def row(**values) -> dict:
    """A good feedback row, changed by `values`."""
    return {
        "kind": "feedback",
        "channel": "hotline",
        "category": "infrastructure",
        "title": "Đèn đường tắt cả tuần",
        "description": "Đèn đường trước số 20 Đồng Khởi tắt từ thứ hai.",
        "address": "20 Đồng Khởi, P. Bến Nghé, Q.1, TP.HCM",
        "commune_code": "",
        "submitter_name": "Lý Thị Kim",
        "submitter_phone": "0909123456",
        "submitter_email": "kim.ly@example.vn",
        "submitter_address": "12 Lê Lợi",
        "people_count": "",
        "received_at": "",
        **values,
    }


def csv_bytes(rows: list[dict], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    for values in rows:
        writer.writerow([values.get(name, "") for name in HEADER])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def outcomes(report) -> list[tuple[int, str]]:
    return [(result.line, result.outcome) for result in report.rows]


def reason(report, line: int) -> str:
    return next(result.reason for result in report.rows if result.line == line)


def created_cases(report) -> list[Case]:
    codes = [result.case_code for result in report.rows if result.outcome == Outcome.CREATED]
    return [Case.objects.get(code=code) for code in codes]


def assert_nothing_but(cases: list[Case]) -> None:
    """Nothing half-written: exactly these cases, each with its own events, deadlines and
    audit entry, and nothing else."""
    pks = sorted(case.pk for case in cases)
    assert sorted(Case.objects.values_list("pk", flat=True)) == pks
    assert sorted(set(CaseEvent.objects.values_list("case_id", flat=True))) == pks
    assert set(CaseDeadline.objects.values_list("case_id", flat=True)) <= set(pks)
    submitted = AuditEntry.objects.filter(action="case.submit").values_list("target_id", flat=True)
    assert sorted(int(pk) for pk in submitted) == pks


# CSV


def test_a_csv_file_brings_in_its_good_rows_and_reports_each_bad_one(demo):
    last_week = timezone.localdate() - timedelta(days=7)
    content = csv_bytes([
        row(),                                                           # 2
        row(category="thời tiết", title="Mưa to"),                       # 3
        row(address="Tân Định", title="Cây đổ"),                         # 4
        row(title=""),                                                   # 5
        row(kind="khiếu nại", title="Khiếu nại thu hồi đất", submitter_name=""),  # 6
        row(received_at="31/02/2026", title="Ngày sai"),                 # 7
        row(kind="khiếu nại", category="Đất đai, nhà ở", address="", commune_code=SAI_GON,
            title="Khiếu nại quyết định bồi thường", people_count="3",
            received_at=last_week.strftime("%d/%m/%Y")),                 # 8
        row(),                                                           # 9: same as line 2
        row(people_count="ba", title="Số người sai"),                    # 10
        row(submitter_email="không-phải-email", title="E-mail sai"),     # 11
        row(kind="ý kiến", title="Loại sai"),                            # 12
    ])  # fmt: skip

    report = import_file(officer(), content, filename="tong-dai-1022.csv")

    assert outcomes(report) == [
        (2, "created"), (3, "failed"), (4, "failed"), (5, "failed"), (6, "failed"),
        (7, "failed"), (8, "created"), (9, "duplicate"), (10, "failed"), (11, "failed"),
        (12, "failed"),
    ]  # fmt: skip
    assert (report.created, report.failed, report.duplicates) == (2, 8, 1)
    assert "Lĩnh vực (cột category) “thời tiết” không có trong danh mục" in reason(report, 3)
    assert "có thể thuộc nhiều xã, phường" in reason(report, 4)
    assert "Phường Tân Định, Thành phố Hồ Chí Minh (mã " in reason(report, 4)
    assert "commune_code" in reason(report, 4)
    assert "Thiếu tóm tắt (cột title)" in reason(report, 5)
    assert "phải ghi rõ họ tên và địa chỉ" in reason(report, 6)
    assert "“31/02/2026” không phải ngày hợp lệ" in reason(report, 7)
    assert "Trùng với dòng 2" in reason(report, 9)
    assert "số nguyên từ 1 trở lên (đang ghi “ba”)" in reason(report, 10)
    assert "E-mail người gửi (cột submitter_email) chưa đúng dạng" in reason(report, 11)
    assert "Loại (cột kind) “ý kiến” không hợp lệ" in reason(report, 12)

    feedback, complaint = created_cases(report)
    assert feedback.kind == "feedback" and feedback.channel == "hotline"
    assert feedback.commune.code == SAI_GON  # P. Bến Nghé, Q.1 is now phường Sài Gòn
    assert feedback.organization.code == "sai-gon-ubnd"
    assert feedback.address == "20 Đồng Khởi, P. Bến Nghé, Q.1, TP.HCM"
    assert feedback.submitter_email == "kim.ly@example.vn"
    assert timezone.localtime(feedback.received_at).date() == timezone.localdate()
    assert complaint.kind == "complaint" and complaint.category.code == "land_housing"
    assert complaint.people_count == 3 and complaint.address == ""
    # Received a week ago: the date, and the deadline to process it counts from that day.
    assert timezone.localtime(complaint.received_at).date() == last_week
    assert complaint.deadlines.get(stage=Stage.RECEIVE).starts_on == last_week
    assert AuditEntry.objects.filter(
        action="case.submit", target_id=str(complaint.pk), data__received_on=last_week.isoformat()
    ).exists()
    assert_nothing_but([feedback, complaint])


def test_a_semicolon_csv_with_a_byte_order_mark(demo):
    description = "Rác chất đống, bốc mùi; xe thu gom không đến."
    content = csv_bytes(
        [row(kind="Phản ánh", channel="Đường dây nóng", category="Môi trường, vệ sinh",
             description=description)],
        delimiter=";", bom=True,
    )  # fmt: skip
    assert content.startswith(b"\xef\xbb\xbfkind;channel;")

    report = import_file(officer(), content, filename="phan-anh.csv")

    assert outcomes(report) == [(2, "created")]
    (case,) = created_cases(report)
    assert case.description == description
    assert (case.kind, case.channel, case.category.code) == ("feedback", "hotline", "environment")


def test_line_numbers_are_those_of_the_file_when_a_cell_spans_lines(demo):
    content = csv_bytes([row(description="Dòng một\nDòng hai\nDòng ba"), row(title="")])
    report = import_file(officer(), content, filename="nhieu-dong.csv")
    assert outcomes(report) == [(2, "created"), (5, "failed")]
    assert created_cases(report)[0].description == "Dòng một\nDòng hai\nDòng ba"


# "Café" as older software writes it: Windows-1252, not UTF-8.
UTF8_CAFE, CP1252_CAFE = "Café".encode(), "Café".encode("cp1252")


def test_a_row_in_another_encoding_is_refused_alone_and_the_others_are_imported(demo):
    content = csv_bytes([row(), row(title="Quán Café lấn vỉa hè")])
    report = import_file(officer(), content.replace(UTF8_CAFE, CP1252_CAFE), filename="a.csv")
    assert outcomes(report) == [(2, "created"), (3, "failed")]
    assert report.rows[1].reason.startswith("Không phải văn bản UTF-8: dòng này có byte")
    assert Case.objects.count() == 1


def test_a_jsonl_line_in_another_encoding_is_refused_alone(demo):
    lines = [json.dumps(row(title=title), ensure_ascii=False) for title in ("Cống vỡ", "Café")]
    content = "\n".join(lines).encode().replace(UTF8_CAFE, CP1252_CAFE)
    report = import_file(officer(), content, filename="tron.jsonl")
    assert outcomes(report) == [(1, "created"), (2, "failed")]
    assert "UTF-8" in report.rows[1].reason
    assert Case.objects.count() == 1


def test_a_file_that_cannot_be_read_is_refused_whole(demo):
    cases = [
        (b"kind,title\nfeedback,x\n", "missing_columns", "thiếu cột: channel, category"),
        ("kind,channel\n".encode("utf-16"), "bad_encoding", "không phải văn bản UTF-8"),
        (csv_bytes([]), "empty_file", "không có dòng dữ liệu nào"),
        (b"PK\x03\x04 not really a workbook", "bad_file", "không phải tệp Excel .xlsx"),
    ]
    for content, code, message in cases:
        with pytest.raises(Refused) as refused:
            import_file(officer(), content, filename="")
        assert refused.value.code == code
        assert message in refused.value.message
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="case.import").exists()


def test_a_row_with_more_cells_than_the_header_is_reported(demo):
    extra = "feedback,hotline,other,Tiêu đề,Nội dung,Phường Sài Gòn,,,,,,1,,thừa\n"
    content = csv_bytes([row()]) + extra.encode()
    report = import_file(officer(), content, filename="thua-o.csv")
    assert outcomes(report) == [(2, "created"), (3, "failed")]
    assert "thiếu dấu ngoặc kép" in reason(report, 3)


# JSONL


def test_a_jsonl_file_reports_a_broken_line_by_its_number(demo):
    lines = [
        json.dumps(row(title="Nắp cống bị mất")),                        # 1
        "",                                                              # 2: blank, skipped
        '{"kind": "phản ánh", "title": "Thiếu dấu ngoặc"',               # 3
        json.dumps(["feedback", "hotline"]),                             # 4
        json.dumps({**row(kind="tố cáo", category="official_conduct", channel="letter",
                          title="Tố cáo cán bộ địa chính đòi tiền",
                          description="Cán bộ địa chính yêu cầu đưa tiền mới nhận hồ sơ.",
                          people_count=1), **DENOUNCER}, ensure_ascii=False),  # 5
        json.dumps({"kind": "feedback", "channel": "web", "title": "Thiếu nơi",
                    "category": "other", "description": "Không ghi nơi xảy ra."}),  # 6
    ]  # fmt: skip
    content = "\n".join(lines).encode()

    report = import_file(officer(), content, filename="tu-ung-dung.jsonl")

    assert outcomes(report) == [
        (1, "created"), (3, "failed"), (4, "failed"), (5, "created"), (6, "failed"),
    ]  # fmt: skip
    assert "Dòng này không phải JSON hợp lệ" in reason(report, 3)
    assert "Mỗi dòng phải là một đối tượng JSON" in reason(report, 4)
    assert "Thiếu nơi xảy ra" in reason(report, 6)
    feedback, denunciation = created_cases(report)
    assert feedback.title == "Nắp cống bị mất"
    # The denouncer's identity is sealed apart from the case, and in no reason.
    assert denunciation.kind == "denunciation" and denunciation.status == "received"
    assert (denunciation.submitter_name, denunciation.submitter_phone) == ("", "")
    assert SecretIdentity.objects.filter(case=denunciation).exists()
    printed = " ".join(result.reason for result in report.rows)
    assert not any(secret in printed for secret in SECRETS)
    assert_nothing_but([feedback, denunciation])


# XLSX


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tiếp dân"
    for values in rows:
        sheet.append(values)
    workbook.create_sheet("Ghi chú").append(["Trang này không được đọc"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_file_reads_its_first_sheet(demo):
    three_days_ago = datetime.combine(timezone.localdate() - timedelta(days=3), datetime.min.time())
    header = ["Kind", "Channel", "Category", "Title", "Description", "Commune code",
              "People count", "Received at", "Ghi chú nội bộ"]  # fmt: skip
    content = xlsx_bytes([
        header,                                                                     # 1
        ["kiến nghị", "voter_meeting", "Giáo dục", "Xin thêm lớp học buổi chiều",
         "Cử tri kiến nghị mở thêm lớp học hai buổi.", 26740, 12, three_days_ago, "x"],  # 2
        [],                                                                         # 3
        ["phản ánh", "reception", "Hạ tầng", "Nước sinh hoạt yếu", "Nước yếu về đêm.",
         26740, "ba", None, None],                                                  # 4
        ["phản ánh", "reception", "Hạ tầng", "Mã xã sai", "Mã xã không có.", 99999,
         1, None, None],                                                            # 5
        ["phản ánh", "reception", "Hạ tầng", "Ngày mai", "Ngày sau hôm nay.", 26740,
         1, (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y"), None],  # 6
    ])  # fmt: skip

    report = import_file(officer(), content, filename="tiep-xuc-cu-tri.xlsx")

    assert outcomes(report) == [(2, "created"), (4, "failed"), (5, "failed"), (6, "failed")]
    assert "đang ghi “ba”" in reason(report, 4)
    assert "Không có xã, phường nào mang mã “99999”" in reason(report, 5)
    assert "ở sau hôm nay" in reason(report, 6)
    assert report.warnings and "ghi_chú_nội_bộ" in report.warnings[0]
    (case,) = created_cases(report)
    assert (case.kind, case.channel, case.category.code) == (
        "recommendation", "voter_meeting", "education",
    )  # fmt: skip
    assert case.people_count == 12 and case.commune.code == SAI_GON
    assert timezone.localtime(case.received_at).date() == three_days_ago.date()
    assert_nothing_but([case])


# Importing the same file again


def test_the_same_file_is_not_imported_twice_unless_forced(demo):
    content = csv_bytes([row(), row(title="Vỉa hè bị lấn chiếm", category="urban_order")])
    first = import_file(officer(), content, filename="dot-1.csv")
    assert first.created == 2
    entry = AuditEntry.objects.get(action="case.import", target_id=first.checksum)
    assert entry.target_type == "cases.import" and entry.data["organization"] is None
    result = AuditEntry.objects.get(action="case.import_result", target_id=first.checksum)
    assert (result.data["created"], result.data["failed"], result.data["started"]) == (
        2, 0, entry.seq,
    )  # fmt: skip

    with pytest.raises(Refused) as refused:
        import_file(officer("xuly.saigon"), content, filename="dot-1-lan-2.csv")
    assert refused.value.code == "already_imported"
    assert "đã được nhập lúc" in refused.value.message
    assert "Lê Thị Hồng" in refused.value.message and "(2 vụ việc)" in refused.value.message
    assert Case.objects.count() == 2
    assert AuditEntry.objects.filter(action="case.import").count() == 1  # the refusal left none

    again = import_file(officer(), content, filename="dot-1.csv", force=True)
    assert again.created == 2 and Case.objects.count() == 4
    assert AuditEntry.objects.filter(action="case.import", data__forced=True).count() == 1


def test_a_file_that_brought_nothing_in_may_be_imported_again(demo):
    content = csv_bytes([row(category="không có")])
    assert import_file(officer(), content, filename="loi.csv").created == 0
    assert import_file(officer(), content, filename="loi.csv").failed == 1


def test_import_rows_takes_plain_rows_for_an_organization_the_officer_handles(demo):
    ward = Organization.objects.get(code="sai-gon-ubnd")
    report = import_rows(officer(), [row(), row(title="")], organization=ward)
    assert outcomes(report) == [(2, "created"), (3, "failed")]
    assert created_cases(report)[0].organization == ward

    elsewhere = Organization.objects.get(code="ben-thanh-ubnd")
    with pytest.raises(Refused) as refused:
        import_rows(officer(), [row()], organization=elsewhere)
    assert refused.value.code == "bad_organization"
    with pytest.raises(Refused) as refused:
        import_rows(officer("giamsat.mttq.saigon"), [row()])
    assert refused.value.code == "not_a_handler"
    assert Case.objects.count() == 1


# The command


def run_command(*arguments) -> tuple[int, str, str]:
    """The exit status `manage.py import_cases …` ends with (a CommandError's returncode),
    what it printed, and its error message."""
    out = io.StringIO()
    try:
        call_command("import_cases", *arguments, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    return 0, out.getvalue(), ""


def test_the_command_prints_each_row_and_fails_when_a_row_fails(demo, tmp_path):
    path = tmp_path / "thu-ban-doc.csv"
    path.write_bytes(csv_bytes([row(channel="letter"), row(title="", channel="letter")]))

    status, out, err = run_command(str(path), "--as", "tiepnhan.saigon")

    case = Case.objects.get()
    assert status == 1
    assert f"Dòng 2: Đã nhập · {case.code}" in out
    assert "Dòng 3: Lỗi · Thiếu tóm tắt (cột title)" in out
    assert "Tổng cộng 2 dòng: đã nhập 1, lỗi 1, trùng 0." in out
    assert "1 dòng chưa nhập được" in err

    status, out, err = run_command(str(path), "--as", "tiepnhan.saigon")
    assert status == 2 and "đã được nhập lúc" in err and Case.objects.count() == 1

    status, out, err = run_command(
        str(path), "--as", "tiepnhan.saigon", "--force", "--organization",
        "sai-gon-ubnd", "--format", "csv",
    )  # fmt: skip
    assert status == 1 and Case.objects.count() == 2


def test_the_command_exits_zero_when_every_row_is_imported(demo, tmp_path):
    path = tmp_path / "dot-2.jsonl"
    path.write_text(json.dumps(row(), ensure_ascii=False) + "\n", encoding="utf-8")
    status, out, err = run_command(str(path), "--as", "xuly.saigon")
    assert status == 0, err
    assert "đã nhập 1, lỗi 0" in out and Case.objects.count() == 1


def test_the_command_refuses_who_does_not_handle_cases(demo, tmp_path):
    path = tmp_path / "dot-3.csv"
    path.write_bytes(csv_bytes([row()]))
    for username in ("giamsat.mttq.saigon", "quantri.saigon"):
        status, out, err = run_command(str(path), "--as", username)
        assert status == 2 and "Chỉ cán bộ tiếp nhận, xử lý" in err
    status, out, err = run_command(
        str(path), "--as", "tiepnhan.saigon", "--organization", "ben-thanh-ubnd"
    )
    assert status == 2 and "Bạn không xử lý vụ việc của" in err
    status, out, err = run_command(str(path), "--as", "khong.co.ai")
    assert status == 2
    assert not Case.objects.exists()


# The page


def upload(content: bytes, name: str, **fields) -> dict:
    file = io.BytesIO(content)
    file.name = name
    return {"file": file, **fields}


def test_the_page_imports_a_file_and_shows_each_row(client_for):
    reception = client_for("tiepnhan.saigon")
    assert reception.get(reverse("cases:import")).status_code == 200
    content = csv_bytes([
        row(),
        row(kind="tố cáo", category="official_conduct", title="Tố cáo nhận tiền",
            description="Cán bộ nhận tiền khi làm hồ sơ.", **DENOUNCER),
        row(category="thời tiết"),
    ])  # fmt: skip

    response = reception.post(reverse("cases:import"), upload(content, "dot-4.csv"))

    assert response.status_code == 200
    page = response.content.decode()
    feedback, denunciation = Case.objects.order_by("pk")
    assert f'href="{reverse("cases:case", args=[feedback.pk])}">{feedback.code}</a>' in page
    assert denunciation.code in page
    assert "3 dòng: đã nhập 2, lỗi 1, trùng 0." in page
    assert "không có trong danh mục" in page
    assert not any(secret in page for secret in SECRETS)

    response = reception.post(reverse("cases:import"), upload(content, "dot-4.csv"))
    assert response.status_code == 409
    assert "đã được nhập lúc" in response.content.decode()
    assert 'name="force"' in response.content.decode()
    assert Case.objects.count() == 2

    response = reception.post(reverse("cases:import"), upload(content, "dot-4.csv", force="on"))
    assert response.status_code == 200 and Case.objects.count() == 4


def test_the_page_refuses_a_file_over_five_megabytes(client_for):
    reception = client_for("tiepnhan.saigon")
    just_over = csv_bytes([row()]).ljust(5 * 1024 * 1024 + 1, b"\n")
    response = reception.post(reverse("cases:import"), upload(just_over, "lon.csv"))
    assert response.status_code == 400
    assert "Tệp nặng 5.0 MB, vượt giới hạn 5 MB" in response.content.decode()
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="case.import").exists()


def test_the_page_takes_a_limited_number_of_rows(client_for, monkeypatch):
    monkeypatch.setattr(import_views, "MAX_PAGE_ROWS", 2)
    reception = client_for("tiepnhan.saigon")
    content = csv_bytes([row(title=f"Cây đổ số {number}") for number in range(3)])
    response = reception.post(reverse("cases:import"), upload(content, "ba-dong.csv"))
    assert response.status_code == 400
    assert "Tệp có 3 dòng dữ liệu, quá 2 dòng" in response.content.decode()
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="case.import").exists()


def test_the_page_reports_a_file_it_cannot_read(client_for):
    reception = client_for("xuly.saigon")
    response = reception.post(reverse("cases:import"), upload(b"title\nx\n", "sai.csv"))
    assert response.status_code == 400
    assert "thiếu cột" in response.content.decode()
    response = reception.post(reverse("cases:import"), {})
    assert response.status_code == 400 and "Hãy chọn tệp cần nhập." in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("username", ["giamsat.mttq.saigon", "quantri.saigon", "nguoidan.kim"])
def test_the_page_is_only_for_those_who_handle_cases(client_for, username):
    browser = client_for(username)
    assert browser.get(reverse("cases:import")).status_code == 403
    response = browser.post(reverse("cases:import"), upload(csv_bytes([row()]), "x.csv"))
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_the_page_asks_a_stranger_to_sign_in(client_for):
    response = client_for(None).get(reverse("cases:import"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_dates_are_read_day_first(demo):
    report = import_file(officer(), csv_bytes([row(received_at="02/01/2026")]), filename="d.csv")
    (case,) = created_cases(report)
    assert timezone.localtime(case.received_at).date() == date(2026, 1, 2)


# Values a spreadsheet changes: a count too big for the database, merged cells, numbers
# where text was meant


def test_a_people_count_over_the_limit_is_reported_on_its_row(demo):
    content = csv_bytes([
        row(title="Số người vừa đủ", people_count="100000"),               # 2
        row(title="Số quá lớn", people_count="99999999999999999999"),      # 3
        row(title="Số điện thoại ghi nhầm cột", people_count="0912345678"),  # 4
        row(title="Vượt một người", people_count="100001"),                # 5
        row(title="Hàng nghìn chữ số", people_count="9" * 5000),           # 6
        row(title="Đèn đường vẫn tắt"),                                    # 7
    ])  # fmt: skip

    report = import_file(officer(), content, filename="so-nguoi.csv")

    assert outcomes(report) == [
        (2, "created"), (3, "failed"), (4, "failed"), (5, "failed"), (6, "failed"),
        (7, "created"),
    ]  # fmt: skip
    for line in (3, 4, 5, 6):
        assert "cột people_count) nhiều nhất là 100000" in reason(report, line)
        assert "ghi nhầm số điện thoại" in reason(report, line)
    assert "0912345678" not in reason(report, 4)  # a phone is never repeated in a report
    counted, plain = created_cases(report)
    assert (counted.people_count, plain.people_count) == (100_000, 1)
    assert_nothing_but([counted, plain])


def test_a_row_the_database_refuses_is_reported_and_the_run_goes_on(demo, monkeypatch):
    # Past the row's own checks, as a value they do not foresee would be.
    monkeypatch.setattr(imports, "PEOPLE_COUNT_MAX", 10**30)
    content = csv_bytes([
        row(),
        row(title="Số quá lớn cho cơ sở dữ liệu", people_count="99999999999999999999"),
        row(title="Vỉa hè bị lấn chiếm", category="urban_order"),
    ])  # fmt: skip

    report = import_file(officer(), content, filename="loi-csdl.csv")

    assert outcomes(report) == [(2, "created"), (3, "failed"), (4, "created")]
    assert "Cơ sở dữ liệu không nhận dòng này" in reason(report, 3)
    assert_nothing_but(created_cases(report))
    result = AuditEntry.objects.get(action="case.import_result", target_id=report.checksum)
    assert (result.data["created"], result.data["failed"], result.data["interrupted"]) == (
        2, 1, False,
    )  # fmt: skip
    with pytest.raises(Refused) as refused:
        import_file(officer(), content, filename="loi-csdl.csv")
    assert "(2 vụ việc)" in refused.value.message  # known as imported, not as interrupted


def test_a_fault_on_one_row_leaves_the_others_imported(demo, monkeypatch):
    submit_case = imports.do_submit_case

    def failing_on_one(actor, **arguments):
        if arguments["title"] == "Dòng gặp lỗi":
            raise RuntimeError("a fault of ours")
        return submit_case(actor, **arguments)

    monkeypatch.setattr(imports, "do_submit_case", failing_on_one)
    content = csv_bytes([row(), row(title="Dòng gặp lỗi"), row(title="Cây đổ chắn đường")])
    report = import_file(officer(), content, filename="loi-he-thong.csv")
    assert outcomes(report) == [(2, "created"), (3, "failed"), (4, "created")]
    assert "Lỗi hệ thống khi nhập dòng này" in reason(report, 3)
    assert_nothing_but(created_cases(report))


def xlsx_sheet_bytes(build) -> bytes:
    """An XLSX whose first sheet `build` fills."""
    workbook = Workbook()
    build(workbook.active)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_HEADER = ["kind", "channel", "category", "title", "description", "commune_code",
               "submitter_name", "submitter_phone", "received_at"]  # fmt: skip


def xlsx_row(title: str, **values) -> list:
    cells = {"kind": "phản ánh", "channel": "reception", "category": "Hạ tầng", "title": title,
             "description": f"{title}, người dân nêu tại buổi tiếp.", "commune_code": SAI_GON,
             "submitter_name": "Lý Thị Kim", "submitter_phone": "0909123456",
             "received_at": None, **values}  # fmt: skip
    return [cells[name] for name in XLSX_HEADER]


def test_a_merged_cell_is_read_in_every_row_of_its_range(demo):
    def build(sheet):
        sheet.append(XLSX_HEADER)
        sheet.append(xlsx_row("Nắp cống bị mất", category="Môi trường, vệ sinh"))  # 2
        sheet.append(xlsx_row("Rác chất đống", kind=None, category=None))  # 3
        sheet.append(xlsx_row("Nước thải tràn", kind=None, category=None))  # 4
        sheet.append(xlsx_row("Không có lĩnh vực", category=None))  # 5
        sheet.merge_cells("A2:A4")
        sheet.merge_cells("C2:C4")

    report = import_file(officer(), xlsx_sheet_bytes(build), filename="o-gop.xlsx")

    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "created"), (5, "failed")]
    assert "Thiếu lĩnh vực (cột category)" in reason(report, 5)  # below the range: not filled
    cases = created_cases(report)
    assert {(case.kind, case.category.code) for case in cases} == {("feedback", "environment")}


def test_a_phone_kept_as_a_number_gets_back_its_leading_zero(demo):
    phones = {
        "Điện thoại di động": 909123456,
        "Điện thoại số thực": 912345678.0,
        "Điện thoại bàn": 2838221234,
        "Số có mã nước": 84909123456,
        "Điện thoại dạng chữ": "0987654321",
    }

    def build(sheet):
        sheet.append(XLSX_HEADER)
        for title, phone in phones.items():
            sheet.append(xlsx_row(title, submitter_phone=phone))

    report = import_file(officer(), xlsx_sheet_bytes(build), filename="dien-thoai.xlsx")

    assert report.created == len(phones)
    assert {case.title: case.submitter_phone for case in created_cases(report)} == {
        "Điện thoại di động": "0909123456",
        "Điện thoại số thực": "0912345678",
        "Điện thoại bàn": "02838221234",
        "Số có mã nước": "84909123456",
        "Điện thoại dạng chữ": "0987654321",
    }


def test_a_date_as_an_excel_day_number_or_with_a_time_is_read(demo):
    last_week = timezone.localdate() - timedelta(days=7)
    serial = int(to_excel(last_week))
    written = last_week.strftime("%d/%m/%Y")
    dates = [
        serial,  # 2: a date cell that lost its format
        serial + 0.35,  # 3: with a time of day
        str(serial),  # 4: the same, saved as text
        f"{written} 08:30",  # 5
        f"{last_week.isoformat()} 08:30:15",  # 6
        f"{written} 25:00",  # 7: no such time
        "hôm qua",  # 8
    ]

    def build(sheet):
        sheet.append(XLSX_HEADER)
        for number, day in enumerate(dates):
            sheet.append(xlsx_row(f"Đèn đường tắt, lần {number}", received_at=day))

    report = import_file(officer(), xlsx_sheet_bytes(build), filename="ngay.xlsx")

    assert outcomes(report) == [
        (2, "created"), (3, "created"), (4, "created"), (5, "created"), (6, "created"),
        (7, "failed"), (8, "failed"),
    ]  # fmt: skip
    for case in created_cases(report):
        assert timezone.localtime(case.received_at).date() == last_week
    assert f"“{written} 25:00” không phải ngày hợp lệ" in reason(report, 7)
    for line in (7, 8):
        assert "ví dụ 05/03/2026 hoặc 05/03/2026 08:30" in reason(report, line)
        assert "năm-tháng-ngày (2026-03-05)" in reason(report, line)


# The same limit on the officers' forms


def test_officer_forms_refuse_a_people_count_over_the_limit(client_for):
    reception = client_for("tiepnhan.saigon")
    intake = {
        "channel": "hotline", "kind": "feedback", "category": "infrastructure",
        "title": "Đèn đường tắt cả tuần", "description": "Đèn đường trước số 20 Đồng Khởi tắt.",
        "address": "20 Đồng Khởi, P. Bến Nghé, Q.1, TP.HCM", "commune": "", "organization": "",
        "submitter_name": "Trần Văn Gọi",
        "submitter_phone": "0912345678", "submitter_email": "", "submitter_address": "",
        "people_count": "99999999999999999999", "first_instance_code": "",
    }  # fmt: skip
    response = reception.post(reverse("cases:intake"), intake)
    assert response.status_code == 400
    assert "Số người cùng nêu nhiều nhất là 100000" in response.content.decode()
    assert not Case.objects.exists()
    assert (
        reception.post(reverse("cases:intake"), {**intake, "people_count": "100000"}).status_code
        == 302
    )

    case = Case.objects.get()
    classify = {"kind": case.kind, "category": case.category_id, "condition": case.condition,
                "people_count": "99999999999999999999", "reason": ""}  # fmt: skip
    handler = client_for("xuly.saigon")
    response = handler.post(reverse("cases:case_classify", args=[case.pk]), classify)
    assert response.status_code == 400
    assert "Số người cùng nêu nhiều nhất là 100000" in response.content.decode()
    case.refresh_from_db()
    assert case.people_count == 100_000


def test_a_broken_escape_in_a_jsonl_line_is_refused_alone(demo):
    """JSON may spell half of an emoji ("\\ud83d" without its other half): no database can
    store it, so its row fails and the others are imported."""
    lines = [json.dumps(row(title=title)) for title in ("Cống vỡ", "Ngập \ud83d nặng")]
    report = import_file(officer(), "\n".join(lines).encode(), filename="nua-emoji.jsonl")
    assert outcomes(report) == [(1, "created"), (2, "failed")]
    assert report.rows[1].reason.startswith(
        "Cột title có mã \\ud83d ở ký tự thứ 6: đó là nửa của một cặp mã UTF-16"
    )
    assert Case.objects.count() == 1


def test_control_characters_pasted_into_a_cell_are_dropped_as_on_the_form(demo):
    content = csv_bytes([row(title="Cống\x00 vỡ\x1b", description="Nước\x07 tràn\r\nra đường")])
    report = import_file(officer(), content, filename="ky-tu-dieu-khien.csv")
    assert outcomes(report) == [(2, "created")]
    case = created_cases(report)[0]
    assert (case.title, case.description) == ("Cống vỡ", "Nước tràn\nra đường")


@pytest.fixture
def csv_default_cell_limit():
    """The csv module's limit as a fresh process has it (another import may have raised it)."""
    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


def test_a_cell_longer_than_the_csv_default_does_not_stop_the_file(demo, csv_default_cell_limit):
    """It is read whole, and its row fails on the description's limit, as the API's would."""
    letter = "Thư trình bày dài của bà con khu phố về việc ngập nước. " * 3_000  # 171,000 chars
    content = csv_bytes([row(), row(title="Thư dài", description=letter), row(title="Cống vỡ")])
    report = import_file(officer(), content, filename="thu-dai.csv")
    assert outcomes(report) == [(2, "created"), (3, "failed"), (4, "created")]
    assert reason(report, 3) == (
        f"Cột description dài tối đa 10000 ký tự (đang có {len(letter.strip())})."
    )


def test_a_description_of_four_typed_pages_is_imported(demo):
    content = csv_bytes([row(description="x" * 10_000), row(description="x" * 10_001)])
    report = import_file(officer(), content, filename="bon-trang.csv")
    assert outcomes(report) == [(2, "created"), (3, "failed")]


def test_a_jsonl_value_may_hold_a_line_separator_character(demo):
    """JSON lets U+2028 and U+0085 stand in a string as they are: they do not end the line."""
    description = "Nước ngập\u2028cả hẻm\u0085từ sáng."
    lines = [json.dumps(row(description=description), ensure_ascii=False), json.dumps(row())]
    report = import_file(officer(), "\r\n".join(lines).encode(), filename="dong.jsonl")
    assert outcomes(report) == [(1, "created"), (2, "created")]
    assert created_cases(report)[0].description.startswith("Nước ngập\u2028cả hẻm")


def test_a_jsonl_value_that_is_a_list_or_an_object_fails_its_row(demo):
    lines = [json.dumps(row(title=["Cống", "vỡ"])), json.dumps(row(address={"ward": "Sài Gòn"})),
             json.dumps(row())]  # fmt: skip
    report = import_file(officer(), "\n".join(lines).encode(), filename="kieu-sai.jsonl")
    assert outcomes(report) == [(1, "failed"), (2, "failed"), (3, "created")]
    assert report.rows[0].reason == (
        "Cột title phải là chữ hoặc số, không phải danh sách hay đối tượng JSON."
    )
    assert "Cột address" in report.rows[1].reason
