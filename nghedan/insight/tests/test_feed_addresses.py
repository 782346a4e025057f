"""A feed is fetched from the public internet only: an address inside the server's own network
(loopback, the cloud's metadata service, a private network) is refused before any connection,
whether it is written as a number, reached through a name or through a redirect. A network
the deployer allows (NGHEDAN_FEED_PRIVATE_NETWORKS) is reached. The feeds here are served
on this machine's loopback; only the name lookup is replaced, where a name is needed."""

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from nghedan.insight import feed_addresses, feeds
from nghedan.insight.models import Feed
from nghedan.insight.tests.helpers import RSS_FILE
from nghedan.lib.environ import Environment

pytestmark = pytest.mark.django_db
INSIDE = "trong mạng nội bộ của máy chủ: không lấy tin từ đó"


class Feeder(BaseHTTPRequestHandler):
    """/rss answers the feed; /di-tiep redirects to the address in the query."""

    def do_GET(self):
        self.server.paths.append(self.path)
        if self.path.startswith("/di-tiep?"):
            self.send_response(302)
            self.send_header("Location", self.path.split("?", 1)[1])
            self.end_headers()
            return
        body = RSS_FILE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Feeder)
    httpd.paths = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def address(server, path="/rss") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_a_loopback_address_is_refused_before_any_connection(server):
    with pytest.raises(feeds.FetchError) as refused:
        feeds.open_url(address(server))
    assert str(refused.value).startswith("Địa chỉ 127.0.0.1 dẫn tới 127.0.0.1, " + INSIDE)
    assert server.paths == []


def test_a_network_the_deployer_allows_is_reached(server, settings):
    settings.FEED_PRIVATE_NETWORKS = ["127.0.0.0/8"]
    assert feeds.open_url(address(server)) == RSS_FILE.encode()
    assert server.paths == ["/rss"]


def test_a_redirect_inside_is_refused(server, settings):
    settings.FEED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    inside = f"http://127.0.0.2:{server.server_address[1]}/rss"
    with pytest.raises(feeds.FetchError) as refused:
        feeds.open_url(address(server, f"/di-tiep?{inside}"))
    assert "127.0.0.2" in str(refused.value) and INSIDE in str(refused.value)
    assert server.paths == [f"/di-tiep?{inside}"]  # the redirect was asked for, not its target


@pytest.mark.parametrize(
    "ip", ["169.254.169.254", "10.0.0.5", "192.168.1.1", "100.64.0.1", "::1", "::ffff:127.0.0.1"]
)
def test_a_name_that_resolves_inside_is_refused(monkeypatch, ip):
    def resolve(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in ip else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(feed_addresses.socket, "getaddrinfo", resolve)
    monkeypatch.setattr(feed_addresses.socket, "create_connection", pytest.fail)
    with pytest.raises(feeds.FetchError) as refused:
        feeds.open_url("http://tin-noi-bo.example.vn/rss")
    shown = ipaddress.ip_address(ip)  # ::ffff:127.0.0.1 is written ::ffff:7f00:1
    assert f"Địa chỉ tin-noi-bo.example.vn dẫn tới {shown}, {INSIDE}" in str(refused.value)


def test_the_sweep_records_an_inside_address_as_the_feeds_failure(server):
    feed = Feed.objects.create(name="Cổng nội bộ", url=address(server))
    assert feeds.fetch_feed_now(feed).error.startswith("Địa chỉ 127.0.0.1 dẫn tới")
    feed.refresh_from_db()
    assert INSIDE in feed.last_error and feed.next_attempt_at is not None
    assert server.paths == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"]
)
def test_an_address_written_inside_is_refused_on_the_page(client_for, demo, url):
    response = client_for("lanhdao.thanhpho").post(
        reverse("insight:feeds"), {"name": "Máy chủ", "url": url, "kind": "news"}
    )
    assert response.status_code == 400
    assert INSIDE in response.content.decode()
    assert not Feed.objects.exists()


def test_the_allowed_networks_setting_names_a_bad_value():
    environment = Environment({"NGHEDAN_FEED_PRIVATE_NETWORKS": "10.20.0.0/16,mạng-nội-bộ"})
    environment.networks("NGHEDAN_FEED_PRIVATE_NETWORKS", [])
    (error,) = environment.errors
    assert "NGHEDAN_FEED_PRIVATE_NETWORKS" in str(error) and "10.20.0.0/16" in str(error)
