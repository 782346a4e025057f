"""Places in running text: old and new names, without diacritics, nested, ambiguous."""

import pytest

from nghedan.vitext.normalize import normalize
from nghedan.vitext.places import find_places

SAI_GON = "26740"  # Phường Sài Gòn, which took over Phường Bến Nghé (Quận 1)
HCMC = "79"


def only(text: str, **options):
    places = find_places(text, **options)
    assert len(places) == 1, places
    return places[0]


def test_old_ward_with_its_district_leads_to_the_2025_ward():
    place = only("Người dân phường Bến Nghé, quận 1 phản ánh tình trạng ngập sau mưa.")
    assert place.status == "found"
    assert place.commune_code == SAI_GON
    assert place.commune_name == "Phường Sài Gòn"
    assert place.province_code == HCMC
    assert place.legacy_name == "Phường Bến Nghé"
    assert place.text == "phường Bến Nghé, quận 1"


def test_new_ward_name_is_found_without_legacy_name():
    place = only("Chiều nay, UBND phường Sài Gòn đã kiểm tra hiện trường.")
    assert (place.status, place.commune_code, place.legacy_name) == ("found", SAI_GON, "")


def test_text_without_diacritics_is_located():
    place = only("nha toi o phuong ben nghe, quan 1, tp hcm bi ngap")
    assert (place.status, place.commune_code) == ("found", SAI_GON)


def test_abbreviated_units_nest():
    place = only("Vụ việc xảy ra tại P.12, Q.Gò Vấp vào tối qua.")
    assert place.status == "found"
    assert place.legacy_name == "Phường 12"
    assert place.province_code == HCMC


def test_numbered_ward_is_narrowed_by_its_district():
    place = only("Tại phường 1, quận 3, TP.HCM có nhiều hẻm nhỏ.")
    assert place.status == "found"
    assert place.commune_name == "Phường Bàn Cờ"


def test_numbered_ward_alone_is_ambiguous_with_candidates():
    place = only("Tại phường 1 có nhiều hẻm nhỏ.", default_province=HCMC)
    assert place.status == "ambiguous"
    assert place.commune_code == ""
    assert len(place.candidates) > 3
    assert {c.province_name for c in place.candidates} == {"Thành phố Hồ Chí Minh"}


def test_split_old_ward_is_ambiguous_between_its_successors():
    place = only("Hẻm nhỏ ở phường Đa Kao ngập nặng.")
    assert place.status == "ambiguous"
    assert place.legacy_name == "Phường Đa Kao"
    assert {c.commune_name for c in place.candidates} == {"Phường Sài Gòn", "Phường Tân Định"}


@pytest.mark.parametrize(
    ("text", "legacy_name"),
    [
        ("Đường vào Q.Bình Thạnh kẹt xe.", "Quận Bình Thạnh"),
        ("Dự án ở TP Thủ Đức chậm tiến độ.", "Thành phố Thủ Đức"),
        ("Nông dân huyện Củ Chi thu hoạch rau.", "Huyện Củ Chi"),
        ("Quán ăn ở quận 1 đông khách.", "Quận 1"),
    ],
)
def test_old_district_lists_the_communes_that_took_it_over(text, legacy_name):
    place = only(text)
    assert place.level == "district"
    assert place.legacy_name == legacy_name
    assert place.status == "ambiguous"
    assert place.province_code == HCMC
    assert all(c.province_name == "Thành phố Hồ Chí Minh" for c in place.candidates)


def test_commune_and_provinces_in_one_sentence():
    places = find_places(
        "Sở Xây dựng TPHCM làm việc với tỉnh Bình Dương, Đồng Nai và xã Bình Chánh."
    )
    assert [p.text for p in places] == ["TPHCM", "tỉnh Bình Dương", "Đồng Nai", "xã Bình Chánh"]
    assert places[0].level == "province" and places[0].province_code == HCMC
    # Bình Dương merged into Hồ Chí Minh City in 2025.
    assert (places[1].province_code, places[1].legacy_name) == (HCMC, "Tỉnh Bình Dương")
    assert places[3].commune_name == "Xã Bình Chánh"


@pytest.mark.parametrize(
    "text",
    [
        "Xã hội phát triển, phương án được duyệt, quan trọng là tình hình ổn định.",
        "Hòa Bình là khát vọng của mọi người; Thái Bình Dương rộng lớn.",
        "Tư tưởng Hồ Chí Minh soi đường; chị Huế đi chợ.",
        "xa hoi ngay cang phat trien, phuong an da duoc duyet",
        "Tỉ số 2-1, F1 là giải đua xe; ông Nguyễn Hà Nam phát biểu.",
    ],
)
def test_common_phrases_are_not_places(text):
    assert find_places(text) == ()


def test_province_with_trigger_even_when_the_name_is_a_common_word():
    place = only("Mưa lớn ở tỉnh Hòa Bình gây sạt lở.")
    assert place.level == "province"
    assert place.legacy_name == "Tỉnh Hòa Bình"
    assert place.province_name == "Tỉnh Phú Thọ"


def test_spans_index_into_the_text():
    text = "Khu phố 3, phường Tân Định có 200 hộ."
    place = only(text)
    assert text[place.span.start : place.span.end] == place.text == "phường Tân Định"


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01", "😀" * 50, "phường", "Q."])
def test_odd_input_gives_no_place(text):
    assert find_places(text) == ()


