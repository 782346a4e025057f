"""The JSON API at /api/v1: one NinjaAPI, each app adds its router.

Every route needs a bearer token or a signed-in session unless it says `auth=None`; every
error is JSON with a stable `code` and a Vietnamese `message` (errors.py); every POST
honours an Idempotency-Key header (idempotency.py).
"""

from functools import wraps
from inspect import iscoroutinefunction

from django.http import HttpRequest, HttpResponseNotAllowed
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from nghedan.api import errors, idempotency
from nghedan.api.auth import session_auth, token_auth
from nghedan.api.docs import OfflineSwagger, docs_asset
from nghedan.people.api import router as people_router
from nghedan.places.api import router as places_router

DESCRIPTION = """
API JSON của Nghe Dân cho các công cụ của cán bộ.

**Xác thực.** Gửi tiêu đề `Authorization: Bearer <mã truy cập>` (cấp tại `POST /api/v1/tokens`),
hoặc dùng phiên đăng nhập của trình duyệt; khi đó các yêu cầu POST, PATCH, DELETE phải kèm
tiêu đề `X-CSRFToken`.

**Lỗi.** Mọi lỗi có dạng `{"code": "...", "message": "...", "fields": {"<trường>": ["..."]}}`:
`code` cố định cho chương trình, `message` bằng tiếng Việt cho người đọc, `fields` chỉ có khi
dữ liệu gửi lên chưa hợp lệ.

**Chống lặp.** Một yêu cầu POST kèm tiêu đề `Idempotency-Key` (1–255 ký tự ASCII) chỉ được
thực hiện một lần trong 24 giờ; gửi lại cùng khóa và cùng nội dung sẽ nhận lại đúng kết quả
lần đầu, kèm tiêu đề `Idempotent-Replayed: true`.
"""


class Utf8JSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def json_method_not_allowed(view):
    """ninja answers a wrong method with a plain-text 405; answer it as JSON like every error."""
    if iscoroutinefunction(view):
        return view

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return errors.method_not_allowed(request, allowed=response["Allow"])
        return response

    return wrapped


@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs):
    return errors.error_response(404, "not_found", errors.NOT_FOUND)


class NgheDanAPI(NinjaAPI):
    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = json_method_not_allowed(pattern.callback)
        extra = [
            path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
            # Someone who opens the API's root in a browser is looking for its docs.
            path("v1/", RedirectView.as_view(url="/api/docs")),
            re_path(r"^.+$", not_found),  # any other path under the API is a JSON 404
        ]
        return patterns + extra, app_name, namespace


api = NgheDanAPI(
    title="Nghe Dân API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/v1/openapi.json",
    auth=[token_auth, session_auth],
    renderer=Utf8JSONRenderer(),
)
errors.install(api)
idempotency.install(api)


@api.get("/v1/health", auth=None, tags=["hệ thống"])
def health(request):
    return {"status": "ok"}


api.add_router("/v1", people_router, tags=["tổ chức và người dùng"])
api.add_router("/v1/places", places_router)
api.add_router("/v1/cases", "nghedan.cases.api.router")
