"""Open311 GeoReport v2 at /open311/v2/: our categories as services, the public feed of
feedback and recommendations, and a door for new ones.

Spec: http://wiki.open311.org/GeoReport_v2. Every resource answers in XML (required by the
spec) and JSON, chosen by the suffix; errors are a list of {code, description}.

What is public here: the case code, its category, its TITLE (never the full text), its
status, the organization handling it, the commune (never the free-text address) and dates.
Complaints and denunciations need the petitioner's identity, are never taken in here and never
shown: a denouncer's identity is a state secret (Luật Tố cáo 2018, Điều 47–48).
"""

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from functools import wraps

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from nghedan.api import idempotency
from nghedan.api.auth import token_auth
from nghedan.cases import actions
from nghedan.cases.access import PUBLIC_KINDS, get_public_case, public_cases
from nghedan.cases.api import ambiguous_place_message
from nghedan.cases.models import Case, CaseDeadline, Category, Channel, Kind, is_phone
from nghedan.lib import ratelimit
from nghedan.lib.addresses import client_address
from nghedan.lib.plain_text import visible_text
from nghedan.lib.refusal import Refused
from nghedan.places import gazetteer

logger = logging.getLogger("nghedan.open311")

Status = Case.Status
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 forbids: one of them in one stored title would break the whole feed.
NOT_XML_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
# The element name of one item of each list, in XML.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# The date this endpoint's behaviour last changed, for clients that cache the discovery file.
CHANGESET = "2026-11-27T00:00:00+07:00"
# Only these kinds come in or go out through Open311.
OPEN311_KINDS = PUBLIC_KINDS
OPEN_STATUSES = actions.OPEN
MAX_REQUESTS = 1000
MAX_SPAN = timedelta(days=90)
MAX_DESCRIPTION = 4000
MAX_TITLE = 200
MAX_EMAIL = 254  # the column's length, and RFC 5321's limit on a usable address
# Posts without an api_key are limited per client address, like the public form; an
# application with a key sends for many people and gets more.
POSTS_PER_HOUR = 10
KEYED_POSTS_PER_HOUR = 1000


class Open311Error(Exception):
    """One or more errors, answered with one HTTP status."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = descriptions


# --- formats ----------------------------------------------------------------------------


def w3c(moment: datetime) -> str:
    """2025-07-01T08:00:00+07:00: the W3C subset of ISO 8601, in Hồ Chí Minh City time."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _xml_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML_CHARACTERS.sub("", str(value))


def _xml_element(name: str, value) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_xml_element(key, child))
    elif isinstance(value, list):
        for child in value:
            element.append(_xml_element(ITEM_NAMES[name], child))
    else:
        element.text = _xml_text(value)
    return element


def to_xml(root: str, data) -> bytes:
    body = ET.tostring(_xml_element(root, data), encoding="unicode")
    return XML_DECLARATION + body.encode("utf-8")


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    """`data` is a list (its items named after `root`) or a dict (the root's children)."""
    if fmt == "json":
        content = json.dumps(data, ensure_ascii=False).encode("utf-8")
    else:
        content = to_xml(root, data)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    errors = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, "errors", errors, status=status)


def format_of(path: str) -> str | None:
    """json or xml from the path's suffix, whatever its case; None for any other suffix."""
    suffix = path.rstrip("/").rpartition("/")[2].rpartition(".")[2].lower()
    return suffix if suffix in CONTENT_TYPES else None


