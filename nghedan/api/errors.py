"""Every API error as one JSON shape: {"code", "message", "fields"?}.

`code` is stable for programs; `message` is a Vietnamese sentence for people, saying what
is wrong and how to put it right; `fields` maps each invalid input field to its messages.
"""

import json
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from nghedan.lib.refusal import Refused

logger = logging.getLogger("nghedan.api")

CONTENT_TYPE = "application/json; charset=utf-8"

INVALID_INPUT = (
    "Dữ liệu gửi lên chưa hợp lệ. Hãy sửa các trường được nêu trong `fields` rồi gửi lại."
)
NOT_AUTHENTICATED = (
    "Bạn chưa đăng nhập. Hãy đăng nhập, hoặc gửi tiêu đề `Authorization: Bearer <mã truy cập>` "
    "với một mã truy cập còn hiệu lực."
)
FORBIDDEN = (
    "Bạn không có quyền thực hiện thao tác này. Nếu công việc cần, hãy đề nghị quản trị viên "
    "của tổ chức cấp cho bạn vai trò phù hợp."
)
NOT_FOUND = (
    "Không tìm thấy đối tượng được yêu cầu. Hãy kiểm tra lại đường dẫn và mã số; có thể đối "
    "tượng không tồn tại hoặc nằm ngoài phạm vi bạn được xem."
)
MALFORMED_JSON = (
    "Thân yêu cầu không phải là JSON hợp lệ. Hãy kiểm tra dấu ngoặc, dấu phẩy, dấu nháy kép "
    "và gửi kèm tiêu đề `Content-Type: application/json`."
)
REQUEST_FAILED = (
    "Không thực hiện được yêu cầu. Hãy kiểm tra lại địa chỉ và dữ liệu gửi lên rồi thử lại."
)
TOO_LARGE = (
    "Thân yêu cầu quá lớn. Hãy rút gọn nội dung (mô tả tối đa vài nghìn ký tự) rồi gửi lại; "
    "tệp đính kèm gửi qua trang web của vụ việc."
)
TOO_MANY_REQUESTS = "Bạn gửi quá nhiều yêu cầu trong thời gian ngắn. Hãy chờ một lát rồi thử lại."
SERVER_ERROR = (
    "Máy chủ gặp lỗi ngoài dự kiến. Hãy thử lại sau ít phút; nếu lỗi vẫn lặp lại, hãy báo cho "
    "quản trị viên kèm thời điểm xảy ra lỗi."
)

DATETIME_FORMAT = "Thời điểm phải có dạng ISO 8601, ví dụ 2025-07-01T08:00:00+07:00."
# pydantic error type -> Vietnamese message; {names} are filled from the error's context.
FIELD_MESSAGES = {
    "missing": "Trường này là bắt buộc.",
    "extra_forbidden": (
        "Trường này không được chấp nhận; hãy bỏ nó đi hoặc kiểm tra lại tên trường."
    ),
    "string_type": "Giá trị phải là chuỗi ký tự.",
    "string_too_short": "Cần ít nhất {min_length} ký tự.",
    "string_too_long": "Tối đa {max_length} ký tự.",
    "string_pattern_mismatch": "Giá trị không đúng định dạng.",
    "int_type": "Giá trị phải là số nguyên.",
    "int_parsing": "Giá trị phải là số nguyên.",
    "int_from_float": "Giá trị phải là số nguyên.",
    "float_type": "Giá trị phải là số.",
    "float_parsing": "Giá trị phải là số.",
    "decimal_parsing": "Giá trị phải là số.",
    "bool_type": "Giá trị phải là true hoặc false.",
    "bool_parsing": "Giá trị phải là true hoặc false.",
    "greater_than": "Giá trị phải lớn hơn {gt}.",
    "greater_than_equal": "Giá trị phải lớn hơn hoặc bằng {ge}.",
    "less_than": "Giá trị phải nhỏ hơn {lt}.",
    "less_than_equal": "Giá trị phải nhỏ hơn hoặc bằng {le}.",
    "enum": "Giá trị phải là một trong: {expected}.",
    "literal_error": "Giá trị phải là một trong: {expected}.",
    "list_type": "Giá trị phải là một danh sách.",
    "too_short": "Cần ít nhất {min_length} phần tử.",
    "too_long": "Tối đa {max_length} phần tử.",
    "dict_type": "Giá trị phải là một đối tượng JSON.",
    "model_type": "Giá trị phải là một đối tượng JSON.",
    "model_attributes_type": "Giá trị phải là một đối tượng JSON.",
    "date_type": "Ngày phải có dạng YYYY-MM-DD.",
    "date_parsing": "Ngày phải có dạng YYYY-MM-DD.",
    "date_from_datetime_parsing": "Ngày phải có dạng YYYY-MM-DD.",
    "datetime_type": DATETIME_FORMAT,
    "datetime_parsing": DATETIME_FORMAT,
    "datetime_from_date_parsing": DATETIME_FORMAT,
    "uuid_parsing": "Giá trị phải là một UUID.",
    "uuid_type": "Giá trị phải là một UUID.",
    "json_invalid": "Giá trị không phải là JSON hợp lệ.",
}
INVALID_VALUE = "Giá trị không hợp lệ."
BODY_MESSAGES = {
    "missing": "Yêu cầu cần có thân JSON.",
    "dict_type": "Thân yêu cầu phải là một đối tượng JSON.",
    "model_type": "Thân yêu cầu phải là một đối tượng JSON.",
    "model_attributes_type": "Thân yêu cầu phải là một đối tượng JSON.",
}


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )


