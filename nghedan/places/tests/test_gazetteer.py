"""The gazetteer: free-text addresses, old or new, to today's commune; ambiguity is reported."""

import pytest

from nghedan.places.gazetteer import AMBIGUOUS, FOUND, NOT_FOUND, resolve, suggest
from nghedan.places.models import LegacyUnit

pytestmark = pytest.mark.django_db

SAI_GON = "Phường Sài Gòn"


@pytest.mark.parametrize(
    "address",
    [
        "P. Bến Nghé, Q.1, TP.HCM",
        "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
        "phuong ben nghe quan 1 tphcm",
        "P BEN NGHE, Q1, HCM",
        "F. Bến Nghé, Quận 01, Sài Gòn",
        "Bến Nghé, Q.1, SG",
        "12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM",
        "Số 45 Nguyễn Huệ, Bến Nghé, Quận 1, TPHCM, Việt Nam",
    ],
)
def test_the_old_name_of_a_ward_finds_the_commune_that_took_it_over(address):
    result = resolve(address)
    assert result.status == FOUND
    assert result.commune.name == SAI_GON
    assert result.province.code == "79"
    assert result.legacy.name == "Phường Bến Nghé"
    assert result.legacy.level == LegacyUnit.Level.WARD
    assert "Phường Sài Gòn" in result.explanation


@pytest.mark.parametrize(
    "address",
    [
        "Phường Sài Gòn, TP Hồ Chí Minh",
        "phuong sai gon tp ho chi minh",
        "P. Sài Gòn, TP.HCM",
        "Sài Gòn",
    ],
)
def test_the_new_name_is_found_as_written(address):
    result = resolve(address)
    assert result.status == FOUND
    assert result.commune.name == SAI_GON
    assert result.legacy is None


# Old numbered wards, written in full, short or as people type them.
NUMBERED = [
    ("Phường 1, Quận 3, TP.HCM", "Phường Bàn Cờ", "Phường 1, Quận 3, Thành phố Hồ Chí Minh"),
    ("P.01, Q.3, HCM", "Phường Bàn Cờ", "Phường 1, Quận 3, Thành phố Hồ Chí Minh"),
    ("F12 Q10 TPHCM", "Phường Hòa Hưng", "Phường 12, Quận 10, Thành phố Hồ Chí Minh"),
    (
        "phuong 12 quan go vap",
        "Phường An Hội Tây",
        "Phường 12, Quận Gò Vấp, Thành phố Hồ Chí Minh",
    ),
]


BINH_THANH_1 = "Phường 1, Quận Bình Thạnh, Thành phố Hồ Chí Minh"
GO_VAP_12 = "Phường 12, Quận Gò Vấp, Thành phố Hồ Chí Minh"
TAN_THONG_HOI = "Xã Tân Thông Hội, Huyện Củ Chi, Thành phố Hồ Chí Minh"


# The old district, written in full or short, settles which ward of that name is meant.
DISTRICT_SETTLES = [
    ("Phường 1, Quận Bình Thạnh", "Phường Gia Định", BINH_THANH_1),
    ("P.1, Q. Bình Thạnh, TP.HCM", "Phường Gia Định", BINH_THANH_1),
    ("phuong 1 quan binh thanh", "Phường Gia Định", BINH_THANH_1),
    ("Phường 12, Quận Gò Vấp", "Phường An Hội Tây", GO_VAP_12),
    ("P12 Q.Gò Vấp, TP.HCM", "Phường An Hội Tây", GO_VAP_12),
    ("Xã Tân Thông Hội, Huyện Củ Chi", "Xã Củ Chi", TAN_THONG_HOI),
    ("X. Tân Thông Hội, H. Củ Chi, TP.HCM", "Xã Củ Chi", TAN_THONG_HOI),
    ("xa tan thong hoi huyen cu chi", "Xã Củ Chi", TAN_THONG_HOI),
]


