import pytest

from nghedan.vitext.analyzer import MAX_CHARS, Analyzer, shared_analyzer
from nghedan.vitext.result import Analysis

NEWS = (
    "Chiều 12/3, UBND TP.HCM tổ chức hội nghị triển khai kế hoạch chống ngập tại các quận "
    "nội thành. Theo báo cáo của Sở Xây dựng, trong năm qua thành phố đã cải tạo hơn 40 km "
    "cống thoát nước, giảm số điểm ngập trên đường Nguyễn Hữu Cảnh và khu vực Q.Bình Thạnh."
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def assert_each_model_answers_or_says_why(result: Analysis, names: list[str]) -> None:
    withheld = {w.field for w in result.withheld}
    for name in names:
        label = getattr(result, name)
        assert (label is None) == (name in withheld), name
        if label is not None:
            assert 0.0 <= label.score <= 1.0


def test_news_text_is_vietnamese_with_labels(analyzer):
    result = analyzer.analyze(NEWS)
    assert isinstance(result, Analysis)
    assert result.language == "vi"
    assert result.has_diacritics
    assert not result.truncated
    assert_each_model_answers_or_says_why(result, analyzer.model_names)
    # The models of news and of case fields read a news report.
    assert result.topic is not None and result.category is not None
    assert result.as_dict()["text"] == result.text


def test_empty_text(analyzer):
    for text in ("", "   ", "\n\t"):
        result = analyzer.analyze(text)
        assert result.language == "empty"
        assert result.topic is None and result.sentiment is None
        assert result.places == () and result.people == () and result.signature == ()


def test_binary_garbage_is_other_and_not_classified(analyzer):
    garbage = bytes(range(256)).decode("latin-1") * 20
    result = analyzer.analyze(garbage)
    assert result.language == "other"
    assert result.topic is None
    assert "\x00" not in result.text


def test_mixed_scripts_do_not_crash(analyzer):
    result = analyzer.analyze("Москва 北京 東京 Hà Nội ☎️ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010ffff")
    assert result.language in ("vi", "other")


def test_long_text_is_cut(analyzer):
    result = analyzer.analyze("Người dân phản ánh đường ngập. " * 340_000)  # about 10 MB
    assert result.truncated
    assert len(result.text) <= MAX_CHARS
    assert result.language == "vi"


def test_emoji_teencode_and_text_without_diacritics(analyzer):
    comment = analyzer.analyze("ko dc đâu mn ơi, dở quáaaa 😡😡")
    assert comment.language == "vi"
    plain = analyzer.analyze("nguoi dan phan anh duong bi ngap sau sau con mua lon")
    assert plain.language == "vi"
    assert not plain.has_diacritics
    assert_each_model_answers_or_says_why(plain, analyzer.model_names)
    assert plain.category is not None


@pytest.mark.parametrize("text", ["😡😡😡", "👍👍", "bực 😡😡😡😡😡😡"])
def test_a_comment_of_emoji_is_classified(analyzer, text):
    # The models read emoji (as "emojitot", "emojixau"): such a comment is not "other". The
    # moderation model learnt from social-media comments full of emoji; the models that never
    # saw a long run of them say so rather than guess.
    result = analyzer.analyze(text)
    assert result.language == "vi"
    assert result.moderation is not None
    assert_each_model_answers_or_says_why(result, analyzer.model_names)


def test_the_analyzer_says_which_engine_and_models_read(analyzer):
    import nghedan.vitext as vitext

    assert analyzer.version == vitext.__version__ != ""


def test_non_text_input_is_refused_clearly(analyzer):
    with pytest.raises(TypeError, match="cần str"):
        analyzer.analyze(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cần str"):
        analyzer.analyze_many(["ok", None])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="danh sách"):
        analyzer.analyze_many("một chuỗi")


def test_analyze_many_equals_analyze_one_by_one(analyzer):
    texts = [
        NEWS,
        "",
        "Giảng viên dạy rất nhiệt tình và dễ hiểu.",
        "bọn này ngu thật sự",
        "\x00\x01\x02",
        "Đội tuyển Việt Nam thắng 2-0 trong trận bán kết tối qua.",
    ]
    assert analyzer.analyze_many(texts) == [analyzer.analyze(t) for t in texts]
    assert analyzer.analyze_many([]) == []


def test_missing_models_folder_gives_no_labels(tmp_path):
    result = Analyzer(models_dir=tmp_path, extractors=False).analyze(NEWS)
    assert result.language == "vi"
    assert result.topic is None and result.category is None


def test_shared_analyzer_is_one_per_process():
    assert shared_analyzer() is shared_analyzer()
