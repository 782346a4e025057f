"""Annotation in the background: the task after an import writes what the engine read; a text
the engine cannot read gets an annotation saying so; the command (re)annotates."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from nghedan.insight.actions import do_annotate_texts
from nghedan.insight.models import Annotation, Text, TextEntity, TextPlace
from nghedan.insight.tests.helpers import NEWS_FILE, ScriptedEngine, analysis, import_content
from nghedan.lib import sweepers

pytestmark = pytest.mark.django_db

PLACE_NEWS = """date 2024-03
Ngập nặng ở phường Bến Nghé, quận 1
Sau cơn mưa chiều qua, nhiều tuyến đường thuộc phường Bến Nghé, quận 1, TP.HCM ngập sâu.
LÊ VĂN BA
"""


def test_the_task_after_an_import_annotates_with_the_real_engine(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        import_content(PLACE_NEWS, "news")
        import_content(
            '{"text": ""}\n{"text": "🙂🙂🙂 \\u0001"}\n{"text": "' + "x" * 3000 + '"}', "jsonl"
        )
    texts = Text.objects.all()
    assert texts.count() == 3
    assert Annotation.objects.count() == 3
    flood = Annotation.objects.get(text__title__startswith="Ngập nặng")
    assert flood.language == "vi" and flood.error == ""
    assert flood.text.language == "vi"
    assert flood.analyzed_at is not None
    assert "places" in flood.mentions and "text" not in flood.mentions
    # Bến Nghé (quận 1) became phường Sài Gòn in 2025.
    assert TextPlace.objects.filter(text=flood.text, commune__code="26740").exists()


def test_a_text_the_engine_cannot_read_gets_an_error_note_not_a_crash():
    import_content(
        '{"text": "Một văn bản tốt."}\n{"text": "Văn bản làm hỏng bộ phân tích."}', "jsonl"
    )

    class Breaking(ScriptedEngine):
        def analyze_many(self, texts, contexts=None):
            raise RuntimeError("batch failed")

        def analyze(self, text, context=""):
            if "hỏng" in text:
                raise ValueError("không đọc được")
            return analysis()

    assert do_annotate_texts(Text.objects.values_list("pk", flat=True), Breaking({})) == 2
    broken = Annotation.objects.get(text__body__contains="hỏng")
    assert "không đọc được" in broken.error and broken.topic == ""
    good = Annotation.objects.get(text__body__contains="tốt")
    assert (good.error, good.topic, good.sentiment) == ("", "chinh_tri_xa_hoi", "negative")


def test_annotating_again_replaces_the_reading():
    import_content(NEWS_FILE, "news")
    ids = list(Text.objects.values_list("pk", flat=True))
    engine = ScriptedEngine(
        {"vỉa hè": analysis(commune_code="26740", person="Nguyễn Văn A", organization="HĐND")}
    )
    do_annotate_texts(ids, engine)
    assert TextPlace.objects.count() == 1
    person = TextEntity.objects.get(kind=TextEntity.Kind.PERSON)
    assert (person.name, person.position) == ("Nguyễn Văn A", "Phó Bí thư Thành ủy")
    assert set(TextEntity.objects.filter(kind="organization").values_list("name", flat=True)) == {
        "Thành ủy", "HĐND",
    }  # fmt: skip
    do_annotate_texts(ids, ScriptedEngine({"vỉa hè": analysis(sentiment="positive")}))
    assert Annotation.objects.get().sentiment == "positive"
    assert not TextPlace.objects.exists() and not TextEntity.objects.exists()
    assert Annotation.objects.get().signature == [1, 2, 3]


def test_the_command_annotates_missing_texts_and_all_on_request():
    import_content(PLACE_NEWS, "news")
    import_content('{"text": "Người dân phản ánh rác thải ở kênh Nhiêu Lộc."}', "jsonl")
    do_annotate_texts([Text.objects.order_by("pk").first().pk])
    first = Annotation.objects.get()
    out = StringIO()
    call_command("annotate_texts", "--missing", stdout=out)
    assert Annotation.objects.count() == 2
    assert Annotation.objects.get(pk=first.pk).analyzed_at == first.analyzed_at
    call_command("annotate_texts", "--all", stdout=out)
    assert not Annotation.objects.filter(pk=first.pk).exists()
    assert Annotation.objects.count() == 2
    assert "2/2" in out.getvalue()


def test_the_sweep_requeues_texts_left_without_annotation():
    from datetime import timedelta

    from django.utils import timezone

    import_content(PLACE_NEWS, "news")
    assert {o.name: o.count for o in sweepers.run_all()}["insight.annotations"] == 0
    Text.objects.update(imported_at=timezone.now() - timedelta(hours=1))
    counts = {o.name: o.count for o in sweepers.run_all()}
    assert counts["insight.annotations"] == 1
    assert Annotation.objects.count() == 1


def test_a_comment_is_read_with_the_title_of_its_article(
    demo, client_for, django_capture_on_commit_callbacks
):
    """A comment's title is its article's: the engine reads it as the comment's context, while
    a news article's title is read as part of the article."""
    from nghedan.vitext.analyzer import shared_analyzer

    comment = "Lũ khốn nạn, quá nhẫn tâm và độc ác"
    title = "Bắt nghi phạm sát hại hai bé gái rồi bỏ trốn"
    lines = [
        {"text": comment, "title": title, "kind": "comment"},
        {"text": "Nghi phạm đã bị bắt sau hai ngày.", "title": title, "kind": "news"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        import_content("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), "jsonl")
    engine = shared_analyzer()
    read = Annotation.objects.get(text__kind="comment")
    in_article = engine.analyze(comment, title)
    assert in_article.read_in_article
    assert read.constructiveness_score == pytest.approx(in_article.constructiveness.score)
    alone = engine.analyze(comment).constructiveness.score
    assert read.constructiveness_score != pytest.approx(alone)
    news = Annotation.objects.get(text__kind="news")
    whole = engine.analyze(f"{title}\nNghi phạm đã bị bắt sau hai ngày.")
    assert news.constructiveness_score == pytest.approx(whole.constructiveness.score)
    # The comment's page says which readings used the title; the article's page does not.
    pages = {
        annotation.text.kind: client_for("phantich.thanhpho")
        .get(reverse("insight:text", args=[annotation.text_id]))
        .content.decode()
        for annotation in (read, news)
    }
    assert pages["comment"].count("đọc cùng tiêu đề bài báo") == 1
    assert "đọc cùng tiêu đề bài báo" not in pages["news"]
