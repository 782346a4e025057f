"""Gates: a model's label is withheld, with the reason, when the text is unlike what the model
learnt from or when the model is unsure; the training command sets both bounds from held-out
rows; the committed sentiment model no longer calls a news report negative."""

import json

import numpy as np
import pytest

from nghedan.vitext.__main__ import main
from nghedan.vitext.analyzer import MODELS_DIR, Analyzer
from nghedan.vitext.cards import render
from nghedan.vitext.features import featurize, prepare
from nghedan.vitext.linear import Gate, LinearModel, ModelSet
from nghedan.vitext.normalize import normalize
from nghedan.vitext.tokens import syllables
from nghedan.vitext.training import TASKS, Split, encode, fit, fit_gate

NEWS_REPORT = (
    "Sáng 12/3, Ủy ban nhân dân phường Sài Gòn tổ chức hội nghị đối thoại với người dân về "
    "kế hoạch cải tạo hệ thống thoát nước trên đường Nguyễn Hữu Cảnh; lãnh đạo phường đã tiếp "
    "thu các ý kiến và giao bộ phận chuyên môn trả lời trong 10 ngày làm việc."
)
STUDENT_FEEDBACK = "thầy dạy rất nhiệt tình và dễ hiểu, em rất thích môn học này."


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(extractors=False)


def test_a_gate_names_its_first_reason():
    gate = Gate(min_known_share=0.6, max_syllables=40, min_probability=0.4)
    probabilities = np.array([0.9, 0.9, 0.9, 0.35, 0.35, 0.9])
    shares = np.array([0.8, np.nan, 0.3, 0.8, 0.3, 0.8])  # NaN: too short to judge
    syllables = np.array([10, 2, 10, 10, 50, 41])
    withheld = gate.withheld(probabilities, shares, syllables)
    assert sorted(withheld) == [2, 3, 4, 5]
    assert (withheld[2].reason, withheld[2].value, withheld[2].threshold) == (
        "unfamiliar",
        0.3,
        0.6,
    )
    assert (withheld[3].reason, withheld[3].threshold) == ("unsure", 0.4)
    assert withheld[4].reason == "unfamiliar"  # unfamiliar, too long and unsure: the first
    assert (withheld[5].reason, withheld[5].value) == ("too_long", 41)
    assert Gate.from_meta({}) == Gate()
    assert Gate().withheld(probabilities, shares, syllables) == {}


def test_the_committed_sentiment_model_withholds_on_a_news_report(analyzer):
    report = analyzer.analyze(NEWS_REPORT)
    assert report.sentiment is None
    [withheld] = [w for w in report.withheld if w.field == "sentiment"]
    assert withheld.reason == "unfamiliar"
    assert withheld.value < withheld.threshold
    assert withheld.label  # what the model would have said stays readable
    assert json.dumps(report.as_dict()["withheld"], ensure_ascii=False)
    # The topic model, trained on news, reads the same report.
    assert report.topic is not None
    feedback = analyzer.analyze(STUDENT_FEEDBACK)
    assert feedback.sentiment is not None and feedback.sentiment.name == "positive"
    assert not [w for w in feedback.withheld if w.field == "sentiment"]


def test_a_text_too_short_to_judge_is_never_unfamiliar(analyzer):
    for text in ("tuyệt vời", "😡😡😡"):
        result = analyzer.analyze(text)
        assert not [w for w in result.withheld if w.reason == "unfamiliar"], text


def test_withheld_answers_match_the_gates_stored_with_the_models(analyzer):
    texts = [NEWS_REPORT, STUDENT_FEEDBACK, "ngu vcl", "video hay quá, cảm ơn bạn đã chia sẻ"]
    raw = analyzer.models.predict(featurize([normalize(t) for t in texts]))
    for i, result in enumerate(analyzer.analyze_many(texts)):
        for name in analyzer.model_names:
            label, probability = raw[name][i]
            given, withheld = getattr(result, name), [w for w in result.withheld if w.field == name]
            assert (given is None) == bool(withheld), (name, texts[i])
            if given is None:
                assert withheld[0].label == label
            else:
                assert probability >= analyzer.models.models[name].gate.min_probability


