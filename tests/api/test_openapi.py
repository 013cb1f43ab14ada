"""The OpenAPI spec and Swagger UI are generated from the same models and work offline."""

from __future__ import annotations

import re
from urllib.parse import urljoin


def test_spec_lists_routes_and_the_api_key_scheme(app) -> None:
    spec = app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/health", "/api/system/jobs", "/api/market/status"} <= set(spec["paths"])
    scheme = spec["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    params = spec["paths"]["/api/system/jobs/{job_id}/history"]["get"]["parameters"]
    limit = next(p for p in params if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 500


def test_docs_redirect_to_swagger_that_loads_only_local_assets(app) -> None:
    client = app.test_client()
    assert client.get("/api/docs").location.endswith("/api/swagger")
    html = client.get("/api/swagger").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the Swagger page should reference its script and styles"
    assert all(not a.startswith(("http://", "https://", "//")) for a in assets), assets
    for asset in assets:
        if asset.endswith((".js", ".css")):
            assert client.get(urljoin("/api/swagger", asset)).status_code == 200, asset


def test_spec_says_which_routes_need_the_key(app) -> None:
    paths = app.test_client().get("/api/openapi.json").get_json()["paths"]
    needs_key = [{"ApiKey": []}]
    for public in ("/api/health", "/api/auth/callback"):
        assert not paths[public]["get"].get("security"), public
    assert paths["/api/auth/status"]["get"]["security"] == needs_key
    assert paths["/api/auth/login"]["post"]["security"] == needs_key
    assert paths["/api/account/profile"]["get"]["security"] == needs_key
