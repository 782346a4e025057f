"""Fetching the registered feeds: over the network for web addresses, from disk for the files
an operator registered, then imported like any RSS or Atom file.

`open_url` is the one function that touches the network: only http and https, a timeout, a cap
on the size, no redirect to any other scheme (file:, ftp:, data:), and no connection inside
the server's own network (`feed_addresses`). An address that cannot be reached, answers with
an error or sends something that is not a feed is recorded on the feed
(`actions.do_record_feed_failure`) and tried again later; nothing is lost, since the items stay
at the address until a fetch succeeds.
"""

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from nghedan.insight.actions import (
    ImportOptions,
    claim_due_feeds,
    do_import_texts,
    do_record_feed_failure,
    do_record_feed_success,
)
from nghedan.insight.feed_addresses import (
    InsideAddress,
    OutsideHTTPHandler,
    OutsideHTTPSHandler,
)
from nghedan.insight.imports import parse
from nghedan.insight.models import Feed, ImportBatch, Source
from nghedan.lib.refusal import Refused

TIMEOUT_SECONDS = 20
MAX_FEED_BYTES = 5 * 1024 * 1024
# A feed that answered is read again after this long.
FETCH_INTERVAL = timedelta(minutes=30)
WEB_SCHEMES = ("http", "https")
USER_AGENT = "NgheDan-feed-reader/1.0"


class FetchError(Exception):
    """Why a feed could not be fetched, in words for the feeds page."""


class WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another http or https address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in WEB_SCHEMES:
            raise urllib.error.HTTPError(
                newurl, code, f"redirect to a non-web address refused: {newurl[:100]}", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def web_opener() -> urllib.request.OpenerDirector:
    """Built by hand: `build_opener` would add handlers for file:, ftp: and data: addresses,
    and for proxies. Its connections go only outside the server's network (feed_addresses)."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        OutsideHTTPHandler(),
        OutsideHTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        WebOnlyRedirects(),
    ):
        opener.add_handler(handler)
    return opener


def open_url(url: str, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    """The body at a web address; FetchError when it cannot be had."""
    if urlsplit(url).scheme.lower() not in WEB_SCHEMES:
        raise FetchError(_("Chỉ lấy được tin từ địa chỉ http:// hoặc https://."))
    # The scheme was checked above and the opener has no handler for any other.
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with web_opener().open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise FetchError(
            _("Địa chỉ trả lời lỗi HTTP %(code)s (%(reason)s).")
            % {"code": error.code, "reason": error.reason}
        ) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, InsideAddress):
            raise FetchError(str(reason)) from error
        raise FetchError(
            _("Không kết nối được tới địa chỉ: %(reason)s.") % {"reason": reason}
        ) from error
    if len(body) > max_bytes:
        raise FetchError(
            _("Nội dung tại địa chỉ lớn hơn %(limit)s MB: không phải một nguồn tin thông thường.")
            % {"limit": max_bytes // (1024 * 1024)}
        )
    return body


def read_file_feed(path: str, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    try:
        file = Path(path)
        if file.stat().st_size > max_bytes:
            raise FetchError(
                _("Tệp nguồn tin lớn hơn %(limit)s MB.") % {"limit": max_bytes // (1024 * 1024)}
            )
        return file.read_bytes()
    except OSError as error:
        raise FetchError(
            _("Không đọc được tệp %(path)s: %(reason)s.")
            % {"path": path, "reason": error.strerror or error}
        ) from error


@dataclass(frozen=True)
class FetchResult:
    feed: Feed
    batch: ImportBatch | None = None
    error: str = ""


def fetch_feed_now(feed: Feed) -> FetchResult:
    """Fetch one feed and import its new items; a failure is recorded on the feed."""
    try:
        content = open_url(feed.url) if feed.is_web else read_file_feed(feed.url)
        parsed = parse(content, "rss", feed.url)
    except Refused as refusal:
        if refusal.code == "empty_file":  # a feed with nothing in it yet has not failed
            return FetchResult(do_record_feed_success(feed, FETCH_INTERVAL))
        return FetchResult(do_record_feed_failure(feed, refusal.message), error=refusal.message)
    except FetchError as problem:
        message = str(problem)
        return FetchResult(do_record_feed_failure(feed, message), error=message)
    options = ImportOptions(
        kind=feed.kind, source_name=feed.name, source=Source.FEED, file_name=feed.url[:255],
        feed=feed,
    )  # fmt: skip
    batch = do_import_texts(f"nguồn tin: {feed.name}"[:150], parsed, options)
    return FetchResult(do_record_feed_success(feed, FETCH_INTERVAL), batch)


def fetch_feed_by_id(feed_id: int) -> FetchResult | None:
    feed = Feed.objects.filter(pk=feed_id, is_active=True).first()
    return fetch_feed_now(feed) if feed else None


def fetch_due_feeds() -> list[FetchResult]:
    """Every active feed whose time has come, fetched here and now (the command's way)."""
    results = []
    for feed_id in claim_due_feeds():
        result = fetch_feed_by_id(feed_id)
        if result:
            results.append(result)
    return results
