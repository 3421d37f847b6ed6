"""Liveness, readiness and the OpenAPI document."""

from __future__ import annotations

from plenary import create_app


def test_healthz_and_readyz_answer_when_services_do(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_is_503_naming_redis_when_redis_is_unreachable(settings):
    broken = settings.with_overrides(redis_url="redis://127.0.0.1:1/0")
    app = create_app(broken)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"] == "ok" and checks["redis"].startswith("error")


def test_openapi_document_lists_every_api_route(client, app):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in ("/api/v1/events", "/api/v1/events/{slug}", "/api/v1/events/{slug}/sessions",
                 "/healthz", "/readyz", "/api/v1/auth/exchange"):  # fmt: skip
        assert path in paths, path
    exchange = paths["/api/v1/auth/exchange"]["post"]
    schema_ref = exchange["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.rsplit("/", 1)[1] in document["components"]["schemas"]
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")}
    assert len(api_rules) <= len([p for p in paths if p.startswith("/api/v1")])
