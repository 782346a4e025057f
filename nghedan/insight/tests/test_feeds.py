"""Feeds: registered by an operator or a leader, fetched by the sweep, an unreachable address
recorded and retried later with nothing lost. Only the network is mocked (`open_url`)."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from nghedan.insight import feeds
from nghedan.insight.actions import do_add_feed
from nghedan.insight.models import Feed, Text
from nghedan.insight.tests.helpers import ATOM_FILE, RSS_FILE
from nghedan.lib import sweepers
from nghedan.lib.refusal import Refused

pytestmark = pytest.mark.django_db
URL = "https://bao-mau.example.vn/rss"


def unreachable(*args, **kwargs):
    raise feeds.FetchError("Không kết nối được tới địa chỉ: [Errno -2] Name or service not known.")


def add_feed(**overrides) -> Feed:
    return do_add_feed("kiểm thử", **{"name": "Báo mẫu", "url": URL, **overrides})


def sweep() -> dict[str, int]:
    return {outcome.name: outcome.count for outcome in sweepers.run_all()}


def test_the_sweep_fetches_a_new_feed_and_imports_its_items():
    feed = add_feed()
    with mock.patch.object(feeds, "open_url", return_value=RSS_FILE.encode()) as opened:
        counts = sweep()
    opened.assert_called_once_with(URL)
    assert counts["insight.feeds"] == 1
    feed.refresh_from_db()
    assert feed.last_success_at is not None and feed.consecutive_failures == 0
    assert feed.next_attempt_at > timezone.now() + timedelta(minutes=20)
    text = Text.objects.get()
    assert (text.source_name, text.batch.feed) == ("Báo mẫu", feed)
    # Not due again: the next sweep leaves it alone.
    with mock.patch.object(feeds, "open_url") as opened:
        assert sweep()["insight.feeds"] == 0
    opened.assert_not_called()


def test_an_unreachable_feed_is_recorded_and_retried_later_with_nothing_lost():
    feed = add_feed()
    with mock.patch.object(feeds, "open_url", side_effect=unreachable):
        sweep()
    feed.refresh_from_db()
    assert feed.consecutive_failures == 1
    assert "Không kết nối được" in feed.last_error
    first_wait = feed.next_attempt_at - feed.last_fetched_at
    assert timedelta(minutes=4) < first_wait <= timedelta(minutes=5)
    # A second failure waits longer.
    Feed.objects.filter(pk=feed.pk).update(next_attempt_at=timezone.now())
    with mock.patch.object(feeds, "open_url", side_effect=unreachable):
        sweep()
    feed.refresh_from_db()
    assert feed.consecutive_failures == 2
    assert feed.next_attempt_at - feed.last_fetched_at > first_wait
    # When the address answers again, its items come in and the failures are forgotten.
    Feed.objects.filter(pk=feed.pk).update(next_attempt_at=timezone.now())
    with mock.patch.object(feeds, "open_url", return_value=ATOM_FILE.encode()):
        sweep()
    feed.refresh_from_db()
    assert (feed.consecutive_failures, feed.last_error) == (0, "")
    assert Text.objects.filter(title="Hội nghị đối thoại").exists()


def test_a_feed_that_sends_something_else_is_a_failure():
    feed = add_feed()
    with mock.patch.object(feeds, "open_url", return_value="<html>Trang bảo trì</html>".encode()):
        result = feeds.fetch_feed_now(feed)
    assert "RSS" in result.error
    assert Feed.objects.get().consecutive_failures == 1
    assert not Text.objects.exists()


def test_fetching_twice_stores_each_item_once():
    feed = add_feed()
    with mock.patch.object(feeds, "open_url", return_value=RSS_FILE.encode()):
        feeds.fetch_feed_now(feed)
        second = feeds.fetch_feed_now(feed)
    assert Text.objects.count() == 1
    assert (second.batch.imported_count, second.batch.duplicate_count) == (0, 1)


def test_an_inactive_feed_is_not_fetched():
    feed = add_feed()
    Feed.objects.filter(pk=feed.pk).update(is_active=False)
    with mock.patch.object(feeds, "open_url") as opened:
        assert sweep()["insight.feeds"] == 0
    opened.assert_not_called()


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.vn/rss", "/etc/passwd", "javascript:alert(1)",
     "http://[::1", "https://"],
)  # fmt: skip
def test_only_web_addresses_may_be_added_from_a_page(url):
    with pytest.raises(Refused) as refused:
        add_feed(url=url)
    assert refused.value.field == "url"
    assert not Feed.objects.exists()


def test_the_same_address_cannot_be_added_twice():
    add_feed()
    with pytest.raises(Refused) as refused:
        add_feed(name="Tên khác")
    assert refused.value.code == "feed_exists"


def test_open_url_refuses_other_schemes_without_touching_the_network():
    with pytest.raises(feeds.FetchError):
        feeds.open_url("file:///etc/passwd")


def test_the_web_opener_handles_no_file_or_ftp_address():
    opener = feeds.web_opener()
    assert {"http", "https"} <= set(opener.handle_open)
    assert not {"file", "ftp", "data"} & set(opener.handle_open)


def test_a_redirect_to_a_file_address_is_refused():
    import urllib.error
    import urllib.request

    handler = feeds.WebOnlyRedirects()
    request = urllib.request.Request("https://example.vn/rss")
    with pytest.raises(urllib.error.HTTPError):
        handler.redirect_request(request, None, 302, "Found", {}, "file:///etc/passwd")
    followed = handler.redirect_request(request, None, 302, "Found", {}, "https://example.vn/b")
    assert followed.full_url == "https://example.vn/b"


def test_the_commands_add_a_file_feed_and_fetch_it(tmp_path):
    path = tmp_path / "tin.xml"
    path.write_text(RSS_FILE, encoding="utf-8")
    out = StringIO()
    call_command("add_feed", str(path), "--name", "Tệp tin mẫu", stdout=out)
    assert Feed.objects.get().url == str(path.resolve())
    call_command("fetch_feeds", stdout=out)
    assert "đã nhập 1" in out.getvalue()
    assert Text.objects.count() == 1


def test_add_feed_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError):
        call_command("add_feed", str(tmp_path / "khong-co.xml"), "--name", "X", stdout=StringIO())
    assert not Feed.objects.exists()


def test_a_missing_feed_file_is_recorded_as_a_failure(tmp_path):
    path = tmp_path / "tin.xml"
    path.write_text(RSS_FILE, encoding="utf-8")
    call_command("add_feed", str(path), "--name", "Tệp", stdout=StringIO())
    path.unlink()
    out = StringIO()
    call_command("fetch_feeds", stdout=out)
    assert "lỗi (1 lần liên tiếp)" in out.getvalue()
    assert Feed.objects.get().consecutive_failures == 1


XHTML_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom XHTML</title>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Nạo <b>vét</b> kênh</div>
</title>
<id>tag:example.vn,2024:1</id><link href="https://example.vn/kenh"/>
<updated>2024-06-01T01:00:00Z</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Phường bắt đầu nạo vét
<em>kênh Nhiêu Lộc</em>.</p><p>Dự kiến xong trong tháng.</p></div></content></entry>
</feed>
"""


