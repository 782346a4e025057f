"""The API docs page, served with no CDN: Swagger UI's files come from the ninja package.

ninja ships the files but only uses them when "ninja" is an installed app (it falls back
to a CDN otherwise); this page and its asset view work either way.
"""

from pathlib import Path

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger

ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png", "favicon.svg"}
)


def uses_csrf(api: NinjaAPI) -> bool:
    """Whether the page must hand its CSRF token to Swagger UI for session-signed requests."""
    auths = api.auth if isinstance(api.auth, list | tuple) else []
    return any(getattr(auth, "csrf", False) for auth in auths)


class OfflineSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        # No badge from validator.swagger.io: the page asks nothing of another host.
        swagger_settings = {
            **self.settings,
            "url": self.get_openapi_url(api, kwargs),
            "validatorUrl": None,
        }
        return render(
            request,
            "webapi/docs.html",
            {
                "api": api,
                "swagger_settings": swagger_settings,
                "asset_route": f"{api.urls_namespace}:docs-asset",
                "add_csrf": uses_csrf(api),
            },
        )


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404(name)
    response = FileResponse((ASSETS_DIR / name).open("rb"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
