"""Which machines a feed may be fetched from: only the public internet, unless the deployer
names a network of their own (NGHEDAN_FEED_PRIVATE_NETWORKS).

A leader registers a feed on a page, and the server then fetches it from inside its own
network. Without this rule an address such as http://127.0.0.1:5432/ or
http://169.254.169.254/ (a cloud's metadata service) would make the server call its own
database, the web app's internal pages or the host's secrets. The rule is applied where the
connection is made, to every address a name resolves to and after every redirect, so a name
that resolves to an inside address, or a public feed that redirects inside, is refused too.
"""

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class InsideAddress(OSError):
    """A feed's address leads inside the server's own network."""


def is_allowed(ip: IPAddress) -> bool:
    """On the public internet, or in a network the deployer allowed."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    allowed = (ipaddress.ip_network(net, strict=False) for net in settings.FEED_PRIVATE_NETWORKS)
    return ip.is_global or any(ip in network for network in allowed)


def refusal(host: str, ip: IPAddress) -> str:
    return _(
        "Địa chỉ %(host)s dẫn tới %(ip)s, trong mạng nội bộ của máy chủ: không lấy tin từ đó. "
        "Nguồn tin trong mạng riêng của đơn vị cần quản trị hệ thống cho phép "
        "(NGHEDAN_FEED_PRIVATE_NETWORKS)."
    ) % {"host": host, "ip": ip}


def literal_inside_address(url: str) -> str:
    """Why an address written as an IP is refused ("" when it is a name or allowed): told when
    the feed is registered. Names are judged when they are resolved, at each fetch."""
    host = urlsplit(url).hostname or ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return ""
    return "" if is_allowed(ip) else refusal(host, ip)


def connect_outside(address: tuple[str, int], timeout, source_address=None) -> socket.socket:
    """socket.create_connection (as http.client calls it), to allowed addresses only: all the
    name's addresses are checked, then tried by number, so the name is not resolved again."""
    host, port = address
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    numbers = [str(sockaddr[0]) for *_kind, sockaddr in found]
    for number in numbers:
        ip = ipaddress.ip_address(number.split("%", 1)[0])  # fe80::1%eth0: its zone apart
        if not is_allowed(ip):
            raise InsideAddress(refusal(host, ip))
    last_error = OSError(f"{host} has no address")
    for number in numbers:
        try:
            return socket.create_connection((number, port), timeout, source_address)
        except OSError as error:
            last_error = error
    raise last_error


class OutsideHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_outside


class OutsideHTTPSConnection(http.client.HTTPSConnection):
    """The certificate is still checked against the name asked for (server_hostname)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_outside


class OutsideHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(OutsideHTTPConnection, req)


class OutsideHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(OutsideHTTPSConnection, req, context=self._context)
