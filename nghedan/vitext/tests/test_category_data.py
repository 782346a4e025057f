"""Case-category training examples: term lists give weak labels or abstain, news rows are kept
or dropped by their mapping, officers' corrections always count. The data folder is faked
with a few rows written here; the real one is never needed."""

import gzip
import json
import logging
from pathlib import Path

import pytest

from nghedan.cases.seed import CATEGORIES as SEEDED
from nghedan.vitext import category_data
from nghedan.vitext.category_data import (
    CATEGORIES,
    OFFICER_REPEAT,
    LexiconError,
    NewsMapping,
    TermLexicon,
    build_examples,
    class_counts,
    label_news_row,
    load_news_map,
    partly_folded,
)
from nghedan.vitext.normalize import fold, has_diacritics

EVALSET = Path(category_data.__file__).parent / "evalsets" / "category_cases.jsonl"


@pytest.fixture(scope="module")
def lexicon() -> TermLexicon:
    return TermLexicon.load()


def test_categories_are_the_platforms():
    assert tuple(code for code, _name, _description in SEEDED) == CATEGORIES


def test_every_category_but_other_has_terms(lexicon):
    covered = {category for category, _weight in lexicon.exact.values()}
    assert covered == set(CATEGORIES) - {"other"}


def test_every_news_category_of_the_map_is_read_and_sound_ones_point_to_a_category():
    mapping = load_news_map()
    assert len(mapping) == 25
    assert mapping["Sức khoẻ"] == NewsMapping("sound", "health")
    assert mapping["Bất động sản"] == NewsMapping("filtered", "land_housing")
    assert mapping["Trò chơi"] == NewsMapping("other", "other")
    assert mapping["Tài chính"] == NewsMapping("-", None)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Quán cà phê lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường", "urban_order"),
        ("Hẻm 12 ngập nước mỗi khi mưa, cống thoát nước bị nghẹt", "infrastructure"),
        ("Công ty nợ lương công nhân 3 tháng", "labour"),
        ("Cong ty no luong cong nhan 3 thang", "labour"),  # typed without diacritics
        ("Cán bộ phường nhũng nhiễu, gây khó dễ khi làm giấy tờ", "official_conduct"),
        ("Nhà tôi bị trộm cắp xe máy lúc nửa đêm", "security"),
        ("Trường thu học phí cao, ép học sinh học thêm", "education"),
    ],
)
def test_a_text_whose_terms_dominate_gets_their_category(lexicon, text, expected):
    assert lexicon.label(text) == expected


def test_longest_terms_win_and_are_counted_once(lexicon):
    # "trật tự đô thị" is urban order, not also "trật tự" (security).
    assert lexicon.scores("Lập lại trật tự đô thị ở chợ") == {"urban_order": 2.0}


def test_a_folded_single_syllable_is_too_ambiguous_to_count(lexicon):
    # "luong" is lương (wages) but also lượng: "chat luong nuoc" is water quality.
    assert "labour" not in lexicon.scores("chat luong nuoc kem")
    assert lexicon.scores("chất lượng nước kém") == {}


def test_the_rule_abstains_when_the_terms_are_few_or_split(lexicon):
    assert lexicon.label("Xin hỏi lịch tiếp công dân của phường") is None
    assert lexicon.label("Hộ nghèo không đóng nổi học phí cho con") is None  # welfare or education


def test_news_rows_are_kept_or_dropped_by_their_mapping(lexicon):
    mapping = load_news_map()
    crime = "Bắt nhóm trộm cắp xe máy ở Bình Thạnh\nCông an phường bắt giữ ba đối tượng."
    politics = "Quốc hội thảo luận về dự án luật\nĐại biểu phát biểu tại hội trường."
    football = "Đội tuyển thắng 2-0 trong trận giao hữu\nHai bàn thắng trong hiệp hai."
    diet = "Ăn nhiều rau xanh tốt cho tim mạch\nChuyên gia khuyên nên ăn rau mỗi ngày."
    assert label_news_row(crime, "Chính trị và Pháp luật", lexicon, mapping) == "security"
    assert label_news_row(politics, "Chính trị và Pháp luật", lexicon, mapping) is None
    assert label_news_row(football, "Thể Thao - Thể thao đồng đội - Bóng Đá", lexicon, mapping) == (
        "other"
    )
    assert label_news_row(crime, "Du lịch", lexicon, mapping) is None  # "other" needs no terms
    assert label_news_row(diet, "Sức khoẻ", lexicon, mapping) == "health"  # sound: kept as is
    assert label_news_row(diet, "Tài chính", lexicon, mapping) is None


