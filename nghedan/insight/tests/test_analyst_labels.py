"""Analysts correct the engine: a label given on a text's page is shown beside the engine's,
wins in the list and its filters, is audited, and becomes a training row for that field's
model (`export_text_labels`)."""

import gzip
import html
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.insight.actions import do_annotate_texts, do_label_text, engine_input
from nghedan.insight.models import AnalystLabel, Text
from nghedan.insight.tests.helpers import ScriptedEngine, analysis, import_content
from nghedan.lib.refusal import Refused
from nghedan.vitext.__main__ import main as vitext_main
from nghedan.vitext.analyzer import Analyzer
from nghedan.vitext.evaluation import labelled_rows

pytestmark = pytest.mark.django_db
ANALYST = "phantich.thanhpho"
LEADER = "lanhdao.thanhpho"

CORPUS = "\n".join(
    [
        '{"text": "Phường Sài Gòn khen thưởng tổ dân phố làm tốt công tác dân vận.",'
        ' "title": "Khen thưởng"}',
        '{"text": "Cần lắp thêm đèn ở hẻm này, tối quá.", "title": "Đường tối ở hẻm 12",'
        ' "kind": "comment"}',
    ]
)


@pytest.fixture
def texts(demo):
    import_content(CORPUS, "jsonl")
    engine = ScriptedEngine({"khen": analysis(sentiment="negative", topic="chinh_tri_xa_hoi")})
    do_annotate_texts(Text.objects.values_list("pk", flat=True), engine)
    return {text.kind: text for text in Text.objects.all()}


def label(browser, text, **fields):
    return browser.post(reverse("insight:label_text", args=[text.pk]), fields)


def test_an_analyst_corrects_the_engine_on_the_page(client_for, texts):
    news = texts[Text.Kind.NEWS]
    browser = client_for(ANALYST)
    response = label(browser, news, sentiment="positive", moderation="clean")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/van-ban/{news.pk}/#analyst-labels")
    stored = {a.field: a for a in AnalystLabel.objects.filter(text=news)}
    assert {f: a.label for f, a in stored.items()} == {
        "sentiment": "positive",
        "moderation": "clean",
    }
    assert stored["sentiment"].engine_label == "negative"
    assert stored["sentiment"].labelled_by.username == ANALYST
    entry = AuditEntry.objects.get(action="insight.label")
    assert entry.data["changes"]["sentiment"] == {"from": "", "to": "positive"}

    page = browser.get(reverse("insight:text", args=[news.pk])).content.decode()
    assert "Đã lưu nhãn của phân tích viên: Sắc thái, Kiểm duyệt." in page
    # The engine's reading and the analyst's, side by side.
    assert '<th scope="row">Sắc thái</th><td>Tiêu cực</td><td>80%</td><td>Tích cực</td>' in page
    assert '<option value="positive" selected>Tích cực</option>' in page


def test_a_label_is_changed_cleared_or_left_as_it_is(client_for, texts):
    news = texts[Text.Kind.NEWS]
    browser = client_for(LEADER)
    label(browser, news, sentiment="positive")
    label(browser, news, sentiment="neutral")
    assert list(AnalystLabel.objects.values_list("label", flat=True)) == ["neutral"]
    page = browser.get(label(browser, news, sentiment="neutral")["Location"]).content.decode()
    assert "Các nhãn không thay đổi." in page
    label(browser, news, sentiment="")
    assert not AnalystLabel.objects.exists()
    changes = [
        e.data["changes"]["sentiment"]
        for e in AuditEntry.objects.filter(action="insight.label").order_by("seq")
    ]
    assert changes == [
        {"from": "", "to": "positive"},
        {"from": "positive", "to": "neutral"},
        {"from": "neutral", "to": ""},
    ]


def test_a_label_not_in_the_list_is_refused_and_nothing_changes(client_for, texts):
    news = texts[Text.Kind.NEWS]
    browser = client_for(ANALYST)
    label(browser, news, sentiment="positive")
    response = label(browser, news, sentiment="vui vẻ", moderation="clean")
    assert response.status_code == 400
    page = response.content.decode()
    assert "“vui vẻ” không có trong danh sách: hãy chọn một nhãn trong danh sách." in page
    assert list(AnalystLabel.objects.values_list("field", "label")) == [("sentiment", "positive")]


def seen_on(page: str) -> str:
    """The labels a page showed, as its form sends them back."""
    found = re.search(r'name="seen" value="([^"]*)"', page)
    assert found, "the page has no labels form"
    return html.unescape(found.group(1))


