"""The docs page and the OpenAPI document work with no network: nothing comes from a CDN."""

import json
import re

from nghedan.api.tests.personas import ApiClient


def test_the_docs_page_loads_its_assets_from_this_server(db):
    client = ApiClient()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/openapi.json" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/api/docs/assets/") for source in sources)
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert b"".join(asset.streaming_content)


def test_the_docs_page_sends_the_spec_to_no_outside_validator(db):
    html = ApiClient().get("/api/docs").content.decode()
    settings = json.loads(re.search(r'id="swagger-settings"[^>]*>(.*?)</script>', html).group(1))
    assert settings["validatorUrl"] is None


def test_the_apis_root_leads_to_its_docs(db):
    response = ApiClient().get("/api/v1/")
    assert response.status_code == 302 and response["Location"] == "/api/docs"


def test_assets_have_their_content_types(db):
    client = ApiClient()
    assert client.get("/api/docs/assets/swagger-ui-bundle.js")["Content-Type"] == "text/javascript"
    assert client.get("/api/docs/assets/swagger-ui.css")["Content-Type"] == "text/css"


def test_only_the_known_assets_are_served(db):
    response = ApiClient().get("/api/docs/assets/redoc.standalone.js.map")
    assert response.status_code == 404


def test_the_openapi_document_lists_the_routes_and_both_ways_to_sign_in(db):
    schema = ApiClient().get("/api/v1/openapi.json").json()
    assert "/api/v1/organizations" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerTokenAuth", "SessionAuth"}
