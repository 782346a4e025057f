"""Abbreviated units written in lower case in running text ("p.5 q.3", "q1", "p.Bến Nghé"),
and letter-number codes that are not places: car models and quarters of the year."""

import pytest

from nghedan.vitext.normalize import normalize
from nghedan.vitext.places import find_places

SAI_GON = "26740"
HCMC = "79"


def places_in(text: str) -> list:
    return list(find_places(normalize(text)))


def only(text: str):
    places = places_in(text)
    assert len(places) == 1, places
    return places[0]


@pytest.mark.parametrize(
    "text",
    [
        "Nhà tôi ở p.5 q.3 bị ngập mỗi khi mưa.",
        "nha toi o p.5 q.3 cu mua la ngap",
        "Nhà tôi ở p5, q3 bị ngập.",
    ],
)
def test_an_old_numbered_ward_and_district_in_lower_case(text):
    place = only(text)
    assert (place.status, place.commune_name, place.legacy_name) == (
        "found",
        "Phường Bàn Cờ",
        "Phường 5",
    )


@pytest.mark.parametrize(
    ("text", "written", "legacy_name"),
    [
        ("Đường ở q1 ngập nặng sau mưa.", "q1", "Quận 1"),
        ("duong o q1 ngap qua", "q1", "Quận 1"),
        ("Ngập ở q.10 sau cơn mưa chiều.", "q.10", "Quận 10"),
        ("Bên kia Q8 nước lên cao.", "Q8", "Quận 8"),
    ],
)
def test_an_old_district_in_lower_case(text, written, legacy_name):
    place = only(text)
    assert (place.text, place.level, place.legacy_name) == (written, "district", legacy_name)
    assert place.province_code == HCMC


@pytest.mark.parametrize(
    ("text", "commune_name", "legacy_name"),
    [
        ("Người dân p.Bến Nghé, q.1 phản ánh ngập.", "Phường Sài Gòn", "Phường Bến Nghé"),
        ("Chiều nay UBND p.Sài Gòn tiếp dân.", "Phường Sài Gòn", ""),
        ("Kẹt xe kéo dài ở p. Thủ Đức.", "Phường Thủ Đức", ""),
        ("nha o p.Ben Thanh q1 bi ngap", "Phường Bến Thành", "Phường Bến Thành"),
    ],
)
def test_p_dot_before_a_capitalized_name_old_or_new(text, commune_name, legacy_name):
    place = only(text)
    assert (place.status, place.commune_name, place.legacy_name) == (
        "found",
        commune_name,
        legacy_name,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Xem p.5 của tài liệu đính kèm.",
        "Nhà ở p5 nhưng không nhớ quận nào.",
        "p.s. mai gặp lại nhé",
        "Hẹn nhau lúc 3 giờ p. chiều",
        "Doanh thu q1/2025 tăng mạnh.",
        "Lợi nhuận Q2 năm nay giảm.",
        "Kết quả kinh doanh Q3 2024 khả quan.",
        "Tôi vừa mua chiếc Audi Q5 màu trắng.",
        "xe audi q5 chay em lam",
        "Xe Mazda CX5 bản mới ra mắt.",
        "BMW X5 đời mới tiết kiệm xăng hơn.",
    ],
)
def test_codes_that_are_not_places(text):
    assert places_in(text) == []


def test_a_car_model_and_a_district_in_one_sentence():
    text = normalize("Chiếc Audi Q5 đậu ở Q5 cả ngày.")
    place = only(text)
    assert (place.text, place.legacy_name) == ("Q5", "Quận 5")
    assert place.span.start == text.index("ở Q5") + 2


def test_a_dot_after_q_keeps_the_district_before_a_year():
    place = only("Năm 2020, chợ ở Q.1 năm 2020 đã được sửa.")
    assert (place.text, place.legacy_name) == ("Q.1", "Quận 1")
