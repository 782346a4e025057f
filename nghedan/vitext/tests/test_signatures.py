"""Near-duplicate signatures: edited copies of a case are found, other matters are not, and a
signature is the same on every machine (they are stored)."""

import os
import random
import subprocess
import sys

import pytest

from nghedan.vitext.signatures import (
    LIKELY,
    SIZE,
    LshIndex,
    clusters,
    containment,
    resemblance,
    signature,
    similarity,
)

FLOODING = (
    "Ngập nước nghiêm trọng trên đường Lê Lợi. Mỗi khi trời mưa lớn, đoạn đường Lê Lợi trước "
    "chợ Bến Thành ngập sâu nửa mét, xe máy chết máy hàng loạt, người đi bộ không qua được. "
    "Cống thoát nước bị rác bịt kín từ nhiều tháng nay mà chưa ai nạo vét. Nước còn tràn vào "
    "các cửa hàng hai bên đường, hàng hóa bị hư hỏng, nhiều hộ phải kê đồ lên cao. Đề nghị "
    "phường cho nạo vét cống và kiểm tra lại hệ thống thoát nước của cả đoạn đường này."
)
FLOODING_UNACCENTED = (
    "Ngap nuoc nghiem trong tren duong Le Loi. Moi khi troi mua lon, doan duong Le Loi truoc "
    "cho Ben Thanh ngap sau nua met, xe may chet may hang loat, nguoi di bo khong qua duoc. "
    "Cong thoat nuoc bi rac bit kin tu nhieu thang nay ma chua ai nao vet. Nuoc con tran vao "
    "cac cua hang hai ben duong, hang hoa bi hu hong, nhieu ho phai ke do len cao. De nghi "
    "phuong cho nao vet cong va kiem tra lai he thong thoat nuoc cua ca doan duong nay."
)
# Same street, same market, same ward, another matter.
KARAOKE = (
    "Quán karaoke trên đường Lê Lợi gần chợ Bến Thành mở loa hát đến một giờ sáng mỗi đêm, "
    "người già và trẻ nhỏ trong khu phố không ngủ được. Chúng tôi đã nhắc nhở nhiều lần nhưng "
    "chủ quán không nghe, còn bày thêm bàn ghế ra vỉa hè. Đề nghị phường kiểm tra giấy phép "
    "và xử lý tiếng ồn của quán này."
)
WAGES = (
    "Công ty may ở khu công nghiệp Tân Tạo nợ lương công nhân ba tháng nay, chủ doanh nghiệp "
    "hứa trả nhiều lần mà không trả, nay không liên lạc được. Hơn hai trăm người lao động "
    "đang rất khó khăn, đề nghị cơ quan chức năng can thiệp để công nhân được trả lương."
)


def words_dropped(text: str, every: int) -> str:
    return " ".join(word for i, word in enumerate(text.split()) if i % every != every - 1)


def sentences_reordered(text: str) -> str:
    sentences = [s.strip() for s in text.split(". ") if s.strip()]
    return ". ".join(reversed(sentences))


def found_in(index: LshIndex, text: str) -> list:
    return [key for key, _score in index.duplicates(signature(text))]


@pytest.fixture
def index() -> LshIndex:
    built = LshIndex()
    for key, text in (("flooding", FLOODING), ("karaoke", KARAOKE), ("wages", WAGES)):
        built.add(key, signature(text))
    return built


@pytest.mark.parametrize(
    "copy",
    [
        FLOODING,
        FLOODING_UNACCENTED,
        words_dropped(FLOODING, 10),
        sentences_reordered(FLOODING),
        FLOODING + " Xin cảm ơn các anh chị cán bộ phường đã đọc thư này và mong sớm có trả lời.",
        FLOODING.upper(),
    ],
    ids=["unchanged", "no diacritics", "words dropped", "reordered", "sentence added", "capitals"],
)
def test_edited_copies_are_found(index, copy):
    assert found_in(index, copy) == ["flooding"]


def test_parts_of_a_text_split_in_three_are_found_by_containment(index):
    words = FLOODING.split()
    third = len(words) // 3
    parts = [" ".join(words[i * third : (i + 1) * third]) for i in range(3)]
    for part in parts:
        assert similarity(signature(part), signature(FLOODING)) < LIKELY  # Jaccard alone misses
        assert containment(signature(part), signature(FLOODING)) > 0.8
        assert found_in(index, part) == ["flooding"]


