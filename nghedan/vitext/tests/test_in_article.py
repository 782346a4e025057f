"""A comment read with the title of the article it answers: the context's own feature views,
the in-article models in place of the plain ones, and the evaluate command reading the title."""

import json

import numpy as np
import pytest

from nghedan.vitext.analyzer import IN_ARTICLE, MODELS_DIR, Analyzer
from nghedan.vitext.features import featurize, view_of
from nghedan.vitext.linear import LinearModel, ModelSet
from nghedan.vitext.normalize import normalize

COMMENT = "Lũ khốn nạn, quá nhẫn tâm và độc ác"
TITLE = "Bắt nghi phạm sát hại hai bé gái rồi bỏ trốn"
CONTEXT_VIEWS = {61, 62, 63, 64}


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(extractors=False)


# Committed: the in-article models that do better than the plain ones on comments under new
# articles too (see the model cards); toxicity_in_article does not, and is not committed.
COMMITTED = ["constructiveness_in_article"]


@pytest.mark.parametrize("name", COMMITTED)
def test_in_article_models_are_committed_with_their_context_field(name):
    model = LinearModel.load(MODELS_DIR, name)
    assert model.meta["context_field"] == "article_title"
    assert set(np.unique(view_of(model.keys))) & CONTEXT_VIEWS, "it learnt from the titles"
    assert "train_new_articles_out_of_fold" in model.meta["extra_scores"]
    assert (MODELS_DIR / f"{name}.md").exists()


def test_a_context_adds_keys_of_its_own_views_and_changes_no_other():
    alone = featurize([normalize(COMMENT)])
    with_title = featurize([normalize(COMMENT)], [normalize(TITLE)])
    added = np.setdiff1d(with_title.keys, alone.keys)
    assert len(added) and set(np.unique(view_of(added))) <= CONTEXT_VIEWS
    assert np.array_equal(
        np.sort(with_title.keys[~np.isin(with_title.keys, added)]), np.sort(alone.keys)
    )
    empty = featurize([normalize(COMMENT)], [""])
    assert np.array_equal(np.sort(empty.keys), np.sort(alone.keys))


def test_contexts_must_match_the_texts_one_for_one(analyzer):
    with pytest.raises(ValueError, match="cùng độ dài"):
        analyzer.analyze_many([COMMENT, COMMENT], [TITLE])
    with pytest.raises(ValueError, match="cùng độ dài"):
        analyzer.analyze_many([COMMENT], TITLE)


def test_a_comment_with_its_title_is_read_by_the_in_article_models(analyzer):
    plain, in_article, blank = analyzer.analyze_many([COMMENT, COMMENT, COMMENT], ["", TITLE, "  "])
    assert not plain.read_in_article and not blank.read_in_article
    assert in_article.read_in_article
    assert blank.constructiveness == plain.constructiveness
    batch = featurize([normalize(COMMENT)], [normalize(TITLE)])
    for name in COMMITTED:
        field = next(plain for plain, model in IN_ARTICLE.items() if model == name)
        model = LinearModel.load(MODELS_DIR, name)
        [(label, probability)] = ModelSet([model]).predict(batch)[name]
        read = getattr(in_article, field)
        assert (read.name, read.score) == (label, pytest.approx(probability))
        assert read.score != pytest.approx(getattr(plain, field).score)
    # The fields without an in-article model do not read the title.
    assert in_article.toxicity == plain.toxicity and in_article.topic == plain.topic


def test_text_the_models_do_not_read_is_not_said_to_be_read_in_article(analyzer):
    [empty] = analyzer.analyze_many([""], [TITLE])
    assert (
        empty.language == "empty" and not empty.read_in_article and empty.constructiveness is None
    )


def test_evaluate_reads_the_context_field_of_an_in_article_model(tmp_path, capsys):
    from nghedan.vitext.__main__ import main

    rows = [
        {"text": COMMENT, "constructive": 0, "article_title": TITLE},
        {"text": "haha", "constructive": 0, "article_title": TITLE},
        {"text": "Tôi nghĩ thành phố nên đầu tư thêm xe buýt", "constructive": 1},
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["evaluate", "--model", "constructiveness_in_article", "--file", str(path)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "_in_article" in line)
    assert row.split()[:2] == ["constructiveness_in_article", "3"]