VO_THI_SAU = "Phường Võ Thị Sáu, Quận 3, Thành phố Hồ Chí Minh"
QUAN_10_PHUONG_8 = "Phường 8, Quận 10, Thành phố Hồ Chí Minh"


# Wards merged before 2025: the source keeps their former names only folded ("phuong7"),
# with no marks to compare with what is typed with diacritics.
MERGED_BEFORE_2025 = [
    # Phường 6, 7 and 8 of Quận 3 became Phường Võ Thị Sáu in 2020, now in Xuân Hòa.
    ("Phường 7, Quận 3, TP.HCM", "Phường Xuân Hòa", VO_THI_SAU),
    ("Phường 7, Quận 3, Thành phố Hồ Chí Minh", "Phường Xuân Hòa", VO_THI_SAU),
    ("Phường 7, Quận 3", "Phường Xuân Hòa", VO_THI_SAU),
    ("Phường 07, Quận 03", "Phường Xuân Hòa", VO_THI_SAU),
    ("P.7, Q.3, TP.HCM", "Phường Xuân Hòa", VO_THI_SAU),
    ("P7 Q3", "Phường Xuân Hòa", VO_THI_SAU),
    ("phuong 7 quan 3 tp hcm", "Phường Xuân Hòa", VO_THI_SAU),
    ("Phường 6, Quận 3, TP. Hồ Chí Minh", "Phường Xuân Hòa", VO_THI_SAU),
    # Phường 5 of Quận 10 joined Phường 8, now in Diên Hồng.
    ("Phường 5, Quận 10", "Phường Diên Hồng", QUAN_10_PHUONG_8),
    ("P.5, Q.10, TP.HCM", "Phường Diên Hồng", QUAN_10_PHUONG_8),
    ("phuong 5 quan 10 tphcm", "Phường Diên Hồng", QUAN_10_PHUONG_8),
    ("F5 Q10", "Phường Diên Hồng", QUAN_10_PHUONG_8),
    (
        "Phường 11, Quận 10, TP.HCM",
        "Phường Vườn Lài",
        "Phường 10, Quận 10, Thành phố Hồ Chí Minh",
    ),
    (
        "Phường Sài Đồng, Quận Long Biên, Hà Nội",
        "Phường Phúc Lợi",
        "Phường Phúc Lợi, Quận Long Biên, Thành phố Hà Nội",
    ),
]


@pytest.mark.parametrize(
    "address, commune, legacy", [*NUMBERED, *DISTRICT_SETTLES, *MERGED_BEFORE_2025]
)
def test_an_old_ward_leads_to_the_commune_it_is_in_today(address, commune, legacy):
    result = resolve(address)
    assert result.status == FOUND
    assert result.commune.name == commune
    assert result.legacy.full_name == legacy


def test_a_ward_that_still_had_its_name_is_preferred_to_a_former_name():
    # Quận 5 kept its Phường 7 until 2025; Phường 7 of Quận 3 and Quận 10 were merged away.
    result = resolve("Phường 7, Quận 5, TP.HCM")
    assert result.status == FOUND
    assert result.commune.name == "Phường An Đông"
    assert result.legacy.full_name == "Phường 7, Quận 5, Thành phố Hồ Chí Minh"


def test_a_ward_of_an_old_province_is_found_in_the_new_one():
    result = resolve("Phường Phú Cường, TP. Thủ Dầu Một, Tỉnh Bình Dương")
    assert result.status == FOUND
    assert result.commune.name == "Phường Thủ Dầu Một"
    assert result.province.name == "Thành phố Hồ Chí Minh"


def test_a_split_ward_gives_its_default_successor_and_the_others_as_alternatives():
    result = resolve("Phường Hiệp Thành, TX. Thủ Dầu Một, Bình Dương")
    assert result.status == FOUND
    assert result.commune.name == "Phường Phú Lợi"
    assert [c.name for c in result.candidates] == ["Phường Thủ Dầu Một"]
    assert result.legacy.code == "25741"
    assert "được chia" in result.explanation


