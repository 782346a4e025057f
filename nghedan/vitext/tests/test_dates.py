"""Dates in prose: days, months, quarters, years; never phone numbers or case codes."""

import pytest

from nghedan.vitext.dates import find_dates


def fields(text: str) -> list[tuple]:
    return [(d.text, d.day, d.month, d.quarter, d.year) for d in find_dates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày 15/3/2024, hội nghị khai mạc.", ("Ngày 15/3/2024", 15, 3, None, 2024)),
        ("Hạn chót 15-3-2024.", ("15-3-2024", 15, 3, None, 2024)),
        ("Bản án ngày 20.10.2023 của tòa.", ("ngày 20.10.2023", 20, 10, None, 2023)),
        (
            "Hà Nội, ngày 15 tháng 3 năm 2024",
            ("ngày 15 tháng 3 năm 2024", 15, 3, None, 2024),
        ),
        ("Trong tháng 3/2024 đã xử lý", ("tháng 3/2024", None, 3, None, 2024)),
        ("Từ tháng 3 năm 2024 trở đi", ("tháng 3 năm 2024", None, 3, None, 2024)),
        ("Kết quả năm 2023 rất khả quan.", ("năm 2023", None, None, None, 2023)),
        ("Số liệu quý IV/2023 cho thấy", ("quý IV/2023", None, None, 4, 2023)),
        ("Trong quý 4 năm 2023,", ("quý 4 năm 2023", None, None, 4, 2023)),
        ("Quý I vừa qua", ("Quý I", None, None, 1, None)),
        ("6 tháng đầu năm 2024 tăng", ("6 tháng đầu năm 2024", None, None, None, 2024)),
        ("Chiều 12-11, đoàn đến thăm.", ("Chiều 12-11", 12, 11, None, None)),
        ("ngay 1/5/2023 va nam 2022", ("ngay 1/5/2023", 1, 5, None, 2023)),
    ],
)
def test_each_form_gives_its_fields(text, expected):
    assert fields(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Gọi 0903.123.456 hoặc 028-3829-1234 để phản ánh.",
        "Theo Quyết định 12/2024/QĐ-UBND của Thành phố.",
        "Bản án số 15/2023/HS-ST đã có hiệu lực.",
        "Trận đấu kết thúc với tỉ số 2-1; 3/4 số hộ đồng ý.",
        "Hẹn ngày 31/2/2024 là không có thật; tháng 13/2024 cũng vậy.",
        "năm 20233 và năm 1200",
    ],
)
def test_numbers_that_are_not_dates(text):
    assert find_dates(text) == ()


def test_spans_index_into_the_text():
    text = "Báo cáo quý IV/2023 và năm 2024."
    assert [text[d.span.start : d.span.end] for d in find_dates(text)] == [
        "quý IV/2023",
        "năm 2024",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\x00", "😀😀"])
def test_odd_input(text):
    assert find_dates(text) == ()
