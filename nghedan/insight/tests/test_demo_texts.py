"""The demo's texts from outside: imported once by the demo command, annotated like any import,
and shown to the analysts only."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from nghedan.audit.models import AuditEntry
from nghedan.insight.demo import DEMO_SOURCE, DEMO_TEXTS, demo_items, load_demo_texts
from nghedan.insight.models import Annotation, ImportBatch, Text, TextPlace
from nghedan.vitext.normalize import has_diacritics

pytestmark = pytest.mark.django_db
ANALYST = "phantich.thanhpho"
SAI_GON = "26740"


def demo_line_count() -> int:
    return sum(1 for line in DEMO_TEXTS.read_text(encoding="utf-8").splitlines() if line.strip())


def test_the_demo_command_imports_every_demo_text_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("load_demo", verbosity=0)
    batch = ImportBatch.objects.get()
    assert 30 <= batch.imported_count == demo_line_count() <= 40
    assert (batch.duplicate_count, batch.refused_count) == (0, 0)
    assert Text.objects.filter(source_name=DEMO_SOURCE).count() == batch.imported_count
    assert AuditEntry.objects.filter(action="insight.import").count() == 1
    assert queued, "the annotation is queued when the import commits"

    call_command("load_demo", verbosity=0)
    assert Text.objects.count() == batch.imported_count
    assert ImportBatch.objects.count() == 1
    assert AuditEntry.objects.filter(action="insight.import").count() == 1


def test_the_demo_texts_are_annotated_as_an_import_is(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    assert Annotation.objects.count() == Text.objects.count() > 0
    assert not Annotation.objects.exclude(error="").exists()
    # The engine found the new ward named in the news items.
    assert TextPlace.objects.filter(commune__code=SAI_GON).exists()


def test_the_engine_withholds_labels_it_cannot_back_on_the_demo_news(
    client_for, django_capture_on_commit_callbacks
):
    # The sentiment model learnt from students' feedback and the moderation model from short
    # social-media comments: on the demo's news items they used to say "negative" of praise
    # and "hate" of plain reports. Now they leave the label empty and say why.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    news = Annotation.objects.filter(text__kind=Text.Kind.NEWS)
    assert news.exists()
    assert not news.exclude(sentiment="").exists()
    assert not Annotation.objects.filter(moderation="hate").exists()
    annotation = news.first()
    [withheld] = [w for w in annotation.mentions["withheld"] if w["field"] == "sentiment"]
    assert withheld["reason"] == "unfamiliar"
    assert annotation.topic, "the topic model, trained on news, still reads them"
    page = client_for(ANALYST).get(reverse("insight:text", args=[annotation.text_id]))
    html = page.content.decode()
    assert "Sắc thái</th><td>Không kết luận" in html
    assert "văn bản khác xa loại văn bản mô hình đã học" in html


def test_a_text_missing_from_the_demo_is_added_alone(demo):
    load_demo_texts()
    Text.objects.filter(pk=Text.objects.order_by("pk").first().pk).delete()
    batch = load_demo_texts()
    assert batch is not None and (batch.imported_count, batch.duplicate_count) == (1, 0)
    assert Text.objects.count() == demo_line_count()


def test_the_dates_are_the_last_months_before_the_day_of_loading():
    items = demo_items(date(2026, 3, 15))
    dates = sorted(date.fromisoformat(item["date"]) for item in items)
    assert dates[-1] <= date(2026, 3, 15)
    assert dates[0] >= date(2025, 9, 15)
    assert len({(day.year, day.month) for day in dates}) >= 4


def test_the_demo_holds_every_kind_and_texts_without_diacritics():
    items = demo_items(date(2026, 3, 15))
    assert {item["kind"] for item in items} == {"news", "comment", "grassroots"}
    assert any(not has_diacritics(item["text"]) for item in items)


def test_the_analyst_sees_the_demo_texts(client_for, demo):
    load_demo_texts()
    response = client_for(ANALYST).get(reverse("insight:texts"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == demo_line_count()
    assert "Phường Sài Gòn đối thoại với người dân" in response.content.decode()


def test_the_demo_texts_are_not_shown_to_a_citizen_or_an_anonymous_visitor(client_for, demo):
    load_demo_texts()
    citizen = client_for("nguoidan.kim").get(reverse("insight:texts"))
    assert citizen.status_code == 403
    assert "Phường Sài Gòn đối thoại" not in citizen.content.decode()
    anonymous = client_for(None).get(reverse("insight:texts"))
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous.url