def field_name(loc: tuple) -> str:
    """("body", "payload", "parent") -> "parent"; ("query", "limit") -> "limit"."""
    source, *rest = loc
    if source == "body":
        rest = rest[1:]  # the name of the view's body parameter means nothing to a client
    return ".".join(str(part) for part in rest) or "body"


def field_message(error: dict, field: str) -> str:
    kind = error.get("type", "")
    if field == "body" and kind in BODY_MESSAGES:
        return BODY_MESSAGES[kind]
    if kind == "value_error":
        # Our validators raise ValueError with a Vietnamese sentence: show it as it is.
        return str(error.get("ctx", {}).get("error", INVALID_VALUE))
    if kind == "string_too_short" and error.get("ctx", {}).get("min_length") == 1:
        return "Trường này không được để trống."
    template = FIELD_MESSAGES.get(kind)
    if template is None:
        return INVALID_VALUE
    context = {
        name: str(value).replace(" or ", " hoặc ") for name, value in error.get("ctx", {}).items()
    }
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return INVALID_VALUE


def fields_of(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        name = field_name(tuple(error.get("loc", ())))
        message = field_message(error, name)
        if message not in fields.setdefault(name, []):
            fields[name].append(message)
    return fields


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(422, "invalid_input", INVALID_INPUT, fields_of(exc.errors))


def on_refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    fields = {exc.field: [exc.message]} if exc.field else None
    response = error_response(exc.status, exc.code, exc.message, fields)
    if exc.status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def on_not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = error_response(401, "not_authenticated", NOT_AUTHENTICATED)
    response["WWW-Authenticate"] = "Bearer"
    return response


def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, "forbidden", FORBIDDEN)


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", NOT_FOUND)


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises HttpError(400) from the JSON decoder's error when the body will not parse.
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return error_response(400, "malformed_json", MALFORMED_JSON)
    if exc.status_code == 429:
        return error_response(429, "too_many_requests", TOO_MANY_REQUESTS)
    if exc.status_code == 404:
        return on_not_found(request, exc)
    if exc.status_code == 403:
        return on_forbidden(request, exc)
    if exc.status_code == 401:
        return on_not_authenticated(request, exc)
    return error_response(exc.status_code, "request_failed", REQUEST_FAILED)


def on_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(413, "request_too_large", TOO_LARGE)


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error("API %s %s failed", request.method, request.path, exc_info=exc)
    return error_response(500, "server_error", SERVER_ERROR)


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    message = (
        f"Địa chỉ này không nhận phương thức {request.method}. "
        f"Hãy dùng một trong các phương thức: {allowed}."
    )
    response = error_response(405, "method_not_allowed", message)
    response["Allow"] = allowed
    return response


HANDLERS: dict[type[Exception], Callable[..., HttpResponse]] = {
    ValidationError: on_validation_error,
    Refused: on_refused,
    AuthenticationError: on_not_authenticated,
    AuthorizationError: on_forbidden,
    PermissionDenied: on_forbidden,
    Http404: on_not_found,
    HttpError: on_http_error,
    RequestDataTooBig: on_too_large,
    Exception: on_unexpected,
}


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (English, tracebacks in debug) with ours."""
    for exception_class, handler in HANDLERS.items():
        api.add_exception_handler(exception_class, handler)
