import unicodedata

import pytest

from nghedan.vitext.normalize import (
    expand_abbreviations,
    expand_teencode,
    fold,
    follows_car_brand,
    has_diacritics,
    language_of,
    normalize,
)
from nghedan.vitext.tokens import syllables


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("thuý", "thúy"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("HOÀ", "HÒA"),
        ("quý", "quý"),  # "qu" is the onset: the mark stays on y
        ("Quỳnh", "Quỳnh"),
        ("hoàng", "hoàng"),  # a final consonant: both styles agree
        ("khuỷu", "khuỷu"),
        ("hòa", "hòa"),
    ],
)
def test_one_tone_mark_style(written, canonical):
    assert normalize(written) == canonical


def test_decomposed_input_is_composed():
    decomposed = unicodedata.normalize("NFD", "Phường Bến Nghé, thuý")
    assert decomposed != "Phường Bến Nghé, thúy"
    assert normalize(decomposed) == "Phường Bến Nghé, thúy"


def test_control_characters_and_spacing():
    text = "Xin\x00 chào\u200b  bà   con\t ,hôm nay ( thứ hai ) .\r\n\r\n\r\n\r\nHết"
    assert normalize(text) == "Xin chào bà con, hôm nay (thứ hai).\n\nHết"


def test_numbers_and_abbreviations_keep_their_dots_and_commas():
    assert normalize("giá 1,5 tỷ ở TP.HCM, 1.000 người") == "giá 1,5 tỷ ở TP.HCM, 1.000 người"


def test_fold_removes_every_diacritic_and_keeps_offsets():
    text = "Đường Nguyễn Huệ, phường Bến Nghé"
    assert fold(text) == "Duong Nguyen Hue, phuong Ben Nghe"
    assert len(fold(text)) == len(text)
    assert fold(unicodedata.normalize("NFD", "Thủ Đức")) == "Thu Duc"


def test_has_diacritics():
    assert has_diacritics("phường Bến Nghé")
    assert has_diacritics("đi")
    assert not has_diacritics("phuong Ben Nghe quan 1")
    assert not has_diacritics("")


@pytest.mark.parametrize(
    ("written", "expanded"),
    [
        ("UBND TP.HCM", "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
        ("HĐND TPHCM", "Hội đồng nhân dân Thành phố Hồ Chí Minh"),
        ("Ủy ban MTTQVN TP HCM", "Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố Hồ Chí Minh"),
        ("MTTQ và BCH, BTV", "Mặt trận Tổ quốc và Ban Chấp hành, Ban Thường vụ"),
        ("CAND", "Công an nhân dân"),
        ("Q.1", "quận 1"),
        ("Q1", "quận 1"),
        ("Q. Bình Thạnh", "quận Bình Thạnh"),
        ("Q.Bình Thạnh", "quận Bình Thạnh"),
        ("P.12, Q.Gò Vấp", "phường 12, quận Gò Vấp"),
        ("H. Củ Chi", "huyện Củ Chi"),
        ("TP Thủ Đức", "thành phố Thủ Đức"),
    ],
)
def test_expand_abbreviations(written, expanded):
    assert expand_abbreviations(written) == expanded


def test_abbreviations_inside_words_or_ambiguous_are_kept():
    kept = "UBNDX, TT 2023, nhà số 5P, Q và A, QUÁ"
    assert expand_abbreviations(kept) == kept


def test_teencode_and_emoji():
    assert expand_teencode("Ko dc đâu mn ơi 😍") == "không được đâu mọi người ơi  emojitot "
    assert expand_teencode("haaaay quá") == "hay quá"


def test_language_check():
    assert language_of("") == ("empty", 0.0)
    assert language_of("   \n ") == ("empty", 0.0)
    assert language_of("Người dân phản ánh tình trạng ngập nước")[0] == "vi"
    assert language_of("nguoi dan phan anh tinh trang ngap nuoc")[0] == "vi"
    assert language_of("The committee will meet again next Friday afternoon")[0] == "other"
    assert language_of("這是中文的句子，不是越南語")[0] == "other"
    assert language_of("ÿþ\x00\x01\x02 þÿ ÿÿ ÐÐ")[0] == "other"


@pytest.mark.parametrize(
    "text", ["😡😡😡", "👍👍", "❤️❤️", "👍🏻👍🏻", "hay quá 👍👍👍👍👍👍👍👍", "😡 bực mình"]
)
def test_emoji_the_models_read_count_as_words(text):
    assert language_of(text) == ("vi", 1.0)


def test_emoji_do_not_make_other_text_vietnamese():
    assert language_of("The committee will meet again next Friday afternoon 👍")[0] == "other"
    assert language_of("Great job! 👍")[0] == "other"
    assert language_of("🌧🌧🌧") == ("other", 0.0)  # not an emoji the models read


def test_syllables_are_lower_case_without_punctuation():
    assert syllables("Quận 1, TP.HCM: ngập!") == ["quận", "1", "tp", "hcm", "ngập"]


@pytest.mark.parametrize(
    ("text", "code", "brand"),
    [
        ("Audi Q5", "Q5", True),
        ("xe AUDI Q5", "Q5", True),
        ("BMW-X5", "X5", True),
        ("Mazda CX5", "X5", False),  # "X5" is inside the model "CX5", not after the maker
        ("nhà ở Q5", "Q5", False),
        ("bên kia Q8", "Q8", False),
        ("Q5", "Q5", False),
    ],
)
def test_follows_car_brand(text, code, brand):
    assert follows_car_brand(text, text.index(code)) is brand


def test_a_car_model_is_not_expanded_as_a_district():
    assert expand_abbreviations("Audi Q5 đậu ở Q5") == "Audi Q5 đậu ở quận 5"