def test_a_label_changed_meanwhile_is_not_overwritten_unseen(client_for, texts):
    news = texts[Text.Kind.NEWS]
    analyst, leader = client_for(ANALYST), client_for(LEADER)
    page = analyst.get(reverse("insight:text", args=[news.pk])).content.decode()
    label(leader, news, sentiment="positive")  # while the analyst reads

    response = label(analyst, news, sentiment="neutral", seen=seen_on(page))
    assert response.status_code == 409
    refused = response.content.decode()
    assert (
        "Trong lúc bạn xem trang, Phan Thị Ngọc đã đổi nhãn “Sắc thái” thành “Tích cực”. "
        "Nhãn của bạn chưa được lưu"
    ) in refused
    assert list(AnalystLabel.objects.values_list("label", flat=True)) == ["positive"]
    assert '<option value="neutral" selected>Trung tính</option>' in refused  # their choice kept

    # Having seen it, they save again: now it is theirs.
    assert label(analyst, news, sentiment="neutral", seen=seen_on(refused)).status_code == 302
    assert list(AnalystLabel.objects.values_list("label", flat=True)) == ["neutral"]
    assert AuditEntry.objects.filter(action="insight.label").count() == 2


def test_choosing_what_was_stored_meanwhile_or_another_field_is_no_conflict(client_for, texts):
    news = texts[Text.Kind.NEWS]
    analyst, leader = client_for(ANALYST), client_for(LEADER)
    seen = seen_on(analyst.get(reverse("insight:text", args=[news.pk])).content.decode())
    label(leader, news, sentiment="positive")
    assert label(analyst, news, sentiment="positive", seen=seen).status_code == 302
    assert label(analyst, news, moderation="clean", seen=seen).status_code == 302
    stored = dict(AnalystLabel.objects.values_list("field", "label"))
    assert stored == {"sentiment": "positive", "moderation": "clean"}


@pytest.mark.parametrize("seen", ["{", '["positive"]', '{"sentiment": 1}'])
def test_a_tampered_page_is_told_to_reload_and_nothing_changes(client_for, texts, seen):
    news = texts[Text.Kind.NEWS]
    response = label(client_for(ANALYST), news, sentiment="positive", seen=seen)
    assert response.status_code == 400
    assert "Trang đã cũ hoặc bị sửa: hãy tải lại trang rồi chọn nhãn lần nữa." in (
        response.content.decode()
    )
    assert not AnalystLabel.objects.exists()


def test_comments_take_toxicity_and_news_do_not(client_for, texts):
    browser = client_for(ANALYST)
    comment, news = texts[Text.Kind.COMMENT], texts[Text.Kind.NEWS]
    assert (
        'name="toxicity"'
        in browser.get(reverse("insight:text", args=[comment.pk])).content.decode()
    )
    assert (
        'name="toxicity"'
        not in browser.get(reverse("insight:text", args=[news.pk])).content.decode()
    )
    label(browser, comment, toxicity="not_toxic", constructiveness="constructive")
    assert AnalystLabel.objects.filter(text=comment).count() == 2
    # The action itself refuses a field the text does not take, whatever the form sent.
    with pytest.raises(Refused) as refused:
        do_label_text("kiểm thử", news, {"toxicity": "toxic"})
    assert refused.value.field == "toxicity"
    assert not AnalystLabel.objects.filter(text=news).exists()


NOT_READERS = [
    None, "nguoidan.kim", "quantri.thanhpho", "quantri.saigon", "tiepnhan.saigon", "xuly.saigon",
    "giamsat.mttq.saigon", "giamsat.dandan", "daibieu.hdnd", "tiepnhan.benthanh",
]  # fmt: skip


@pytest.mark.parametrize("persona", ["lanhdao.saigon", LEADER, ANALYST])
def test_the_readers_of_the_texts_label_them(client_for, texts, persona):
    assert (
        label(client_for(persona), texts[Text.Kind.NEWS], sentiment="positive").status_code == 302
    )
    assert AnalystLabel.objects.get().labelled_by.username == persona


@pytest.mark.parametrize("persona", NOT_READERS)
def test_nobody_else_labels_them(client_for, texts, persona):
    news = texts[Text.Kind.NEWS]
    response = label(client_for(persona), news, sentiment="positive")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/dang-nhap/")
    assert not AnalystLabel.objects.exists()


def test_the_page_is_posted_to_not_fetched(client_for, texts):
    url = reverse("insight:label_text", args=[texts[Text.Kind.NEWS].pk])
    assert client_for(ANALYST).get(url).status_code == 405