def open311_view(*methods: str) -> Callable:
    """Answers every failure in the spec's error format, in the format the URL asked for."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt  # no cookie is read: whoever posts is known by api_key or not at all
        @wraps(view)
        def wrapped(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if request.method not in methods:
                response = error_response(
                    fmt, 405,
                    [_("Địa chỉ này không nhận phương thức %(method)s; hãy dùng %(allowed)s.")
                     % {"method": request.method, "allowed": ", ".join(methods)}],
                )  # fmt: skip
                response["Allow"] = ", ".join(methods)
                return response
            return answered(view, request, fmt, **kwargs)

        return wrapped

    return decorate


def answered(view: Callable, request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
    """The view's response, or its failure as a response in the spec's error format."""
    try:
        return view(request, fmt, **kwargs)
    except Open311Error as error:
        return error_response(fmt, error.status, error.descriptions)
    except Refused as refusal:
        return error_response(fmt, refusal.status, [refusal.message])
    except Http404:
        return error_response(fmt, 404, [not_found_text()])
    except Exception:
        logger.exception("Open311 %s %s failed", request.method, request.path)
        return error_response(fmt, 500, [server_error_text()])


def not_found_text() -> str:
    return _("Không tìm thấy. Hãy kiểm tra lại đường dẫn và mã số.")


def unknown_format_text() -> str:
    return _("Chỉ phục vụ định dạng .json hoặc .xml, viết thường: hãy thêm một trong hai đuôi "
             "đó vào cuối đường dẫn, ví dụ services.json hoặc requests.xml.")  # fmt: skip


def server_error_text() -> str:
    return _("Máy chủ gặp lỗi ngoài dự kiến. Hãy thử lại sau ít phút.")


# --- services ---------------------------------------------------------------------------


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent")


def get_category(code: str) -> Category:
    category = active_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(
            404,
            _("Không có loại dịch vụ (service_code) “%(code)s”; xem danh sách tại services.json "
              "hoặc services.xml.") % {"code": code[:40]},
        )  # fmt: skip
    return category


def service_out(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("Phản ánh, kiến nghị về %(name)s: %(covers)s.")
        % {"name": category.name.lower(), "covers": category.description or category.name},
        "metadata": True,
        "type": "realtime",
        "keywords": category.description,
        "group": category.parent.name if category.parent else category.name,
    }


def definition_out(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "kind",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _(
                    "Chọn một; bỏ trống là phản ánh. Khiếu nại, tố cáo cần xác định người gửi "
                    "nên không nhận qua Open311: hãy gửi trực tiếp hoặc qua cổng thông tin."
                ),
                "order": 1,
                "description": _("Loại ý kiến"),
                "values": [
                    {"key": Kind.FEEDBACK.value, "name": str(Kind.FEEDBACK.label)},
                    {"key": Kind.RECOMMENDATION.value, "name": str(Kind.RECOMMENDATION.label)},
                ],
            },
            {
                "variable": True,
                "code": "title",
                "datatype": "string",
                "required": False,
                "datatype_description": _(
                    "Tối đa %(limit)s ký tự, được công khai: không ghi họ tên, số điện thoại, "
                    "địa chỉ nhà."
                )
                % {"limit": MAX_TITLE},
                "order": 2,
                "description": _("Tóm tắt ngắn nội dung ý kiến"),
            },
        ],
    }


@open311_view("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", [service_out(category) for category in active_categories()])


@open311_view("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where the GeoReport v2 endpoint is and what it speaks (the spec's discovery file)."""
    return render(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": _("Liên hệ quản trị Nghe Dân của địa phương"),
        "key_service": _("Cán bộ cấp mã truy cập API tại trang Tài khoản (không bắt buộc)"),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": request.build_absolute_uri("/open311/v2"),
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })  # fmt: skip


@open311_view("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return render(fmt, "service_definition", definition_out(get_category(code)))


# --- service requests: reading ----------------------------------------------------------


def public_requests() -> QuerySet[Case]:
    """What the public feed shows: feedback and recommendations, with what it prints."""
    return (
        public_cases()
        .select_related("category", "organization", "commune__province")
        .prefetch_related(
            Prefetch("deadlines", queryset=CaseDeadline.objects.filter(met_on__isnull=True))
        )
    )


def _expected(case: Case) -> datetime | None:
    """The end of the day the running stage is due, while the case is open."""
    if case.status not in OPEN_STATUSES:
        return None
    running = [deadline for deadline in case.deadlines.all() if deadline.met_on is None]
    if not running:
        return None
    due = max(deadline.due_on for deadline in running)
    return datetime.combine(due, time(23, 59, 59), tzinfo=timezone.get_current_timezone())


def _updated(case: Case) -> datetime:
    if case.status in OPEN_STATUSES:
        return case.updated_at
    return case.closed_at or case.resolved_at or case.updated_at


def request_out(case: Case) -> dict:
    """One service request as the public may see it: the title, never the full text or a
    person; the commune, never the free-text address. There are no coordinates to give."""
    out = {
        "service_request_id": case.code,
        "status": "open" if case.status in OPEN_STATUSES else "closed",
        "status_notes": case.get_status_display(),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.title,
        "agency_responsible": case.organization.name,
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(_updated(case)),
    }
    expected = _expected(case)
    if expected is not None:
        out["expected_datetime"] = w3c(expected)
    if case.commune_id:
        out["address"] = str(case.commune)
    return out


def parse_w3c(value: str, name: str) -> datetime:
    # A "+" left unencoded in a query string arrives as a space; a W3C date has no spaces.
    text = value.strip().replace(" ", "+")
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text) if len(text) == 10 else None
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:  # well formed but impossible: 30 February, 25 o'clock, +99:00
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            _("%(name)s phải theo định dạng W3C, ví dụ 2025-07-01T00:00:00+07:00.")
            % {"name": name},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _listed(value: str | None) -> list[str]:
    """The comma-separated values, without control characters (PostgreSQL refuses NUL)."""
    items = (visible_text(item) for item in (value or "").split(","))
    return [item for item in items if item]