def test_an_island_district_is_its_special_zone():
    result = resolve("Huyện Côn Đảo, Bà Rịa - Vũng Tàu")
    assert result.status == FOUND
    assert result.commune.name == "Đặc khu Côn Đảo"


def test_a_number_alone_is_ambiguous_with_candidates_and_no_guess():
    result = resolve("Phường 1")
    assert result.status == AMBIGUOUS
    assert result.commune is None
    assert len(result.candidates) > 10
    assert len({c.province_id for c in result.candidates}) > 5
    assert "phù hợp" in result.explanation


def test_a_name_in_several_provinces_without_a_province_is_ambiguous():
    result = resolve("Xã Tân Thành")
    assert result.status == AMBIGUOUS
    assert result.commune is None
    assert result.province is None
    provinces = {c.province.name for c in result.candidates}
    assert {"Tỉnh Tây Ninh", "Tỉnh Đồng Tháp"} <= provinces
    assert all(c.name == "Xã Tân Thành" for c in result.candidates)


def test_the_province_settles_an_ambiguous_name():
    result = resolve("Xã Tân Thành, Tây Ninh")
    assert result.status == FOUND
    assert result.province.name == "Tỉnh Tây Ninh"


def test_diacritics_tell_apart_names_that_differ_only_by_a_tone_mark():
    assert resolve("Xã Văn Lăng, Thái Nguyên").commune.name == "Xã Văn Lăng"
    assert resolve("Xã Văn Lang, Thái Nguyên").commune.name == "Xã Văn Lang"
    unaccented = resolve("xa van lang, thai nguyen")
    assert unaccented.status == AMBIGUOUS
    assert {c.name for c in unaccented.candidates} == {"Xã Văn Lăng", "Xã Văn Lang"}


@pytest.mark.parametrize("address", ["Phường Sài Gònn", "Phường Sài Gònn, TP.HCM",
                                     "phuong Sai Gonn, TPHCM"])  # fmt: skip
def test_a_misspelt_name_is_not_read_as_another_unit_whose_name_it_contains(address):
    # 'Phường Phương Sài' (Nha Trang, Khánh Hòa) spells 'phuong sai' too.
    assert resolve(address).status == NOT_FOUND
    assert SAI_GON in [commune.name for commune in suggest("Sài Gònn")]


def test_a_province_written_in_a_street_name_before_the_ward_does_not_count():
    assert resolve("12 đường Hà Nội, phường Thảo Điền").province.code == "79"
    assert resolve("Đại lộ Bình Dương, phường Lái Thiêu").commune.name == "Phường Lái Thiêu"


def test_an_old_district_alone_lists_the_communes_it_became():
    result = resolve("Quận 1, TP HCM")
    assert result.status == AMBIGUOUS
    assert result.legacy.name == "Quận 1"
    assert SAI_GON in {c.name for c in result.candidates}
    assert result.province.code == "79"


def test_a_province_alone_is_not_a_commune():
    result = resolve("TP.HCM")
    assert result.status == NOT_FOUND
    assert result.province.code == "79"
    assert "phường, xã" in result.explanation


@pytest.mark.parametrize(
    "address", ["", "   ", "asdf qwerty zxcv", "12345", "!!!", "đường không tên"]
)
def test_garbage_and_empty_input_find_nothing(address):
    result = resolve(address)
    assert result.status == NOT_FOUND
    assert result.commune is None
    assert result.candidates == []
    assert result.explanation


def test_suggestions_complete_a_partial_name():
    assert suggest("Phường Sài G")[0].name == SAI_GON
    assert SAI_GON in [c.name for c in suggest("ben ngh")]


def test_suggestions_forgive_a_typo():
    assert SAI_GON in [c.name for c in suggest("Bến Ngé")]


def test_suggestions_respect_the_limit():
    assert len(suggest("Tân", limit=3)) == 3
    assert suggest("") == []
