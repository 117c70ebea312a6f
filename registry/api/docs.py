"""The API's own description: /openapi.json for programs, /docs for people, both from the one
document that registry.api.openapi builds."""
from flask import current_app, render_template, request
from flask_babel import force_locale, format_number
from flask_babel import gettext as _
from markupsafe import Markup, escape

from registry.api import bp
from registry.api.openapi import API_PREFIX, build_document, rate_limit
from registry.api.views import MAX_PER_PAGE


@bp.get("/openapi.json", endpoint="openapi")
def openapi_document():
    with force_locale("en"):  # the contract in its source language, the same for every client
        document = build_document()
    # Keys in the document's own order (fields in form order), not sorted.
    body = current_app.json.dumps(document, sort_keys=False)
    return current_app.response_class(body + "\n", mimetype="application/json")


@bp.get("/docs", endpoint="docs")
def api_docs():
    document = build_document()
    components = document["components"]
    requests, seconds = rate_limit()
    return render_template(
        "api/docs.html",
        document=document,
        base_url=request.url_root.rstrip("/") + API_PREFIX,
        groups=_operation_groups(document),
        schemas=_schema_views(document),
        errors=[(name, with_code(response["description"])) for name, response in components["responses"].items()],
        error_codes=_error_codes(document),
        rate=_rate_text(requests, seconds),
        max_body_bytes=current_app.config["API_MAX_BODY_BYTES"],
        max_upload_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        per_page=components["parameters"]["per_page"]["schema"]["default"],
        max_per_page=MAX_PER_PAGE,
    )


def _rate_text(requests: int, seconds: int) -> str:
    if seconds == 60:
        return _("At most %(requests)s requests a minute per token, or per address without a token.",
                 requests=requests)
    return _("At most %(requests)s requests per %(seconds)s seconds per token, or per address "
             "without a token.", requests=requests, seconds=seconds)


# From the document to what the page shows ---------------------------------------------------

def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[1]


def _resolve(document: dict, item: dict) -> dict:
    if "$ref" in item:
        kind, name = item["$ref"].split("/")[-2:]
        return document["components"][kind][name]
    return item


def _error_codes(document: dict) -> dict[str, str]:
    """Response name -> status code, from the operations that use them."""
    codes = {}
    for operations in document["paths"].values():
        for operation in operations.values():
            for code, response in operation["responses"].items():
                if "$ref" in response:
                    codes[_ref_name(response["$ref"])] = code
    return codes


def describe(schema: dict) -> tuple[str, list[str]]:
    """A schema as a short type text and notes (sentences), for people."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"]), []
    if "const" in schema:
        return _("always %(value)s", value=schema["const"]), []
    if "oneOf" in schema:
        return _("one of %(names)s", names=", ".join(_ref_name(s["$ref"]) for s in schema["oneOf"])), []
    types = schema.get("type", "object")
    types = types if isinstance(types, list) else [types]
    main = next((t for t in types if t != "null"), "null")
    notes = []
    if main == "array":
        item_text, item_notes = describe(schema["items"])
        text = _("list of %(items)s", items=item_text)
        notes.extend(item_notes)
    elif main == "object" and schema.get("properties"):
        text = _("object with %(fields)s", fields=", ".join(schema["properties"]))
    else:
        text = {"date": _("date (YYYY-MM-DD)"), "date-time": _("date and time (UTC, ISO 8601)"),
                "uri": _("URL")}.get(schema.get("format"), main)
    if "enum" in schema:
        labels = schema.get("x-enumDescriptions", {})
        values = [value for value in schema["enum"] if value is not None]
        notes.append(_("Values: %(values)s.", values=", ".join(
            f"{value} ({labels[value]})" if value in labels else str(value) for value in values)))
    if "minLength" in schema:
        notes.append(_("At least %(count)s characters.", count=schema["minLength"]))
    if "maxLength" in schema:
        notes.append(_("At most %(count)s characters.", count=schema["maxLength"]))
    if "minimum" in schema:
        notes.append(_("At least %(value)s.", value=_number(schema["minimum"])))
    if "maximum" in schema:
        notes.append(_("At most %(value)s.", value=_number(schema["maximum"])))
    if "default" in schema:
        notes.append(_("Default %(value)s.", value=schema["default"]))
    if "null" in types:
        text = _("%(type)s or null", type=text)
    return text, notes


def _number(value: int) -> str:
    return format_number(value) if abs(value) >= 10_000 else str(value)  # not 1.900 for a year


def with_code(text: str) -> Markup:
    """`code` in the document's CommonMark text as <code>, everything else escaped."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{part}</code>" if i % 2 else part for i, part in enumerate(parts)))


def _operation_groups(document: dict) -> list[dict]:
    groups = {tag["name"]: {"title": tag["x-displayName"], "description": tag["description"],
                            "operations": []}
              for tag in document["tags"]}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = []
            for parameter in operation["parameters"]:
                parameter = _resolve(document, parameter)
                type_text, notes = describe(parameter["schema"])
                parameters.append({
                    "name": parameter["name"], "where": parameter["in"], "required": parameter["required"],
                    "type": type_text,
                    "notes": with_code(" ".join([parameter.get("description", ""), *notes]).strip()),
                })
            request_body = operation.get("requestBody", {})
            body_media, body = next(iter(request_body.get("content", {}).items()), (None, None))
            responses = []
            for code, response in operation["responses"].items():
                response = _resolve(document, response)
                responses.append({"code": code, "description": response["description"],
                                  "media": list(response.get("content", {}))})
            groups[operation["tags"][0]]["operations"].append({
                "id": operation["operationId"],
                "method": method.upper(),
                "path": API_PREFIX + path,
                "summary": operation["summary"],
                "description": with_code(operation.get("description", "")),
                "who": operation["x-who"],
                "public": operation["security"] == [],
                "parameters": parameters,
                "body": _ref_name(body["schema"]["$ref"]) if body else None,
                "body_media": body_media,
                "body_required": request_body.get("required", False),
                "responses": responses,
            })
    return list(groups.values())


def _request_schemas(document: dict) -> set[str]:
    """Schemas that clients send: the request bodies and the shapes they are made of."""
    names = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            for body in operation.get("requestBody", {}).get("content", {}).values():
                names.add(_ref_name(body["schema"]["$ref"]))
    schemas = document["components"]["schemas"]
    for name in list(names):
        names.update(_ref_name(s["$ref"]) for s in schemas[name].get("oneOf", ()))
    return names


def _schema_views(document: dict) -> list[dict]:
    requests = _request_schemas(document)
    views = []
    for name, schema in document["components"]["schemas"].items():
        required = set(schema.get("required", ()))
        properties = []
        for prop, prop_schema in schema.get("properties", {}).items():
            type_text, notes = describe(prop_schema)
            if prop_schema.get("description"):
                notes.insert(0, prop_schema["description"])
            properties.append({"name": prop, "type": type_text, "required": prop in required,
                               "notes": with_code(" ".join(notes))})
        views.append({
            "name": name, "description": with_code(schema.get("description", "")), "properties": properties,
            "one_of": [_ref_name(s["$ref"]) for s in schema.get("oneOf", ())],
            "is_request": name in requests,
        })
    return views
