"""The sentiment model's training choices: syllable views only, n-grams seen once kept, and
out-of-fold offsets; and the committed model still reading text typed without diacritics."""

import numpy as np

from nghedan.vitext.analyzer import MODELS_DIR
from nghedan.vitext.features import featurize, view_of
from nghedan.vitext.linear import LinearModel, ModelSet
from nghedan.vitext.normalize import fold, normalize
from nghedan.vitext.training import TASKS, WORD_VIEWS, Method, Split, encode, fit

SENTENCES = [
    ("thầy dạy rất nhiệt tình", "positive"),
    ("cô giảng bài dễ hiểu và vui", "positive"),
    ("phòng học nóng và ồn ào", "negative"),
    ("máy chiếu hư không ai sửa", "negative"),
    ("môn học có ba tín chỉ", "neutral"),
    ("lớp học vào buổi sáng", "neutral"),
]
LABELS = ["negative", "neutral", "positive"]


def _chosen_method() -> Method:
    return next(m for m in TASKS["sentiment"].grid if m.params.get("views") == WORD_VIEWS)


def test_sentiment_grid_offers_the_syllable_model_tuned_out_of_fold():
    method = _chosen_method()
    assert method.params["min_count"] == 1
    assert TASKS["sentiment"].folds >= 2


def test_syllable_model_keeps_only_its_views_and_rare_ngrams():
    data = encode(Split([t for t, _ in SENTENCES], [label for _, label in SENTENCES]), LABELS)
    model = fit("sentiment", data, _chosen_method())
    assert set(np.unique(view_of(model.keys))) <= set(WORD_VIEWS)
    # Every syllable of these sentences occurs once or twice: with min_count 1 all are kept.
    once = featurize([normalize("ồn ào")]).keys
    assert np.isin(once[view_of(once) == 11], model.keys).all()


def test_committed_sentiment_model_reads_text_without_diacritics():
    model = LinearModel.load(MODELS_DIR, "sentiment")
    texts = [
        "thầy dạy rất nhiệt tình và dễ hiểu.",
        "phòng học nóng, máy chiếu hư hoài không ai sửa.",
    ]
    plain = [normalize(fold(t)) for t in texts]
    answers = ModelSet([model]).predict(featurize(plain))["sentiment"]
    assert [label for label, _ in answers] == ["positive", "negative"]
