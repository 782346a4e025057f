"""A comment read with the title of the article it answers: the context's own feature views,
the in-article models in place of the plain ones, and the evaluate command reading the title."""

import json

import numpy as np
import pytest

from nghedan.vitext.analyzer import MODELS_DIR, Analyzer
from nghedan.vitext.features import context_key, featurize, view_of
from nghedan.vitext.linear import LinearModel, ModelSet
from nghedan.vitext.normalize import fold, normalize

COMMENT = "Lũ khốn nạn, quá nhẫn tâm và độc ác"
TITLE = "Bắt nghi phạm sát hại hai bé gái rồi bỏ trốn"
CONTEXT_VIEWS = {61, 62, 63, 64}


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(extractors=False)


# constructiveness_in_article helps under new articles too and reads every titled comment;
# toxicity_in_article does worse there and reads only comments under the articles it knows.
POLICIES = {"constructiveness_in_article": "all", "toxicity_in_article": "known"}


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_in_article_models_are_committed_with_their_context_policy(name):
    model = LinearModel.load(MODELS_DIR, name)
    assert model.meta["context_field"] == "article_title"
    assert model.meta["context_policy"] == POLICIES[name]
    assert bool(model.meta.get("known_contexts")) == (POLICIES[name] == "known")
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


def in_article_answer(name: str, comment: str, title: str) -> tuple[str, float]:
    model = LinearModel.load(MODELS_DIR, name)
    batch = featurize([normalize(comment)], [normalize(title)])
    [answer] = ModelSet([model]).predict(batch)[name]
    return answer


def test_a_comment_under_a_new_article_is_read_with_its_title_where_that_helps(analyzer):
    plain, in_article, blank = analyzer.analyze_many([COMMENT] * 3, ["", TITLE, "  "])
    assert plain.read_in_article == blank.read_in_article == ()
    assert blank.constructiveness == plain.constructiveness
    # Constructiveness reads every titled comment; toxicity only under the articles it knows.
    assert in_article.read_in_article == ("constructiveness",)
    label, probability = in_article_answer("constructiveness_in_article", COMMENT, TITLE)
    assert in_article.constructiveness.name == label
    assert in_article.constructiveness.score == pytest.approx(probability)
    assert in_article.constructiveness.score != pytest.approx(plain.constructiveness.score)
    assert in_article.toxicity == plain.toxicity and in_article.topic == plain.topic


def test_a_comment_under_an_article_the_model_knows_is_read_with_its_title(tmp_path):
    """The same comment under two titles, one of them among toxicity_in_article's known
    articles (written into a copy of the models folder)."""
    for artifact in MODELS_DIR.glob("*.*"):
        if artifact.suffix in (".json", ".npz"):
            (tmp_path / artifact.name).write_bytes(artifact.read_bytes())
    meta_path = tmp_path / "toxicity_in_article.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    # Known whatever its diacritics, case and punctuation.
    known = context_key(normalize("BẮT NGHI PHẠM SÁT HẠI HAI BÉ GÁI, RỒI BỎ TRỐN!"))
    meta["known_contexts"] = [f"{known:016x}"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    other = "Xe buýt điện chạy thử trên đường Nguyễn Huệ"
    known_one, new_one = Analyzer(tmp_path, extractors=False).analyze_many(
        [COMMENT, COMMENT], [fold(TITLE), other]
    )
    assert set(known_one.read_in_article) == {"toxicity", "constructiveness"}
    label, probability = in_article_answer("toxicity_in_article", COMMENT, fold(TITLE))
    assert (known_one.toxicity.name, known_one.toxicity.score) == (
        label,
        pytest.approx(probability),
    )
    assert new_one.read_in_article == ("constructiveness",)
    assert new_one.toxicity == Analyzer(tmp_path, extractors=False).analyze(COMMENT).toxicity


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


def test_the_analyze_command_reads_a_comment_with_its_title(capsys):
    from nghedan.vitext.__main__ import main

    assert main(["analyze", COMMENT, "--context", TITLE]) == 0
    with_title = json.loads(capsys.readouterr().out)
    assert main(["analyze", COMMENT]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert with_title["read_in_article"] == ["constructiveness"] and alone["read_in_article"] == []
    assert with_title["constructiveness"] != alone["constructiveness"]
