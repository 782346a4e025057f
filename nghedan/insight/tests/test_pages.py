"""The insight pages as the personas use them: browse with filters (a query count that does not
grow with the page), one text with its annotations, uploading a file, running feeds."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nghedan.insight.actions import do_add_feed, do_annotate_texts
from nghedan.insight.models import Feed, ImportBatch, Text
from nghedan.insight.tests.helpers import JSONL_FILE, ScriptedEngine, analysis, import_content

pytestmark = pytest.mark.django_db
ANALYST = "phantich.thanhpho"
LEADER = "lanhdao.thanhpho"
ADMIN = "quantri.thanhpho"

CORPUS = "\n".join(
    [
        '{"text": "Ngập ở phường Sài Gòn sau mưa.", "title": "Ngập", "date": "2024-03-02"}',
        '{"text": "Đồng chí Nguyễn Văn A thăm trường học.", "title": "Thăm trường",'
        ' "date": "2024-05-10", "kind": "comment"}',
        '{"text": "Giá cả thị trường ổn định.", "title": "Thị trường", "date": "2023-12-01"}',
    ]
)


@pytest.fixture
def annotated(demo):
    import_content(CORPUS, "jsonl")
    engine = ScriptedEngine(
        {
            "Ngập": analysis(sentiment="negative", category="infrastructure", commune_code="26740"),
            "trường học": analysis(
                topic="van_hoa", sentiment="positive", category="education",
                person="Nguyễn Văn A", organization="Ủy ban nhân dân Thành phố",
            ),
            "Giá cả": analysis(topic="kinh_doanh", sentiment="neutral", category="other"),
        }
    )  # fmt: skip
    do_annotate_texts(Text.objects.values_list("pk", flat=True), engine)


def titles(response) -> set[str]:
    return {text.title for text in response.context["page"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Ngập", "Thăm trường", "Thị trường"}),
        ("?q=ngap", {"Ngập"}),
        ("?q=TRƯỜNG", {"Thăm trường", "Thị trường"}),
        ("?kind=comment", {"Thăm trường"}),
        ("?topic=kinh_doanh", {"Thị trường"}),
        ("?category=infrastructure", {"Ngập"}),
        ("?sentiment=positive", {"Thăm trường"}),
        ("?commune=26740", {"Ngập"}),
        ("?person=nguyen+van", {"Thăm trường"}),
        ("?organization=ủy+ban", {"Thăm trường"}),
        ("?date_from=2024-01-01", {"Ngập", "Thăm trường"}),
        ("?date_from=2024-01-01&date_to=2024-04-01", {"Ngập"}),
        ("?sentiment=negative&kind=comment", set()),
    ],
)
def test_the_browse_filters(client_for, annotated, query, expected):
    response = client_for(ANALYST).get(reverse("insight:texts") + query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_the_list_shows_labels_and_places(client_for, annotated):
    page = client_for(LEADER).get(reverse("insight:texts")).content.decode()
    assert "Phường Sài Gòn" in page and "Hạ tầng" in page and "Tích cực" in page


def test_the_list_query_count_does_not_grow_with_the_page(client_for, demo):
    import_content(CORPUS, "jsonl")
    do_annotate_texts(Text.objects.values_list("pk", flat=True), ScriptedEngine({}))
    browser = client_for(ANALYST)
    browser.get(reverse("insight:texts"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        browser.get(reverse("insight:texts"))
    lines = "\n".join(json.dumps({"text": f"Văn bản số {n} về {'x' * n}."}) for n in range(40))
    import_content(lines, "jsonl")
    do_annotate_texts(
        Text.objects.values_list("pk", flat=True),
        ScriptedEngine({"Văn bản số": analysis(commune_code="26740")}),
    )
    with CaptureQueriesContext(connection) as many:
        response = browser.get(reverse("insight:texts"))
    assert len(response.context["page"]) == 25
    assert len(many) == len(few)


def test_one_text_shows_its_annotations(client_for, annotated):
    visit = Text.objects.get(title="Thăm trường")
    page = client_for(ANALYST).get(reverse("insight:text", args=[visit.pk])).content.decode()
    assert "Nguyễn Văn A" in page and "Phó Bí thư" in page
    assert "Văn hóa" in page and "90%" in page
    assert "?person=Nguy%E1%BB%85n%20V%C4%83n%20A" in page
    # A comment's title is its article's: shown as such, the comment headed by its own words.
    assert "<h1>Đồng chí Nguyễn Văn A thăm trường học.</h1>" in page
    assert "Bình luận dưới bài</dt><dd>Thăm trường</dd>" in page


def test_a_text_not_yet_annotated_says_so(client_for, demo):
    import_content('{"text": "Chưa phân tích."}', "jsonl")
    text = Text.objects.get()
    page = client_for(ANALYST).get(reverse("insight:text", args=[text.pk])).content.decode()
    assert "đang chờ phân tích" in page


def test_an_analyst_uploads_a_file_and_sees_each_line(client_for, demo):
    upload = SimpleUploadedFile("y-kien.jsonl", JSONL_FILE.encode(), "application/json")
    response = client_for(ANALYST).post(
        reverse("insight:import"), {"file": upload, "kind": "news", "source_name": "Mạng xã hội"}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("insight:batch", args=[batch.pk])
    assert batch.created_by.username == ANALYST and batch.source == "upload"
    page = client_for(ANALYST).get(response.url).content.decode()
    assert "Đã nhập 2, đã có sẵn 1, bị từ chối 3." in page
    assert "Không đọc được JSON" in page
    assert Text.objects.filter(source_name="Mạng xã hội").count() == 2


def test_an_unreadable_upload_is_refused_on_the_form(client_for, demo):
    upload = SimpleUploadedFile("hong.csv", "\xff".encode("latin-1"), "text/csv")
    response = client_for(ANALYST).post(reverse("insight:import"), {"file": upload, "kind": "news"})
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_leader_adds_switches_and_fetches_a_feed(
    client_for, demo, django_capture_on_commit_callbacks
):
    from unittest import mock

    from nghedan.insight import feeds
    from nghedan.insight.tests.helpers import RSS_FILE

    browser = client_for(LEADER)
    response = browser.post(
        reverse("insight:feeds"),
        {"name": "Báo mẫu", "url": "https://example.vn/rss", "kind": "news"},
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    with (
        mock.patch.object(feeds, "open_url", return_value=RSS_FILE.encode()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        browser.post(reverse("insight:feed_fetch", args=[feed.pk]))
    assert Text.objects.filter(batch__feed=feed).count() == 1
    browser.post(reverse("insight:feed_toggle", args=[feed.pk]))
    assert not Feed.objects.get().is_active


def test_a_bad_feed_address_is_refused_on_the_form(client_for, demo):
    response = client_for(ADMIN).post(
        reverse("insight:feeds"), {"name": "Tệp", "url": "file:///etc/passwd", "kind": "news"}
    )
    assert response.status_code == 400
    assert "http://" in response.content.decode()
    assert not Feed.objects.exists()


def test_a_failing_feed_is_shown_with_its_error(client_for, demo):
    feed = do_add_feed("kiểm thử", name="Báo mẫu", url="https://example.vn/rss")
    Feed.objects.filter(pk=feed.pk).update(consecutive_failures=2, last_error="Hết thời gian chờ")
    page = client_for(ANALYST).get(reverse("insight:feeds")).content.decode()
    assert "Lỗi 2 lần liên tiếp" in page and "Hết thời gian chờ" in page


@pytest.mark.parametrize("persona", [ANALYST, "giamsat.dandan", "nguoidan.kim"])
def test_only_leaders_and_administrators_change_feeds(client_for, persona):
    feed = do_add_feed("kiểm thử", name="Báo mẫu", url="https://example.vn/rss")
    browser = client_for(persona)
    assert browser.post(reverse("insight:feed_toggle", args=[feed.pk])).status_code == 403
    assert browser.post(reverse("insight:feed_fetch", args=[feed.pk])).status_code == 403
    assert (
        browser.post(
            reverse("insight:feeds"), {"name": "X", "url": "https://x.vn/rss", "kind": "news"}
        ).status_code
        == 403
    )
    assert Feed.objects.get().is_active and Feed.objects.count() == 1


def test_the_menu_leads_readers_to_the_texts(client_for, demo):
    assert (
        reverse("insight:texts") in client_for(ANALYST).get(reverse("shell:home")).content.decode()
    )
    assert (
        reverse("insight:texts")
        not in client_for("xuly.saigon").get(reverse("shell:home")).content.decode()
    )


@pytest.mark.parametrize(
    ("query", "expected", "named"),
    [
        ("?q=trường&date_from=2024-01-01&date_to=2023-01-01", {"Thăm trường"}, "Đến ngày"),
        ("?q=ngap&commune=99999", {"Ngập"}, "99999"),
        ("?kind=comment&date_from=hôm-qua", {"Thăm trường"}, "Đăng từ ngày"),
    ],
)
def test_invalid_filters_are_named_and_the_valid_ones_still_apply(
    client_for, annotated, query, expected, named
):
    browser = client_for(ANALYST)
    response = browser.get(reverse("insight:texts") + query)
    assert titles(response) == expected
    page = response.content.decode()
    assert "đang bị bỏ qua" in page and named in page
    partial = browser.get(reverse("insight:texts") + query, HTTP_HX_REQUEST="true")
    assert [t.name for t in partial.templates][0] == "insight/texts_table.html"
    assert titles(partial) == expected
    assert "đang bị bỏ qua" in partial.content.decode() and named in partial.content.decode()