def _window(start_text: str | None, end_text: str | None) -> tuple[datetime, datetime]:
    """The requested_datetime range: the last 90 days unless asked, never more than 90."""
    start = parse_w3c(start_text, "start_date") if start_text else None
    end = parse_w3c(end_text, "end_date") if end_text else None
    if start is None:
        end = end or timezone.now()
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("end_date phải sau start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("Khoảng từ start_date đến end_date không được dài quá 90 ngày."))
    return start, end


@open311_view("GET", "POST")
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return create_request(request, fmt)
    query = request.GET
    found = public_requests()
    codes = _listed(query.get("service_request_id"))
    if codes:  # overrides every other argument
        found = found.filter(code__in=[code.upper() for code in codes[:MAX_REQUESTS]])
    else:
        start, end = _window(query.get("start_date"), query.get("end_date"))
        found = found.filter(received_at__gte=start, received_at__lte=end)
        service_codes = _listed(query.get("service_code"))
        if service_codes:
            found = found.filter(category__code__in=service_codes)
        statuses = set(_listed(query.get("status")))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status chỉ nhận open, closed hoặc cả hai: open,closed."))
        if statuses == {"open"}:
            found = found.filter(status__in=OPEN_STATUSES)
        elif statuses == {"closed"}:
            found = found.exclude(status__in=OPEN_STATUSES)
    found = found.order_by("-received_at", "-pk")[:MAX_REQUESTS]
    return render(fmt, "service_requests", [request_out(case) for case in found])


def _public_case(code: str) -> Case:
    case = get_public_case(code)
    if case.kind not in OPEN311_KINDS:
        raise Http404
    return public_requests().get(pk=case.pk)


@open311_view("GET")
def service_request(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return render(fmt, "service_requests", [request_out(_public_case(code))])


@open311_view("GET")
def token(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    """We answer every post at once with its id; a token, if a client asks, is that id."""
    case = _public_case(code)
    return render(fmt, "service_requests", [{"service_request_id": case.code, "token": case.code}])


# --- service requests: a new one --------------------------------------------------------


def _caller(request: HttpRequest):
    """The user behind api_key, or None when none is sent (anonymous public feedback)."""
    key = request.POST.get("api_key", "").strip()
    if not key:
        return None
    try:
        return token_auth.authenticate(request, key)
    except Refused:
        raise Open311Error(
            403, _("api_key không hợp lệ hoặc đã bị thu hồi; hãy kiểm tra lại, hoặc gửi không "
                   "kèm api_key.")
        ) from None  # fmt: skip


def _check_rate(request: HttpRequest, caller) -> None:
    if caller is not None:
        allowed = ratelimit.allow(
            "open311", f"user:{caller.pk}", limit=KEYED_POSTS_PER_HOUR, window=3600
        )
    else:
        address = client_address(request) or "?"
        allowed = ratelimit.allow("open311", address, limit=POSTS_PER_HOUR, window=3600)
    if not allowed:
        raise Open311Error(
            429, _("Bạn đã gửi quá nhiều ý kiến trong thời gian ngắn. Hãy thử lại sau một giờ.")
        )


def _text(data, name: str) -> str:
    """A posted field as people meant it: NFC, without control or invisible characters (NUL
    fails on PostgreSQL, a control character would break the XML feed)."""
    return visible_text(data.get(name, ""))


def _kind(data) -> str:
    kind = _text(data, "attribute[kind]") or Kind.FEEDBACK.value
    if kind in OPEN311_KINDS:
        return kind
    if kind in (Kind.COMPLAINT, Kind.DENUNCIATION):
        raise Open311Error(
            400,
            _("Khiếu nại, tố cáo cần xác định người gửi nên không nhận qua Open311. Hãy gửi "
              "trực tiếp tại nơi tiếp công dân hoặc qua cổng thông tin."),
        )  # fmt: skip
    raise Open311Error(400, _("attribute[kind] chỉ nhận feedback (phản ánh) hoặc recommendation "
                              "(kiến nghị)."))  # fmt: skip


def _description(data, errors: list[str]) -> str:
    description = _text(data, "description")
    if not description:
        errors.append(_("Thiếu nội dung (description): hãy mô tả sự việc, nơi xảy ra, từ khi "
                        "nào."))  # fmt: skip
    elif len(description) > MAX_DESCRIPTION:
        errors.append(_("Nội dung (description) tối đa %(limit)s ký tự.")
                      % {"limit": MAX_DESCRIPTION})  # fmt: skip
    return description


def _commune(data, errors: list[str]):
    address = _text(data, "address_string")
    if not address:
        if _text(data, "lat") or _text(data, "long"):
            errors.append(_("Hệ thống không hỗ trợ tọa độ, hãy gửi address_string (tên đường, "
                            "phường, xã, tỉnh, thành phố)."))  # fmt: skip
        elif _text(data, "address_id"):
            errors.append(_("Hệ thống không hỗ trợ address_id, hãy gửi address_string."))
        else:
            errors.append(_("Thiếu nơi xảy ra: hãy gửi address_string, ví dụ "
                            "“12 Lê Lợi, P. Bến Nghé, Q.1, TP.HCM”."))  # fmt: skip
        return None
    if len(address) > gazetteer.MAX_ADDRESS_LENGTH:
        errors.append(_("address_string tối đa %(limit)s ký tự.")
                      % {"limit": gazetteer.MAX_ADDRESS_LENGTH})  # fmt: skip
        return None
    resolution = gazetteer.resolve(address)
    if resolution.status == gazetteer.AMBIGUOUS:
        hint = _("Hãy ghi thêm quận, huyện cũ hoặc tỉnh, thành phố vào address_string, hoặc "
                 "ghi đúng tên một trong các xã, phường trên.")  # fmt: skip
        errors.append(ambiguous_place_message(address, resolution.candidates, hint))
        return None
    if resolution.status == gazetteer.NOT_FOUND:
        errors.append(resolution.explanation)
        return None
    return resolution.commune


def _person(data, errors: list[str]) -> dict:
    name = " ".join(
        part for part in (_text(data, "last_name"), _text(data, "first_name")) if part
    )  # fmt: skip
    phone = _text(data, "phone")
    email = _text(data, "email")
    if len(name) > 150:
        errors.append(_("Họ và tên (last_name, first_name) tối đa 150 ký tự."))
    if phone and not is_phone(phone):
        errors.append(_("Số điện thoại (phone) gồm 9–15 chữ số, ví dụ 0909 123 456."))
    if len(email) > MAX_EMAIL:
        errors.append(_("email tối đa %(limit)s ký tự, địa chỉ đã gửi dài %(length)s: hãy gửi "
                        "một địa chỉ ngắn hơn hoặc bỏ trống.")
                      % {"limit": MAX_EMAIL, "length": len(email)})  # fmt: skip
    elif email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.append(_("Địa chỉ e-mail (email) chưa đúng, ví dụ đúng: ten@example.vn."))
    return {"submitter_name": name, "submitter_phone": phone, "submitter_email": email}


def _is_anonymous(person: dict) -> bool:
    """Anonymous only when nothing tells who sent it: a phone or an e-mail alone is one."""
    return not (person["submitter_name"] or person["submitter_phone"]
                or person["submitter_email"])  # fmt: skip


def _title(data, kind: str, category: Category, errors: list[str]) -> str:
    """The public summary: the one sent, else the kind and category (the full text is not
    published, so nothing personal a person wrote in it reaches the feed)."""
    title = " ".join(_text(data, "attribute[title]").split())
    if len(title) > MAX_TITLE:
        errors.append(_("attribute[title] tối đa %(limit)s ký tự.") % {"limit": MAX_TITLE})
    return title or _("%(kind)s về %(category)s") % {
        "kind": Kind(kind).label, "category": category.name.lower()
    }  # fmt: skip


def _require_form(request: HttpRequest) -> None:
    """GeoReport v2 posts are form-encoded: a JSON body would read as all fields missing.
    A post with no Content-Type (an empty body) goes on, to be told which fields it lacks."""
    if request.content_type and request.content_type not in FORM_CONTENT_TYPES:
        raise Open311Error(
            400,
            _("Nội dung gửi lên phải mã hóa dạng biểu mẫu (Content-Type: "
              "application/x-www-form-urlencoded) như GeoReport v2 quy định, không phải "
              "“%(type)s”: hãy gửi service_code, description… dạng tên=giá trị.")
            % {"type": request.content_type[:100]},
        )  # fmt: skip


def _outside_area(commune) -> str:
    return _("Nơi xảy ra được hiểu là “%(place)s”, nằm ngoài địa bàn hệ thống này phục vụ nên "
             "không có cơ quan nhận xử lý. Hãy gửi tới chính quyền địa phương nơi đó, hoặc sửa "
             "address_string nếu ghi nhầm.") % {"place": commune}  # fmt: skip


def create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_form(request)
    key = request.headers.get(idempotency.HEADER)
    if key is not None:
        # Read before POST parses it: a multipart body read from the stream is gone after,
        # and the key's reservation hashes the body.
        request.body  # noqa: B018
    caller = _caller(request)
    _check_rate(request, caller)
    if key is None:
        return _create(request, fmt, caller)
    return _create_once(request, fmt, caller, key)


def _create_once(request: HttpRequest, fmt: str, caller, key: str) -> HttpResponse:
    """Like /api/v1 (nghedan.api.idempotency): the first answer (2xx or 4xx) is kept and a
    retry with the same key gets it again; a 5xx frees the key so that a retry runs again."""
    if not idempotency.VALID_KEY.fullmatch(key):
        raise Refused("bad_idempotency_key", idempotency.BAD_KEY, status=400)
    # The key is kept for the api_key's user, or, without one, for the client's address.
    request.auth = caller  # type: ignore[attr-defined]
    claimed = idempotency.claim(request, key, client=client_address(request) or "?")
    if isinstance(claimed, HttpResponse):
        claimed["Content-Type"] = CONTENT_TYPES[fmt]  # replay() assumes JSON
        return claimed
    response = None
    try:
        response = answered(_create, request, fmt, caller=caller)
        return response
    finally:
        idempotency.record(claimed, response)


def _create(request: HttpRequest, fmt: str, caller) -> HttpResponse:
    data = request.POST
    code = _text(data, "service_code")
    if not code:
        raise Open311Error(400, _("Thiếu service_code: hãy chọn một loại trong services.json."))
    category = get_category(code)
    kind = _kind(data)
    errors: list[str] = []
    description = _description(data, errors)
    commune = _commune(data, errors)
    person = _person(data, errors)
    title = _title(data, kind, category, errors)
    if errors:
        raise Open311Error(400, *errors)
    try:
        case = actions.do_submit_case(
            caller,
            kind=kind,
            channel=Channel.OPEN311,
            category=category,
            title=title,
            description=description,
            commune=commune,
            address=_text(data, "address_string"),
            is_anonymous=_is_anonymous(person),
            **person,
        )
    except Refused as refusal:
        if refusal.code != "no_route":
            raise
        raise Open311Error(400, _outside_area(commune)) from None
    return render(fmt, "service_requests", [created_out(case)], status=201)


def created_out(case: Case) -> dict:
    running = case.deadlines.filter(met_on__isnull=True).order_by("-due_on").first()
    notice = _("Đã tiếp nhận, mã số %(code)s. %(organization)s sẽ xem xét.") % {
        "code": case.code, "organization": case.organization.name
    }  # fmt: skip
    if running is not None:
        notice = _(
            "Đã tiếp nhận, mã số %(code)s. %(organization)s sẽ xem xét, phân loại trước ngày "
            "%(due)s; dùng mã số này để theo dõi."
        ) % {"code": case.code, "organization": case.organization.name,
             "due": f"{running.due_on:%d/%m/%Y}"}  # fmt: skip
    return {"service_request_id": case.code, "service_notice": notice, "account_id": None}


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any path the routes do not serve. The routes take .json and .xml in lower case only,
    so any other suffix (or none) is answered by saying which ones are served."""
    fmt = format_of(request.path)
    if fmt is None:
        return error_response("xml", 404, [unknown_format_text()])  # XML: the spec's default
    if not request.path.rstrip("/").endswith(f".{fmt}"):  # .JSON, .Xml
        return error_response(fmt, 404, [unknown_format_text()])
    return error_response(fmt, 404, [not_found_text()])
