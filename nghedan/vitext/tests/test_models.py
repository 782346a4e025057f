"""Each committed model loads and gives the expected label on sentences written for the test."""

import json

import numpy as np
import pytest

from nghedan.vitext.analyzer import MODELS_DIR
from nghedan.vitext.features import FEATURES_VERSION, featurize
from nghedan.vitext.linear import LinearModel, ModelFormatError, ModelSet, available
from nghedan.vitext.normalize import fold, normalize

EXPECTED = {
    "topic": [
        (
            "Đội tuyển bóng đá Việt Nam thắng Thái Lan 2-1 trong trận chung kết, tiền đạo ghi "
            "bàn ở phút 89 giúp huấn luyện viên và cầu thủ giành chức vô địch.",
            "the_thao",
        ),
        (
            "Bộ Y tế khuyến cáo người dân tiêm vắc xin phòng cúm, bệnh nhân có triệu chứng sốt, "
            "ho cần đến bệnh viện để bác sĩ khám và điều trị kịp thời.",
            "suc_khoe",
        ),
        (
            "Cơ quan cảnh sát điều tra đã khởi tố vụ án, bắt tạm giam bị can về hành vi lừa đảo "
            "chiếm đoạt tài sản; tòa án sẽ xét xử vào tháng tới.",
            "phap_luat",
        ),
        (
            "Giá cổ phiếu trên sàn chứng khoán tăng mạnh, ngân hàng nhà nước điều chỉnh lãi suất, "
            "doanh nghiệp xuất khẩu báo lãi lớn trong quý.",
            "kinh_doanh",
        ),
    ],
    "sentiment": [
        ("thầy dạy rất nhiệt tình và dễ hiểu.", "positive"),
        ("phòng học nóng, máy chiếu hư hoài không ai sửa.", "negative"),
    ],
    # ViCTSD calls toxic the outraged, insulting comments under news; crude short insults
    # are the moderation model's part (ViHSD).
    "toxicity": [
        ("Lũ khốn nạn, quá nhẫn tâm và độc ác", "toxic"),
        ("Bọn ác quỷ, đồ súc vật, tàn ác không còn tính người", "toxic"),
        ("cảm ơn bài viết rất hữu ích cho mọi người", "not_toxic"),
        ("Tôi nghĩ thành phố nên đầu tư thêm xe buýt", "not_toxic"),
    ],
    "constructiveness": [
        (
            "Theo tôi, thành phố nên mở rộng hệ thống thoát nước và kiểm tra các công trình xây "
            "dựng lấn chiếm kênh rạch, đồng thời công khai tiến độ để người dân cùng giám sát, vì "
            "nếu chỉ nạo vét tạm thời thì mùa mưa năm sau đường vẫn ngập như cũ.",
            "constructive",
        ),
        ("haha", "not_constructive"),
    ],
    "moderation": [
        ("video hay quá, cảm ơn bạn đã chia sẻ", "clean"),
        ("ngu vcl", "offensive"),
        ("đcm bọn mày", "hate"),
    ],
}


def _model(name: str) -> LinearModel:
    if name not in available(MODELS_DIR):
        pytest.fail(f"the committed artifact {name} is missing from {MODELS_DIR}")
    return LinearModel.load(MODELS_DIR, name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_model_loads_with_its_card_data(name):
    model = _model(name)
    assert model.meta["features_version"] == FEATURES_VERSION
    assert model.weights.shape == (len(model.keys), len(model.labels))
    assert np.all(np.diff(model.keys.astype(np.float64)) >= 0)
    assert model.meta["dev_scores"]["rows"] > 0
    assert (MODELS_DIR / f"{name}.md").exists(), "every model has its card"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_model_predicts_sensible_labels(name):
    model = _model(name)
    texts = [normalize(text) for text, _ in EXPECTED[name]]
    answers = ModelSet([model]).predict(featurize(texts))[name]
    assert [label for label, _ in answers] == [label for _, label in EXPECTED[name]]
    assert all(0.0 < probability <= 1.0 for _, probability in answers)


def test_topic_without_diacritics():
    model = _model("topic")
    texts = [normalize(fold(text)) for text, _ in EXPECTED["topic"]]
    answers = ModelSet([model]).predict(featurize(texts))["topic"]
    assert [label for label, _ in answers] == [label for _, label in EXPECTED["topic"]]


def test_artifacts_are_small():
    total = sum(p.stat().st_size for p in MODELS_DIR.glob("*.npz"))
    assert 0 < total <= 50_000_000


def test_an_artifact_from_other_features_is_refused(tmp_path):
    model = _model("sentiment")
    model.save(tmp_path)
    meta = (tmp_path / "sentiment.json").read_text(encoding="utf-8")
    stale = meta.replace(f'"features_version": {FEATURES_VERSION}', '"features_version": 0')
    (tmp_path / "sentiment.json").write_text(stale, encoding="utf-8")
    with pytest.raises(ModelFormatError, match="huấn luyện lại"):
        LinearModel.load(tmp_path, "sentiment")


def test_evaluate_command_prints_a_table(tmp_path, capsys):
    from nghedan.vitext.__main__ import main

    rows = [
        {"text": "thầy dạy rất nhiệt tình và dễ hiểu.", "sentiment": "positive"},
        {"text": "phòng học nóng, máy chiếu hư hoài không ai sửa.", "sentiment": "negative"},
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["evaluate", "--model", "sentiment", "--file", str(path)]) == 0
    table = capsys.readouterr().out
    assert "sentiment" in table and "1.0000" in table and "negative" in table


def test_evaluate_command_names_the_broken_line(tmp_path, capsys):
    from nghedan.vitext.__main__ import main

    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "tốt", "label": "clean"}\n{"text": oops\n', encoding="utf-8")
    assert main(["evaluate", "--model", "moderation", "--file", str(path)]) == 2
    assert "dòng 2" in capsys.readouterr().err