def test_a_broken_term_file_says_which_line_and_how_to_fix(tmp_path):
    terms = tmp_path / "terms.tsv"
    terms.write_text("# a comment\nhealth\t2\tbệnh viện\nparking\t2\tbãi xe\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="dòng 3.*parking"):
        TermLexicon.load(terms)
    terms.write_text("health\tnhiều\tbệnh viện\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="trọng số phải là số dương"):
        TermLexicon.load(terms)


# --- build_examples on a fake data folder ---------------------------------------------------


def write_gz(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


NEWS_ROWS = [
    ("Sức khoẻ", "Bệnh viện quá tải vì sốt xuất huyết\nBệnh nhân nằm ghép."),
    ("Sức khoẻ", "Trạm y tế phường tiêm chủng miễn phí\nTrẻ em được tiêm vắc xin."),
    ("Chính trị và Pháp luật", "Bắt nhóm cướp giật điện thoại\nCông an bắt giữ hai đối tượng."),
    ("Chính trị và Pháp luật", "Quốc hội họp phiên bế mạc\nCác đại biểu biểu quyết."),
    ("Du lịch", "Thác nước đẹp giữa rừng\nDu khách đến ngắm cảnh."),
    ("Du lịch", "Phố ẩm thực về đêm\nMón ngon hút khách."),
    ("Trò chơi", "Trò chơi mới ra mắt\nNgười chơi háo hức."),
    ("Tài chính", "Kẹt xe, ùn tắc kéo dài ở giao lộ\nĐèn tín hiệu hỏng suốt buổi sáng."),
]
ARTICLE = (
    "Tin vắn trong ngày\n"
    "Tại phường, tình trạng lấn chiếm vỉa hè và buôn bán hàng rong lại tái diễn, đội trật tự đô "
    "thị đã nhắc nhở nhiều lần nhưng các hộ kinh doanh vẫn bày hàng ra lòng đường.\n"
    "Một đoạn quá ngắn."
)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    rows = [{"id": i, "label": label, "text": text} for i, (label, text) in enumerate(NEWS_ROWS)]
    write_gz(tmp_path / "data" / "tc201805" / "train.jsonl.gz", rows)
    articles = [
        {"id": 1, "label": "doi_song", "text": ARTICLE},
        {"id": 2, "label": "the_thao", "text": ARTICLE.replace("Tin vắn", "Thể thao")},
    ]
    write_gz(tmp_path / "data" / "vntc" / "train.jsonl.gz", articles)
    return tmp_path / "data"


def test_build_examples_labels_the_news_and_keeps_the_rest_out(data_dir):
    examples = build_examples(data_dir, [])
    # One example in three is given without diacritics: look texts up folded.
    by_text = {fold(text): label for text, label in examples}
    assert len(by_text) == len(examples)

    def label_of(text: str) -> str | None:
        return by_text.get(fold(text))

    assert label_of("Bệnh viện quá tải vì sốt xuất huyết\nBệnh nhân nằm ghép.") == "health"
    assert label_of("Bắt nhóm cướp giật điện thoại\nCông an bắt giữ hai đối tượng.") == "security"
    assert label_of("Thác nước đẹp giữa rừng\nDu khách đến ngắm cảnh.") == "other"
    # Unmapped news category, but its terms clearly speak of traffic.
    assert label_of("Kẹt xe, ùn tắc kéo dài ở giao lộ\nĐèn tín hiệu hỏng suốt buổi sáng.") == (
        "traffic"
    )
    assert label_of("Quốc hội họp phiên bế mạc\nCác đại biểu biểu quyết.") is None
    # One paragraph of the VNTC article; its sports copy and the short lines are not used.
    article_rows = [text for text, label in examples if label == "urban_order"]
    assert len(article_rows) == 1 and fold(article_rows[0]).startswith("Tai phuong")
    assert build_examples(data_dir, []) == examples  # deterministic


def test_classes_are_capped_without_losing_determinism(data_dir):
    examples = build_examples(data_dir, [], per_class=1)
    counts = class_counts(examples)
    assert max(counts.values()) == 1
    assert counts["other"] == 1 and counts["health"] == 1
    assert build_examples(data_dir, [], per_class=1) == examples


def test_officers_examples_are_always_kept_and_weigh_more(data_dir, tmp_path, caplog):
    officers = tmp_path / "officers.jsonl"
    lines = [
        {"text": "Cống trước nhà bốc mùi, đề nghị nạo vét", "label": "infrastructure"},
        {"text": "Bệnh viện quá tải vì sốt xuất huyết\nBệnh nhân nằm ghép.", "label": "other"},
        {"text": "Không có lĩnh vực", "label": "parking"},
        {"text": "", "label": "health"},
    ]
    officers.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n{broken\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        examples = build_examples(data_dir, [officers], per_class=1)
    assert "bỏ qua 3 dòng" in caplog.text and "dòng 3, 4, 5" in caplog.text
    assert examples.count(("Cống trước nhà bốc mùi, đề nghị nạo vét", "infrastructure")) == (
        OFFICER_REPEAT
    )
    # The officer's label replaces the weak one for the same text.
    same = [label for text, label in examples if text.startswith("Bệnh viện quá tải")]
    assert same == ["other"] * OFFICER_REPEAT


def test_officers_alone_when_the_news_folder_is_missing(tmp_path):
    officers = tmp_path / "officers.jsonl"
    officers.write_text('{"text": "Kẹt xe ở ngã tư", "label": "traffic"}\n', encoding="utf-8")
    examples = build_examples(tmp_path / "nowhere", [officers])
    assert examples[:OFFICER_REPEAT] == [("Kẹt xe ở ngã tư", "traffic")] * OFFICER_REPEAT
    assert {label for _text, label in examples} == {"traffic"}


def test_one_example_in_three_is_given_without_diacritics():
    examples = [(f"Cống số {i} bị nghẹt, nước ngập đường", "infrastructure") for i in range(300)]
    given = partly_folded(examples)
    assert len(given) == len(examples)
    folded = [text for text, _label in given if not has_diacritics(text)]
    assert 60 < len(folded) < 140
    for (text, label), (original, original_label) in zip(given, examples, strict=True):
        assert label == original_label and text in (original, fold(original))
    assert partly_folded(examples) == given


def test_a_missing_data_folder_or_extra_file_is_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="hãy chỉ --data"):
        build_examples(tmp_path / "nowhere", [])
    with pytest.raises(FileNotFoundError, match="--extra"):
        build_examples(tmp_path / "nowhere", [tmp_path / "missing.jsonl"])


def test_the_evaluation_set_covers_every_category_evenly():
    rows = [json.loads(line) for line in EVALSET.read_text(encoding="utf-8").splitlines()]
    counts = class_counts((row["text"], row["label"]) for row in rows)
    assert 150 <= len(rows) <= 300
    assert min(counts.values()) >= 12 and max(counts.values()) <= 2 * min(counts.values())
    unaccented = [row for row in rows if row["text"].isascii()]
    assert len(unaccented) >= len(rows) // 10


# --- the committed model ----------------------------------------------------------------------


def test_the_committed_category_model_reads_clear_cases():
    from nghedan.vitext import Analyzer

    cases = {
        "Công ty nợ lương công nhân hai tháng chưa trả": "labour",
        "Cong ty no luong cong nhan hai thang chua tra": "labour",
        "Đường trước nhà ngập sâu sau mỗi cơn mưa, cống bị nghẹt": "infrastructure",
        "Quán nhậu bày bàn ghế chiếm hết vỉa hè": "urban_order",
        "Nhà tôi bị trộm đột nhập lấy mất xe máy": "security",
        "Trạm y tế phường không có bác sĩ trực buổi chiều": "health",
        "Xin hỏi thủ tục đăng ký khai sinh cho con": "administration",
    }
    analyzer = Analyzer(extractors=False)
    assert "category" in analyzer.model_names
    found = [result.category for result in analyzer.analyze_many(list(cases))]
    assert [label.name for label in found if label] == list(cases.values())
