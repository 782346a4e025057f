"""Importing texts from each format: good items stored once, bad ones reported with their line
and a reason, files that cannot be read refused whole with nothing stored."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nghedan.audit.models import AuditEntry
from nghedan.insight.models import ImportBatch, Text
from nghedan.insight.tests.helpers import (
    ATOM_FILE,
    CSV_FILE,
    JSONL_FILE,
    NEWS_FILE,
    RSS_FILE,
    import_content,
)
from nghedan.lib.refusal import Refused

pytestmark = pytest.mark.django_db


def outcomes(batch: ImportBatch) -> dict[int, tuple[str, str]]:
    return {row["line"]: (row["outcome"], row["reason"]) for row in batch.report}


def test_a_news_file_gives_its_month_body_and_author():
    batch = import_content(NEWS_FILE, "news", source_name="Báo mẫu")
    text = Text.objects.get()
    assert (batch.imported_count, batch.refused_count) == (1, 0)
    assert text.published_on == date(2023, 5, 1)
    assert text.published_label == "05/2023"
    assert text.author == "Nguyễn Văn An"
    assert text.title == "Phường Sài Gòn ra quân chỉnh trang vỉa hè"
    assert "NGUYỄN VĂN AN" not in text.body and "date 2023" not in text.body
    assert text.body.endswith("Người dân đồng tình với việc làm này.")
    assert text.source_name == "Báo mẫu"
    assert text.batch == batch


def test_a_news_file_without_its_date_line_is_refused_with_the_reason():
    batch = import_content("Tin không có ngày\nNội dung\nTÁC GIẢ\n", "news")
    assert batch.refused_count == 1
    assert "date YYYY-MM" in batch.report[0]["reason"]
    assert not Text.objects.exists()


def test_a_news_file_without_an_author_line_is_imported_with_a_note():
    batch = import_content("date 2024-01\nMột bản tin ngắn không ký tên.\n", "news")
    assert batch.imported_count == 1
    assert Text.objects.get().author == ""
    assert "tác giả" in batch.report[0]["reason"]


def test_a_directory_of_news_files_reports_each_file(tmp_path):
    (tmp_path / "a.txt").write_text(NEWS_FILE, encoding="utf-8")
    (tmp_path / "b.txt").write_text("không có dòng ngày\nNỘI DUNG\n", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe\x00binary")
    (tmp_path / "ghi-chu.md").write_text("bỏ qua", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_texts", str(tmp_path), "--source", "Báo mẫu", stdout=out)
    assert refused.value.returncode == 1
    batch = ImportBatch.objects.get()
    assert [(row["file"], row["outcome"]) for row in batch.report] == [
        ("a.txt", "imported"), ("b.txt", "refused"), ("c.txt", "refused"),
    ]  # fmt: skip
    assert "UTF-8" in batch.report[2]["reason"]
    assert "a.txt: Đã nhập" in out.getvalue()
    assert Text.objects.count() == 1


def test_jsonl_bad_lines_are_reported_by_line_and_the_rest_imported():
    batch = import_content(JSONL_FILE, "jsonl")
    result = outcomes(batch)
    assert result[1][0] == "imported" and result[2][0] == "imported"
    assert result[3][0] == "refused" and "JSON" in result[3][1]
    assert result[4] == ("refused", "Thiếu nội dung: trường “text” trống hoặc không có.")
    assert result[5][0] == "refused" and "31/02/2024" in result[5][1]
    # Line 6 is blank; line 7 repeats line 1's body.
    assert 6 not in result and result[7][0] == "duplicate"
    assert batch.report[-1]["text_id"] == batch.report[0]["text_id"]
    assert (batch.imported_count, batch.duplicate_count, batch.refused_count) == (2, 1, 3)
    flood = Text.objects.get(title="Ngập ở Lê Lợi")
    assert (flood.published_on, flood.author, flood.url) == (
        date(2024, 9, 12), "Trần Bình", "https://example.vn/a1",
    )  # fmt: skip
    assert Text.objects.get(kind=Text.Kind.COMMENT).body == "Bình luận: cần nạo vét cống ngay."


def test_the_same_text_imported_twice_is_stored_once():
    first = import_content(JSONL_FILE, "jsonl")
    again = import_content(JSONL_FILE.replace("ngập sâu", "NGẬP   SÂU"), "jsonl")
    assert Text.objects.count() == 2
    assert (again.imported_count, again.duplicate_count) == (0, 3)
    assert outcomes(again)[1] == ("duplicate", "")
    assert again.report[0]["text_id"] == first.report[0]["text_id"]


def test_csv_with_a_byte_order_mark_and_bad_lines():
    batch = import_content(CSV_FILE, "csv", kind="news")
    result = outcomes(batch)
    assert result[2][0] == "imported"
    assert result[3][0] == "refused"
    assert result[4][0] == "imported"
    assert result[5][0] == "refused" and "thư tay" in result[5][1]
    lamp = Text.objects.get(title="Đèn hẻm")
    assert (lamp.kind, lamp.published_on, lamp.author) == (
        Text.Kind.GRASSROOTS, date(2024, 3, 5), "Tổ dân phố 3",
    )  # fmt: skip
    rubbish = Text.objects.get(title="Rác")
    assert rubbish.published_precision == Text.Precision.MONTH


def test_csv_without_a_text_column_is_refused_whole():
    with pytest.raises(Refused) as refused:
        import_content("title,date\nA,2024-01-01\n", "csv")
    assert refused.value.code == "missing_columns"
    assert not ImportBatch.objects.exists()


def test_rss_items_are_imported_and_bad_items_reported_by_number():
    batch = import_content(RSS_FILE, "rss", source_name="Báo mẫu")
    result = outcomes(batch)
    assert result[1][0] == "imported"
    assert result[2][0] == "refused"
    assert result[3][0] == "refused" and "http" in result[3][1]
    bridge = Text.objects.get()
    assert bridge.body == "Cầu mới nối hai bờ kênh đã thông xe."
    assert (bridge.title, bridge.author, bridge.url, bridge.published_on) == (
        "Khánh thành cầu mới", "Lê Hoa", "https://example.vn/cau", date(2024, 3, 5),
    )  # fmt: skip


def test_atom_entries_are_imported_with_the_local_date():
    import_content(ATOM_FILE, "rss")
    meeting = Text.objects.get()
    # 20:30 UTC on 1 June is 2 June in Hồ Chí Minh City.
    assert meeting.published_on == date(2024, 6, 2)
    assert (meeting.author, meeting.url) == ("Phạm Thu", "https://example.vn/doi-thoai")


def test_xml_that_declares_entities_is_refused_unread():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;">]><rss><channel><item><description>&b;</description>'
        "</item></channel></rss>"
    )
    with pytest.raises(Refused) as refused:
        import_content(bomb, "rss")
    assert refused.value.code == "unsafe_xml"
    assert not Text.objects.exists()


@pytest.mark.parametrize(
    ("content", "fmt", "code"),
    [
        (b"\xff\xfe\x00\x01garbage", "jsonl", "bad_encoding"),
        (b"<rss><channel><item>", "rss", "bad_xml"),
        (b"<html><body>hi</body></html>", "rss", "not_a_feed"),
        (b"", "jsonl", "empty_file"),
    ],
)
def test_unreadable_files_are_refused_with_nothing_stored(content, fmt, code):
    with pytest.raises(Refused) as refused:
        import_content(content, fmt)
    assert refused.value.code == code
    assert refused.value.message
    assert not ImportBatch.objects.exists()


def test_a_text_over_the_length_limit_is_refused_and_the_others_kept(settings):
    from nghedan.insight import imports

    long_line = '{"text": "%s"}' % ("a" * (imports.MAX_TEXT_CHARS + 1))
    batch = import_content(long_line + '\n{"text": "Ngắn thôi."}', "jsonl")
    assert outcomes(batch)[1][0] == "refused" and "vượt giới hạn" in outcomes(batch)[1][1]
    assert batch.imported_count == 1


def test_control_characters_are_removed_before_storing():
    import_content('{"text": "Dòng\\u0000 có ký tự lạ\\u0007."}', "jsonl")
    assert Text.objects.get().body == "Dòng có ký tự lạ."


def test_an_import_is_audited_once_with_its_counts():
    batch = import_content(JSONL_FILE, "jsonl")
    entry = AuditEntry.objects.get(action="insight.import")
    assert entry.target_id == str(batch.pk)
    assert (entry.data["imported"], entry.data["duplicates"], entry.data["refused"]) == (2, 1, 3)


def test_the_command_refuses_a_missing_file_and_an_unknown_user(tmp_path):
    with pytest.raises(CommandError) as missing:
        call_command("import_texts", str(tmp_path / "khong-co.jsonl"), stdout=StringIO())
    assert missing.value.returncode == 2
    good = tmp_path / "tot.jsonl"
    good.write_text('{"text": "Một văn bản."}', encoding="utf-8")
    with pytest.raises(CommandError) as unknown:
        call_command("import_texts", str(good), "--as", "khong.ai", stdout=StringIO())
    assert unknown.value.returncode == 2
    assert not Text.objects.exists()


def test_the_command_imports_with_kind_and_format(tmp_path):
    path = tmp_path / "binh-luan.data"
    path.write_text('{"text": "Ý kiến thứ nhất."}\n{"text": "Ý kiến thứ hai."}', encoding="utf-8")
    out = StringIO()
    call_command("import_texts", str(path), "--format", "jsonl", "--kind", "comment", stdout=out)
    assert Text.objects.filter(kind=Text.Kind.COMMENT).count() == 2
    assert "đã nhập 2" in out.getvalue()


def test_a_lone_surrogate_refuses_only_its_line_and_the_import_finishes(
    django_capture_on_commit_callbacks,
):
    lines = ['{"text": "Dòng một."}', '{"text": "\\ud800 x"}', '{"text": "Dòng ba."}']
    with django_capture_on_commit_callbacks() as queued:
        batch = import_content("\n".join(lines), "jsonl")
    result = outcomes(batch)
    assert result[2][0] == "refused" and "\\ud800" in result[2][1]
    assert (result[1][0], result[3][0]) == ("imported", "imported")
    assert batch.finished_at is not None and batch.imported_count == 2
    assert AuditEntry.objects.filter(action="insight.import", target_id=str(batch.pk)).exists()
    assert len(queued) == 1  # the annotation of the two stored texts


def test_jsonl_lines_end_only_at_newlines():
    lines = [
        '{"text": "Đoạn một\u2028đoạn hai."}',
        '{"text": "Ký tự\u0085 NEL."}\r',
        '{"text": "Dòng ba."}',
        "{hỏng",
    ]
    batch = import_content("\n".join(lines), "jsonl")
    result = outcomes(batch)
    assert [result[n][0] for n in (1, 2, 3)] == ["imported"] * 3
    assert result[4][0] == "refused"
    assert Text.objects.filter(body="Đoạn một\u2028đoạn hai.").exists()


def test_a_jsonl_line_not_in_utf8_is_refused_alone_with_its_line(tmp_path):
    lines = [f'{{"text": "Văn bản số {n}."}}'.encode() for n in range(1, 1001)]
    lines[700] = b'{"text": "' + "Trích dẫn ".encode() + b'\x93la\x94 o dong 701."}'
    path = tmp_path / "nhieu-dong.jsonl"
    path.write_bytes(b"\n".join(lines))
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_texts", str(path), stdout=out)
    assert refused.value.returncode == 1
    assert "dòng 701: Bị từ chối · Không phải văn bản UTF-8" in out.getvalue()
    batch = ImportBatch.objects.get()
    assert (batch.imported_count, batch.refused_count) == (999, 1)


def test_a_csv_row_not_in_utf8_is_refused_by_its_line():
    content = "text,title\nMột,A\n".encode() + b"Hai \x92,B\n" + b"Ba,C\n"
    batch = import_content(content, "csv")
    result = outcomes(batch)
    assert result[3][0] == "refused" and "UTF-8" in result[3][1]
    assert (result[2][0], result[4][0]) == ("imported", "imported")


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ('{"text": "Café crème"}\n{"text": "Là où il fait beau"}'.encode("cp1252"), "jsonl"),
        ("text,title\nCafé crème,A\nLà où,B\n".encode("cp1252"), "csv"),
        ('{"text": "Ngập ở phường Sài Gòn"}\n{"text": "Cầu"}'.encode("utf-16-le"), "jsonl"),
    ],
)
def test_a_file_wholly_in_another_encoding_is_refused_naming_the_line(content, fmt):
    with pytest.raises(Refused) as refused:
        import_content(content, fmt)
    assert refused.value.code == "bad_encoding"
    assert "UTF-8" in refused.value.message and "dòng" in refused.value.message
    assert "byte" not in refused.value.message.split("(")[1].split(")")[0]
    assert not ImportBatch.objects.exists()


def test_csv_cells_longer_than_pythons_default_limit_are_read():
    from nghedan.insight import imports

    long_text = "Ngập " * 40_000  # 200,000 characters, over csv's default 131,072
    too_long = "a" * (imports.MAX_TEXT_CHARS + 1)
    content = f'text,title\n"{long_text}",Dài\n{too_long},Quá dài\nNgắn,Ngắn\n'
    batch = import_content(content, "csv")
    result = outcomes(batch)
    assert result[2][0] == "imported"
    assert result[3][0] == "refused" and "vượt giới hạn" in result[3][1]
    assert result[4][0] == "imported"
    assert len(Text.objects.get(title="Dài").body) == len(long_text.strip())


def test_an_unclosed_quote_in_csv_is_reported_where_it_opens():
    batch = import_content('text,title\nđầu,T1\n"unterminated,T2\nok,T3\n', "csv")
    result = outcomes(batch)
    assert result[2][0] == "imported"
    assert result[3][0] == "refused" and "dòng 3" in result[3][1]
    assert "ngoặc kép" in result[3][1]
    assert (batch.imported_count, batch.refused_count) == (1, 1)
    assert not Text.objects.filter(title="T3").exists()


def test_a_stray_quote_within_one_csv_line_is_read_as_spreadsheets_do():
    batch = import_content('text,title\n"Tin" nóng,T1\nok,T2\n', "csv")
    assert batch.imported_count == 2
    assert Text.objects.get(title="T1").body == "Tin nóng"


def test_a_directory_reports_a_broken_link_and_a_folder_named_txt(tmp_path):
    (tmp_path / "a.txt").write_text(NEWS_FILE, encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "khong-co.txt")
    (tmp_path / "c.txt").mkdir()
    with pytest.raises(CommandError) as refused:
        call_command("import_texts", str(tmp_path), stdout=StringIO())
    assert refused.value.returncode == 1
    batch = ImportBatch.objects.get()
    assert [(row["file"], row["outcome"]) for row in batch.report] == [
        ("a.txt", "imported"), ("b.txt", "refused"), ("c.txt", "refused"),
    ]  # fmt: skip
    assert "Không đọc được tệp" in batch.report[1]["reason"]
    assert "thư mục" in batch.report[2]["reason"]
    assert batch.finished_at is not None and Text.objects.count() == 1


def test_a_json_error_is_told_in_vietnamese_with_its_line_and_column():
    batch = import_content('{"text": "Một."}\n{"text": "Hai" "title": "x"}', "jsonl")
    reason = outcomes(batch)[2][1]
    assert reason.startswith("Không đọc được JSON ở dòng 2, cột 16:")
    assert "Expecting" not in reason and "delimiter" not in reason