def test_atom_xhtml_content_is_read_from_its_elements():
    feed = add_feed()
    with mock.patch.object(feeds, "open_url", return_value=XHTML_ATOM.encode()):
        result = feeds.fetch_feed_now(feed)
    assert (result.batch.imported_count, result.batch.refused_count) == (1, 0)
    text = Text.objects.get()
    assert text.title == "Nạo vét kênh"
    assert text.body == "Phường bắt đầu nạo vét\nkênh Nhiêu Lộc.\nDự kiến xong trong tháng."


def rss_with(body: str, *, guid="bai-123", link="https://example.vn/ngap") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Báo mẫu</title>
<item><title>Ngập đường Lê Lợi</title><link>{link}</link><guid isPermaLink="false">{guid}</guid>
<description>{body}</description></item>
</channel></rss>""".encode()


def test_an_item_edited_at_its_source_replaces_its_text(django_capture_on_commit_callbacks):
    from nghedan.audit.models import AuditEntry
    from nghedan.insight.actions import do_annotate_texts
    from nghedan.insight.models import Annotation
    from nghedan.insight.tests.helpers import ScriptedEngine

    feed = add_feed()
    with mock.patch.object(feeds, "open_url", return_value=rss_with("Nước ngập 30 cm.")):
        feeds.fetch_feed_now(feed)
    first = Text.objects.get()
    do_annotate_texts([first.pk], ScriptedEngine({}))
    with (
        mock.patch.object(feeds, "open_url", return_value=rss_with("Nước ngập 40 cm.")),
        mock.patch("nghedan.insight.actions.enqueue_annotation") as enqueued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = feeds.fetch_feed_now(feed)
    text = Text.objects.get()
    assert text.pk == first.pk and text.body == "Nước ngập 40 cm."
    assert second.batch.updated_count == 1 and second.batch.report[0]["outcome"] == "updated"
    assert not Annotation.objects.filter(text=text).exists()  # read again, not stale
    enqueued.assert_called_once_with([text.pk])
    change = AuditEntry.objects.get(action="insight.text_update")
    assert change.target_id == str(text.pk) and change.data["before"]["body"] == "Nước ngập 30 cm."
    # Fetched again unchanged, it is already stored.
    with mock.patch.object(feeds, "open_url", return_value=rss_with("Nước ngập 40 cm.")):
        third = feeds.fetch_feed_now(feed)
    assert (third.batch.duplicate_count, third.batch.updated_count) == (1, 0)


def test_items_sharing_one_link_in_a_fetch_are_not_merged():
    feed = add_feed()
    two = RSS_FILE.replace("<link>ftp://example.vn/x</link>", "<link>https://example.vn/cau</link>")
    with mock.patch.object(feeds, "open_url", return_value=two.encode()):
        result = feeds.fetch_feed_now(feed)
    assert result.batch.imported_count == 2 and Text.objects.count() == 2


def test_fetch_feeds_shows_the_retry_time_in_local_time():
    feed = add_feed()
    out = StringIO()
    with mock.patch.object(feeds, "open_url", side_effect=unreachable):
        call_command("fetch_feeds", stdout=out)
    feed.refresh_from_db()
    local = timezone.localtime(feed.next_attempt_at)
    assert str(local.tzinfo) == "Asia/Ho_Chi_Minh"
    assert f"thử lại lúc {local:%H:%M ngày %d/%m/%Y}" in out.getvalue()
    assert f"{feed.next_attempt_at:%H:%M}" not in out.getvalue()  # not UTC