def test_the_list_and_its_filter_prefer_the_analysts_label(client_for, texts):
    news = texts[Text.Kind.NEWS]
    browser = client_for(ANALYST)
    label(browser, news, sentiment="positive")
    found = browser.get(reverse("insight:texts") + "?sentiment=positive")
    assert [t.pk for t in found.context["page"]] == [news.pk]
    assert "Tích cực <abbr" in found.content.decode()
    negative = browser.get(reverse("insight:texts") + "?sentiment=negative")
    assert news.pk not in [t.pk for t in negative.context["page"]]
    # The comment, which no analyst labelled, is still found by the engine's reading.
    engine_said = browser.get(reverse("insight:texts") + "?topic=chinh_tri_xa_hoi")
    assert {t.pk for t in engine_said.context["page"]} == {news.pk, texts[Text.Kind.COMMENT].pk}


def test_the_labels_become_training_rows(client_for, texts, tmp_path):
    browser = client_for(ANALYST)
    label(browser, texts[Text.Kind.NEWS], sentiment="positive")
    label(browser, texts[Text.Kind.COMMENT], sentiment="negative", toxicity="not_toxic")
    out = tmp_path / "sentiment.jsonl"
    said = StringIO()
    call_command("export_text_labels", "sentiment", str(out), stdout=said)
    assert "Đã ghi 2 nhãn" in said.getvalue()
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["label"] for row in rows] == ["positive", "negative"]
    # The text as the engine reads it: a news item with its title, a comment with its article.
    assert rows[0]["text"].startswith("Khen thưởng\nPhường Sài Gòn")
    assert rows[1]["article_title"] == "Đường tối ở hẻm 12"
    assert rows[1]["text"] == "Cần lắp thêm đèn ở hẻm này, tối quá."
    # The format the training command's --extra reads.
    read = labelled_rows(out, "label", context_field="article_title")
    assert read.labels == ["positive", "negative"] and read.contexts[1] == "Đường tối ở hẻm 12"
    assert AuditEntry.objects.filter(action="insight.export_labels").count() == 1


def test_the_export_names_a_bad_field_or_folder(tmp_path):
    with pytest.raises(CommandError, match="Không có trường “mood”"):
        call_command("export_text_labels", "mood", str(tmp_path / "x.jsonl"))
    with pytest.raises(CommandError, match="Không có thư mục"):
        call_command("export_text_labels", "sentiment", str(tmp_path / "no" / "x.jsonl"))


STUDENTS = [
    ("thầy dạy rất nhiệt tình", "positive"), ("cô giảng bài dễ hiểu và vui", "positive"),
    ("môn học rất bổ ích", "positive"), ("giảng viên thân thiện và tận tâm", "positive"),
    ("phòng học nóng và ồn ào", "negative"), ("máy chiếu hư không ai sửa", "negative"),
    ("giảng viên đi dạy trễ", "negative"), ("bài tập quá nhiều và khó", "negative"),
    ("môn học có ba tín chỉ", "neutral"), ("lớp học vào buổi sáng", "neutral"),
    ("giáo trình do khoa phát", "neutral"), ("lịch thi sẽ thông báo sau", "neutral"),
]  # fmt: skip


def write_students(folder):
    """A data folder laid out as the training command reads it, with a few sentences."""
    (folder / "uit_vsfc").mkdir(parents=True)
    for split in ("train", "dev"):
        with gzip.open(folder / "uit_vsfc" / f"{split}.jsonl.gz", "wt", encoding="utf-8") as out:
            for text, label in STUDENTS:
                out.write(json.dumps({"text": text, "sentiment": label}, ensure_ascii=False) + "\n")


def test_a_model_retrained_with_the_labels_reads_the_citys_texts(client_for, texts, tmp_path):
    # The loop as an operator runs it: label on the page, export, train with --extra.
    news = texts[Text.Kind.NEWS]
    label(client_for(ANALYST), news, sentiment="positive")
    rows = tmp_path / "sentiment-analysts.jsonl"
    call_command("export_text_labels", "sentiment", str(rows), stdout=StringIO())
    write_students(tmp_path / "data")
    models = tmp_path / "models"
    trained = vitext_main(["train", "--task", "sentiment", "--data", str(tmp_path / "data"),
                           "--extra", str(rows), "--out", str(models)])  # fmt: skip
    assert trained == 0 and (models / "sentiment.md").exists()
    read = engine_input(news)
    before = Analyzer(extractors=False).analyze(read.text)
    assert before.sentiment is None  # the shipped model never saw such a text
    after = Analyzer(models, extractors=False).analyze(read.text)
    assert after.sentiment is not None and after.sentiment.name == "positive"
