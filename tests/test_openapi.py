"""The OpenAPI document describes exactly the routes of the API, is valid OpenAPI 3.1, and the
readable page built from it is linked from every page. That real answers are what it says, status
by status and role by role, is checked in test_openapi_responses.py."""
import re

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from registry.models.applications import (
    CONSERVATION_METHODS,
    KINDS,
    STATUSES,
    fields_of,
)

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_routes(app) -> set[tuple[str, str]]:
    """(method, path relative to /api/v1) of every route of the api blueprint, `<int:x>` -> `{x}`."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != "api":
            continue
        assert rule.rule.startswith("/api/v1/")
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routes.update((method.lower(), path) for method in rule.methods - IGNORED_METHODS)
    return routes


def documented(document) -> set[tuple[str, str]]:
    return {(method, path) for path, operations in document["paths"].items() for method in operations}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_every_route_is_documented_and_nothing_else(app, document):
    routes = api_routes(app)
    assert ("get", "/records/{record_id}") in routes and ("patch", "/applications/{application_id}") in routes
    assert routes - documented(document) == set(), "routes missing from the OpenAPI document"
    assert documented(document) - routes == set(), "documented operations the app does not have"


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    assert document["info"] == {**document["info"], "title": "Hưng Yên Biotech Registry API", "version": "1"}
    assert document["servers"] == [{"url": "/api/v1"}]
    validate(document)  # raises on any structural error, including a dangling $ref


def test_the_validator_really_refuses_a_broken_document(document):
    document["paths"]["/records"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/NoSuchSchema"}}}
    with pytest.raises(Exception):  # noqa: B017 - a dangling $ref is a resolver error
        validate(document)
    del document["info"]
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_security_per_operation(document):
    bearer = document["components"]["securitySchemes"]["bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    paths = document["paths"]
    assert paths["/records"]["get"]["security"] == []
    assert paths["/export/records.csv"]["get"]["security"] == []
    assert paths["/applications"]["post"]["security"] == [{"bearer": []}]
    assert paths["/applications/{application_id}/decision"]["post"]["security"] == [{"bearer": []}]


def test_schemas_follow_the_code_tables(document):
    schemas = document["components"]["schemas"]
    application = schemas["Application"]["properties"]
    assert application["status"]["enum"] == list(STATUSES)
    assert application["methods"]["items"]["enum"] == list(CONSERVATION_METHODS)
    for kind in KINDS:
        assert set(fields_of(kind)) <= set(application)
        created = schemas[f"ApplicationCreate_{kind}"]["properties"]
        assert set(created) == {"kind", *fields_of(kind)}
    assert set(schemas["Error"]["required"]) == {"error", "errors"}
    csv = document["paths"]["/export/records.csv"]["get"]["responses"]["200"]["content"]
    xlsx = document["paths"]["/export/records.xlsx"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in csv
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in xlsx


@pytest.mark.parametrize("language", ["vi", "en"])
def test_docs_page_lists_every_operation(app, client, document, language):
    if language == "en":
        client.get("/language/en")
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert html.count("<h1>") == 1
    for path, operations in document["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} /api/v1{path}</code>" in html, (method, path)
    assert "/api/v1/openapi.json" in html
    assert "create-token" in html and "Authorization: Bearer" in html
    assert app.config["API_RATE_LIMIT"].split()[0] in html  # the rate limit per token, e.g. 600


def test_docs_page_is_in_the_readers_language(client):
    vietnamese = client.get("/api/v1/docs").get_data(as_text=True)
    client.get("/language/en")
    english = client.get("/api/v1/docs").get_data(as_text=True)
    assert "Who may call it" in english
    # Labels of the code tables follow the language too.
    assert "Genetic-resource conservation effort" in english
    assert "Genetic-resource conservation effort" not in vietnamese


def test_openapi_document_is_the_same_whatever_the_language(client, document):
    client.get("/language/en")
    assert client.get("/api/v1/openapi.json").get_json() == document


def test_home_page_footer_links_to_the_api_page(client):
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index('<footer'):]
    assert 'href="/api/v1/docs"' in footer