# --- phrasings where running text and the gazetteer once disagreed ---------------------------


def test_plain_address_inside_a_sentence_with_diacritics():
    place = only(normalize("Người dân ở phuong ben nghe quan 1 phản ánh."))
    assert (place.status, place.commune_code) == ("found", SAI_GON)
    assert place.text == "phuong ben nghe quan 1"
    assert place.legacy_name == "Phường Bến Nghé"


@pytest.mark.parametrize(
    ("text", "commune_name"),
    [
        ("Người dân ở Phuong Thu Dau Mot phản ánh.", "Phường Thủ Dầu Một"),
        ("Người dân ở phuong cho quan phản ánh.", "Phường Chợ Quán"),
        ("Người dân ở xa minh hoa huyen dau tieng phản ánh.", "Xã Minh Thạnh"),
        ("Người dân ở P.Tân An, TP.Thủ Dầu Một phản ánh.", "Phường Phú An"),
    ],
)
def test_plain_or_abbreviated_names_in_sentences_with_diacritics(text, commune_name):
    place = only(normalize(text))
    assert (place.status, place.commune_name) == ("found", commune_name)


@pytest.mark.parametrize(
    "text",
    [
        "Nhà tôi ở Bến Nghé, Q.1, TPHCM.",
        "Bến Nghé, quận 1 đang lấy ý kiến người dân.",
        "nha toi o ben nghe, quan 1, tphcm",
    ],
)
def test_ward_without_its_unit_word_before_its_old_district(text):
    place = only(normalize(text))
    assert (place.status, place.commune_code, place.legacy_name) == (
        "found",
        SAI_GON,
        "Phường Bến Nghé",
    )


def test_name_is_not_read_across_the_next_unit_word():
    # "tan an thanh" is also Xã Tân An Thạnh; here it is Phường Tân An, thành phố Thủ Dầu Một.
    place = only("nguoi dan o phuong tan an thanh pho thu dau mot phan anh")
    assert (place.status, place.legacy_name) == ("found", "Phường Tân An")
    assert place.commune_name == "Phường Phú An"


def test_abbreviation_after_a_name_ends_it():
    # Not "Tam An H" (Tam Anh): "H." is the district's abbreviation.
    place = only("Người dân ở X.Tam An H.Long Đất phản ánh.")
    assert (place.status, place.legacy_name) == ("found", "Xã Tam An")
    assert place.text == "X.Tam An H.Long Đất"


def test_numbered_ward_the_source_files_under_another_kind():
    place = only("Người dân ở phường 5, quận Phú Nhuận phản ánh.")
    assert (place.status, place.commune_name) == ("found", "Phường Đức Nhuận")


def test_the_marks_written_choose_between_names_that_fold_alike():
    place = only("Người dân ở xã Minh Thạnh phản ánh.")
    assert (place.status, place.commune_name) == ("found", "Xã Minh Thạnh")


def test_old_district_of_a_single_commune_is_found():
    place = only(normalize("Người dân ở huyen con dao phản ánh."))
    assert (place.status, place.level, place.commune_name) == (
        "found",
        "district",
        "Đặc khu Côn Đảo",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngành hải quan 1,6% đã phù hợp.", []),
        ("Ông Tuấn ở 13 cu xa Do Thanh gửi thư.", []),
        ("Người dân ở xa nên không biết.", []),
        ("Đoàn tham quan Sapa - Hà Nội trong ba ngày.", ["Hà Nội"]),
        ("Nhà máy Thép Tân Thuận (quận 7) sẽ được di dời.", ["quận 7"]),
        ("Tòa nhà 171 Võ Thị Sáu, Q.3 cao 20 tầng.", ["Q.3"]),
    ],
)
def test_plain_everyday_words_and_bare_names_are_not_wards(text, expected):
    assert [place.text for place in find_places(normalize(text))] == expected


# Unit words everywhere, none with a name: each name is read once, so these take
# milliseconds; read again for every unit word before it, 10 repeats took a minute and each
# repeat multiplied that by about five (the suite would hang here).
@pytest.mark.parametrize(
    "text",
    [
        "can bo quan tam tinh hinh xa hoi " * 40 + "ở phuong ben nghe quan 1",
        "Xã Hội Quận Tâm Tỉnh Hình " * 40 + "ở phường Bến Nghé, quận 1",
    ],
)
def test_many_unit_words_without_names_are_read_in_linear_time(text):
    place = only(text)
    assert (place.status, place.commune_code, place.legacy_name) == (
        "found",
        SAI_GON,
        "Phường Bến Nghé",
    )


def test_a_long_run_of_addresses_keeps_every_place():
    # Each name stops before the next unit word's: read on demand, a chain of calls as long
    # as the text (RecursionError, and every place lost).
    places = find_places("phuong ben nghe quan 1 " * 1000)
    assert len(places) == 1000
    assert {(p.status, p.commune_code, p.commune_name, p.legacy_name) for p in places} == {
        ("found", SAI_GON, "Phường Sài Gòn", "Phường Bến Nghé")
    }
    assert places[-1].text == "phuong ben nghe quan 1"
