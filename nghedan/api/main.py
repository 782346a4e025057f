"""The JSON API at /api/v1: one NinjaAPI, each app adds its router."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Nghe Dân API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/v1/openapi.json",
)


@api.get("/v1/health", auth=None, tags=["hệ thống"])
def health(request):
    return {"status": "ok"}