def test_other_matters_of_the_same_place_are_not_found(index):
    assert resemblance(signature(KARAOKE), signature(FLOODING)) < 0.2
    assert found_in(index, WAGES) == ["wages"]
    assert found_in(index, "Đèn đường trong hẻm 34 Lê Lợi bị hư hơn một tháng nay.") == []


def test_similarity_estimates_the_share_of_common_shingles():
    assert similarity(signature(FLOODING), signature(FLOODING)) == 1.0
    assert similarity(signature(FLOODING), signature(FLOODING_UNACCENTED)) == 1.0
    # Every tenth word dropped keeps most of the 3-syllable shingles but not all of them.
    assert 0.5 < similarity(signature(FLOODING), signature(words_dropped(FLOODING, 10))) < 0.9
    assert similarity(signature(FLOODING), signature(WAGES)) < 0.1


def test_signature_values_are_fixed_for_ever():
    # Stored in the database: any change here breaks every stored signature.
    sig = signature("Hẻm 12 đường Lê Văn Sỹ ngập sâu mỗi khi mưa, nước tràn vào nhà dân.")
    assert len(sig) == SIZE
    assert sig[:6] == (23349369, 140920501, 381815112, 207172961, 525633859, 66801485)
    assert sum(sig) == 19036551198
    assert all(0 <= value < 2**31 for value in sig)


def test_signature_is_the_same_in_another_process_with_another_hash_seed():
    code = f"from nghedan.vitext.signatures import signature; print(list(signature({WAGES!r})))"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.strip() == str(list(signature(WAGES)))


def test_a_one_line_case_has_a_signature_its_copies_match():
    short = "Mất điện khu phố 2 từ sáng"
    sig = signature(short)
    assert sig == (82061079, 505792438, 100021411, 205385379, *sig[4:])
    assert sum(sig) == 20015107620
    assert similarity(sig, signature("mat dien khu pho 2 tu sang!")) == 1.0
    index = LshIndex()
    index.add("power", sig)
    assert found_in(index, "Mất điện khu phố 2 từ sáng.") == ["power"]
    assert found_in(index, "Học phí trường tiểu học tăng quá cao") == []
    # One word is the whole matter of a short text: the estimate sits well below a copy's.
    assert similarity(sig, signature("Mất nước khu phố 2 từ sáng")) < 0.8


@pytest.mark.parametrize("empty", ["", "   ", "!!! ... ???", "\n\t"])
def test_empty_text_has_the_empty_signature_and_matches_nothing(empty):
    assert signature(empty) == ()
    assert similarity(signature(empty), signature(empty)) == 0.0
    assert resemblance((), signature(WAGES)) == 0.0
    index = LshIndex()
    index.add("empty", signature(empty))
    index.add("wages", signature(WAGES))
    assert index.query(signature(empty)) == set()
    assert found_in(index, WAGES) == ["wages"]
    assert len(index) == 2


def test_a_very_long_text_is_signed_in_blocks():
    rng = random.Random(3)
    words = FLOODING.split() + KARAOKE.split() + WAGES.split()
    long_text = " ".join(rng.choice(words) for _ in range(200_000))
    sig = signature(long_text)
    assert len(sig) == SIZE
    assert similarity(sig, signature(long_text + " thêm một câu")) > 0.95


def test_clusters_group_copies_and_leave_single_texts_out():
    texts = [
        ("a1", FLOODING),
        ("b1", WAGES),
        ("c1", KARAOKE),
        ("a2", FLOODING_UNACCENTED),
        ("b2", words_dropped(WAGES, 12)),
        ("a3", sentences_reordered(FLOODING)),
        ("d1", "Xin hỏi lịch tiếp công dân của phường trong tháng này."),
    ]
    assert clusters(texts) == [["a1", "a2", "a3"], ["b1", "b2"]]


def test_index_pairs_and_clusters_through_the_index():
    index = LshIndex()
    index.add(1, signature(FLOODING))
    index.add(2, signature(KARAOKE))
    index.add(3, signature(FLOODING_UNACCENTED))
    assert [(a, b) for a, b, _score in index.pairs()] == [(1, 3)]
    assert index.clusters() == [[1, 3]]


def test_index_refuses_a_key_twice_and_impossible_bands():
    index = LshIndex()
    index.add("x", signature(WAGES))
    with pytest.raises(ValueError, match="đã có trong chỉ mục"):
        index.add("x", signature(KARAOKE))
    with pytest.raises(ValueError, match="chữ ký chỉ có"):
        LshIndex(bands=40, rows=4)