SENTENCES = [
    ("thầy dạy rất nhiệt tình", "positive"),
    ("cô giảng bài dễ hiểu và vui", "positive"),
    ("thầy nhiệt tình và vui tính", "positive"),
    ("phòng học nóng và ồn ào", "negative"),
    ("máy chiếu hư không ai sửa", "negative"),
    ("phòng học ồn ào và nóng bức", "negative"),
]
LABELS = ["negative", "positive"]


def test_the_training_command_sets_the_gate_from_held_out_rows():
    split = Split([t for t, _ in SENTENCES], [label for _, label in SENTENCES])
    data = encode(split, LABELS)
    # The sentiment method keeps n-grams seen once, as these few sentences need.
    method = next(m for m in TASKS["sentiment"].grid if m.params.get("min_count") == 1)
    model = fit("sentiment", data, method)
    # Held-out scores: confident and right on four rows, unsure and wrong on two.
    held_scores = np.array([[-3, 3], [-2, 2], [-0.1, 0.1], [3, -3], [2, -2], [0.1, -0.1]])
    held_y = np.array([1, 1, 0, 0, 0, 1])
    held = type(data)(data.rows, held_y, LABELS)
    dev_texts = [NEWS_REPORT, *split.texts]
    dev = encode(Split(dev_texts, ["negative", *split.labels]), LABELS)
    found = fit_gate(model, held_scores, held, dev, short_texts=[dev])
    # The bound sits between the right answers' probabilities and the wrong ones'.
    p_wrong = 1 / (1 + np.exp(-0.2 / model.temperature))
    p_right = 1 / (1 + np.exp(-4 / model.temperature))
    assert p_wrong < found["min_probability"] <= p_right
    assert model.meta["gate"]["min_probability"] == found["min_probability"]
    # Dev texts like the training sentences are familiar; the news report is withheld.
    assert found["min_known_share"] > 0
    assert found["dev"]["rows"] == 7 and found["dev"]["unfamiliar"] >= 1
    assert found["max_syllables"] == max(len(syllables(prepare(normalize(t)))) for t in dev_texts)
    counted = ("answered", "unfamiliar", "too_long", "unsure")
    assert sum(found["dev"][key] for key in counted) == 7
    answers = ModelSet([model]).answer(dev.rows)["sentiment"]
    assert answers[0].withheld is not None and answers[0].withheld.reason == "unfamiliar"


def test_an_answer_is_given_by_a_model_without_a_gate():
    model = LinearModel.load(MODELS_DIR, "sentiment")
    model.meta.pop("gate")
    [answer] = ModelSet([model]).answer(featurize([normalize(NEWS_REPORT)]))["sentiment"]
    assert answer.withheld is None


def test_the_card_says_when_answers_are_withheld():
    meta = json.loads((MODELS_DIR / "sentiment.json").read_text(encoding="utf-8"))
    card = render(meta, 1_000_000)
    assert "## When the answer is withheld" in card
    assert f"{meta['gate']['min_known_share']:.0%}" in card
    assert f"{meta['gate']['dev']['answered']}" in card
    assert "retrain it" in render({**meta, "gate": None}, 1_000_000)


def test_evaluate_prints_the_scores_through_the_gate(tmp_path, capsys):
    rows = [
        {"text": STUDENT_FEEDBACK, "sentiment": "positive"},
        {"text": "phòng học nóng, máy chiếu hư hoài không ai sửa.", "sentiment": "negative"},
        {"text": NEWS_REPORT, "sentiment": "neutral"},
    ]
    labelled = tmp_path / "mine.jsonl"
    labelled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    assert main(["evaluate", "--model", "sentiment", "--file", str(labelled)]) == 0
    printed = capsys.readouterr().out
    assert "trả lời 2/3 dòng" in printed
    assert "sentiment (answered)" in printed
