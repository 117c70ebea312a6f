"""Property-based tests of the JSON API, generated from its own OpenAPI document (issue 10, item 13).

1. Schemathesis reads /api/v1/openapi.json from the app and sends generated requests, valid and
   invalid by the document, to every operation as an anonymous caller, an applicant and a
   reviewer. Every answer must be one the document lists for that operation (never a 5xx), with
   the documented content type, headers and body schema. Hooks mix in input that broke the API
   before: a NUL or Unicode digits in a query value, ids past the id columns, lone surrogates, Infinity,
   NaN and huge numbers in JSON bodies, bodies nested far deeper than a parser's recursion.
2. Hypothesis puts each of those hostile values into every field of every JSON body at once, as
   the caller who may write it, so that no field's conversion can fail unseen behind another
   field's refusal.

Both runs are derandomized (the same examples every time, in CI too) and small. The examples of
one test share its database; that is fine.
"""
import io
import json
import math
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry import create_app
from registry.api.openapi import ALL_FIELDS, BARCODE_INPUT
from tests.conftest import SuiteConfig
from tests.factories import council_members, form_council, make_application, make_supported, make_user, score
from tests.test_api import World, call, json_fields, token_for

ROLES = ("anonymous", "applicant", "reviewer")  # experts: the role × route table in test_api.py
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
CONFIG = {
    "seed": 20260710,
    "generation": {"mode": "all", "max-examples": 15, "deterministic": True, "database": "none"},
    "phases": {"examples": {"enabled": False}, "coverage": {"enabled": True},
               "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
}
FUNCTION_SCOPED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much,
                   HealthCheck.data_too_large]

# Input that once answered 500 or an undocumented status.
NASTY_QUERY_VALUES = ["\x00", "a\x00b", "²", "①", "١", "9" * 5000, "1" + "0" * 30, "-1", "1e999",
                      "NaN", " 7", ""]
NASTY_JSON_VALUES = ["\ud800", "Tiêu đề \udfff lẻ", "\udc00\ud800", "\x00", float("inf"), float("-inf"),
                     float("nan"), 10**30, 2**63, -(2**63) - 1, 10**400, 1e300, 2.5, -1, 0, True, None,
                     "", "   ", "²", "١", "9" * 5000, "ACGTÉ" * 20, "x" * 6000, "2026-02-30", [], {},
                     ["in_situ", "in_situ"], [[["sâu"]]], {"$ne": 1}]
NASTY_RAW_BODIES = [
    b'{"version": 1e999}',
    b'{"version": -1e999, "title": "x"}',
    b"[" * 50_000 + b"]" * 50_000,
    b'{"version": 1, "title": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}",
    b'{"title": "\\ud800", "sequence": "\\udfff", "sample_id": "S-1", "marker": "COI"}',
    b'{"version": NaN}',
    b'{"version": 1, "total_budget_vnd": ' + b"9" * 5000 + b"}",
    b"\xff\xfe{}",
]
# What the transport can write as JSON (it refuses NaN and Infinity; the raw bodies carry those).
SENDABLE_JSON_VALUES = [v for v in NASTY_JSON_VALUES if not (isinstance(v, float) and not math.isfinite(v))]
CONTROL_KEYS = ("version", "kind", "decision", "comment")
FOLLOWUP_KEYS = ("progress", "spent_vnd", "products", "problems", "inspected_on", "inspectors", "findings",
                 "conclusion", "accepted_on", "disbursed_vnd", "reasons")
COUNCIL_KEYS = ("checklist", "purpose", "name", "decision_number", "formed_on", "meets_on", "members",
                "application_ids", "has_conflict", "reasons", "explanation", "points", "recommends", "submit")
BODY_KEYS = [*CONTROL_KEYS, *ALL_FIELDS, *BARCODE_INPUT, *COUNCIL_KEYS, *FOLLOWUP_KEYS]
# A form field is text: what of the above an HTTP client can put in one (a lone surrogate has no
# UTF-8, so no client can send it).
FORM_FIELDS = ("version", "document_type", "is_public", "number", "decided_on", "signer", "amount_vnd",
               "period_start", "period_end", "conditions")
FORM_VALUES = sorted({str(v) for v in SENDABLE_JSON_VALUES if not (isinstance(v, str) and re.search(
    "[\ud800-\udfff]", v))} | {"true", "no", "2026-01-01", "-5"})
HUGE_IDS = [2**31, 2**40, 2**63, 2**64 + 1, 10**30]
RESOURCE_CODES = ["ga_dong_tao", "nhan_long"]


# 1. Schemathesis, from the OpenAPI document ------------------------------------------------------

# Ids of the applications, councils and documents the current test made (see `existing`); the
# hooks read them when they draw.
EXISTING: dict[str, list[int]] = {"ids": [1], "councils": [1], "documents": [1]}

# The document as the app serves it. Building it needs an app (routes, config), not a database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(SuiteConfig),
                                        config=schemathesis.Config.from_dict(CONFIG))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Ids of real applications and codes of real resources too, so that requests get past
    the 404 to the code behind it; and ids past what the id columns hold."""
    if not path_parameters:
        return st.just(path_parameters)
    strategies = {name: st.just(value) for name, value in path_parameters.items()}
    for name, ids in (("application_id", "ids"), ("record_id", "ids"), ("council_id", "councils"),
                      ("document_id", "documents")):
        if name in path_parameters:
            existing = st.integers(0, 3).map(lambda i, ids=ids: EXISTING[ids][i % len(EXISTING[ids])])
            strategies[name] = st.one_of(existing, st.sampled_from(HUGE_IDS), st.just(path_parameters[name]))
    if "number" in path_parameters:  # a progress report: those the schedule has, and past it
        strategies["number"] = st.one_of(st.integers(0, 4), st.sampled_from(HUGE_IDS),
                                         st.just(path_parameters["number"]))
    if "code" in path_parameters:
        strategies["code"] = st.one_of(st.sampled_from(RESOURCE_CODES), st.just(path_parameters["code"]))
    return st.fixed_dictionaries(strategies)


@schema.hook
def flatmap_query(context, query):
    names = [parameter.name for parameter in context.operation.query] + ["page", "per_page", "q"]
    changed = st.builds(lambda name, value: {**(query or {}), name: value},
                        st.sampled_from(names), st.sampled_from(NASTY_QUERY_VALUES))
    return st.one_of(st.just(query), changed)


@schema.hook
def flatmap_body(context, body):
    if any(alternative.media_type == "multipart/form-data" for alternative in context.operation.body):
        if not isinstance(body, dict):
            return st.just(body)
        changed = st.builds(lambda name, value: {**body, name: value},
                            st.sampled_from(sorted(set(body) | set(FORM_FIELDS))), st.sampled_from(FORM_VALUES))
        return st.one_of(st.just(body), changed)
    if not isinstance(body, dict):
        return st.one_of(st.just(body), st.sampled_from(NASTY_RAW_BODIES))
    changed = st.builds(lambda name, value: {**body, name: value},
                        st.sampled_from(sorted(body) + BODY_KEYS), st.sampled_from(SENDABLE_JSON_VALUES))
    return st.one_of(st.just(body), changed, st.sampled_from(NASTY_RAW_BODIES))


@pytest.fixture(params=ROLES)
def caller(request, app) -> dict:
    """The headers of a caller of this role."""
    if request.param == "anonymous":
        return {}
    return {"Authorization": f"Bearer {token_for(make_user(request.param))}"}


@pytest.fixture
def existing(app) -> list[int]:
    """Applications in four states and a supported project with a progress report filed, of an
    organisation other than the caller's (with their documents), and a council on the one in
    review."""
    owner, reviewer = make_user("applicant"), make_user("reviewer")
    applications = [make_application(owner, "startup", status, reviewer=reviewer)
                    for status in ("draft", "submitted", "in_review", "approved")]
    applications.append(_followed(owner, reviewer))
    EXISTING["ids"] = [application.id for application in applications]
    EXISTING["documents"] = [a.id for application in applications for a in application.attachments] or [1]
    EXISTING["councils"] = [form_council([applications[2]], reviewer).id]
    return EXISTING["ids"]


def _followed(owner, reviewer):
    """A supported project whose first progress report is filed."""
    from registry.services import followup
    from registry.services.unit_of_work import commit

    application = make_supported(owner, reviewer)
    followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40%.", spent_vnd=1,
                                  products="", problems="", version=None, submit=True)
    commit()
    return application


@schema.parametrize()
@settings(deadline=None, suppress_health_check=FUNCTION_SCOPED)
def test_api_answers_only_documented_statuses(case, app, caller, existing):
    case.call_and_validate(headers=caller, checks=CHECKS, app=app)


# 2. Hostile values in every field of every JSON body ---------------------------------------------

@pytest.fixture
def documented(client) -> dict[str, set[int]]:
    """operationId -> the statuses the document lists for it."""
    document = client.get("/api/v1/openapi.json").get_json()
    return {operation["operationId"]: {int(code) for code in operation["responses"]}
            for operations in document["paths"].values() for operation in operations.values()}


def _writes(world: World, value) -> list[tuple[str, str, str, str, dict]]:
    """(operationId, role, method, url, body) of every JSON body the API takes, with `value`
    in every field but those that decide the action (which a test of their own covers)."""
    owner_draft = world.application("draft", "startup")
    in_review = world.application("in_review", "project")
    everything = dict.fromkeys(ALL_FIELDS, value)
    writes = [("create_application", "owner", "POST", "/api/v1/applications",
               {**json_fields(kind), **{name: value for name in json_fields(kind) if name != "kind"}})
              for kind in ("project", "startup", "conservation", "pvp_filing")]
    application = f"/api/v1/applications/{owner_draft.id}"
    writes += [
        ("update_application", "owner", "PATCH", application, {"version": 1, **everything}),
        ("update_application", "owner", "PATCH", application, {"version": value, "title": "Tiêu đề mới"}),
        ("submit_application", "owner", "POST", application + "/submit", {"version": value}),
        ("withdraw_application", "owner", "POST", application + "/withdraw", {"comment": value}),
        ("withdraw_application", "owner", "POST", application + "/withdraw", {"version": value}),
        ("decide_application", "reviewer", "POST", f"/api/v1/applications/{in_review.id}/decision",
         {"version": in_review.version, "decision": "request_revision", "comment": value}),
        ("decide_application", "reviewer", "POST", f"/api/v1/applications/{in_review.id}/decision",
         {"version": value, "decision": value}),
        ("create_barcode", "reviewer", "POST", "/api/v1/resources/ga_dong_tao/barcodes",
         {"sample_id": "S-1", "marker": "COI", **dict.fromkeys(BARCODE_INPUT[2:], value)}),
        ("create_barcode", "reviewer", "POST", "/api/v1/resources/ga_dong_tao/barcodes",
         dict.fromkeys(BARCODE_INPUT, value)),
    ]
    writes += _council_writes(world, value)
    writes += _followup_writes(world, value)
    return writes


def _followup_writes(world: World, value) -> list[tuple[str, str, str, str, dict]]:
    """The bodies of a supported record's follow-up, with `value` in every field."""
    owner, reviewer = world.user("owner"), world.user("reviewer")
    supported = _followed(owner, reviewer)
    rated = make_supported(owner, reviewer)
    council = form_council([rated], reviewer, purpose="acceptance")
    for member in council_members():
        score(council.assignments[0], member)
    reports = f"/api/v1/applications/{supported.id}/progress-reports"
    return [
        ("save_progress_report", "owner", "PUT", reports + "/2",
         {"progress": value, "spent_vnd": value, "products": value, "problems": value, "submit": value,
          "version": value}),
        ("save_progress_report", "owner", "PUT", reports + "/3",
         {"progress": value, "spent_vnd": value, "products": value, "problems": value, "version": 0}),
        ("review_progress_report", "reviewer", "POST", reports + "/1/review",
         {"decision": value, "comment": value, "version": value}),
        ("review_progress_report", "reviewer", "POST", reports + "/1/review",
         {"decision": "request_more", "comment": value, "version": 2}),
        ("record_inspection", "reviewer", "POST", f"/api/v1/applications/{supported.id}/inspections",
         dict.fromkeys(("inspected_on", "inspectors", "findings", "conclusion"), value)),
        ("record_acceptance", "reviewer", "POST", f"/api/v1/applications/{rated.id}/acceptance",
         {"accepted_on": value, "disbursed_vnd": value, "reasons": value, "version": rated.version}),
        ("record_acceptance", "reviewer", "POST", f"/api/v1/applications/{rated.id}/acceptance",
         {"accepted_on": "2026-11-01", "disbursed_vnd": 1, "reasons": "", "version": value}),
    ]


def _council_writes(world: World, value) -> list[tuple[str, str, str, str, dict]]:
    """The bodies of screening and of councils, with `value` in every field."""
    from registry.services import councils
    from registry.services.unit_of_work import commit

    submitted = world.application("submitted", "project")
    revision = world.application("revision_requested", "startup")
    expert = world.user("expert")
    before = world.application("in_review", "project")
    council = form_council([before], world.user("reviewer"), members=[expert, *council_members(4)])
    councils.declare_conflict(council.assignments[0], expert, has_conflict=False, reasons=[], explanation="")
    commit()
    eligible = world.application("in_review", "project")
    criterion = council.rubric.criteria[0].id
    key = value if isinstance(value, str) else str(criterion)
    application = f"/api/v1/applications/{submitted.id}"
    assignment = f"/api/v1/councils/{council.id}/applications/{before.id}"
    return [
        ("save_checklist", "reviewer", "PUT", application + "/checklist",
         {"version": submitted.version, "checklist": value}),
        ("save_checklist", "reviewer", "PUT", application + "/checklist",
         {"version": value, "checklist": {"eligible_applicant": value}}),
        ("start_review", "reviewer", "POST", application + "/start-review", {"version": value}),
        ("delete_document", "owner", "DELETE",
         f"/api/v1/applications/{revision.id}/documents/{revision.attachments[0].id}", {"version": value}),
        ("create_council", "reviewer", "POST", "/api/v1/councils",
         {**dict.fromkeys(COUNCIL_KEYS[1:8], value)}),
        ("create_council", "reviewer", "POST", "/api/v1/councils",
         {"purpose": "selection", "kind": "project", "name": "Hội đồng thử", "formed_on": "2026-01-01",
          "members": [{"user_id": value, "position": value}], "application_ids": [eligible.id, value]}),
        ("declare_conflict", "expert", "POST", f"/api/v1/councils/{council.id}/applications/{before.id}/conflict",
         {"has_conflict": value, "reasons": value, "explanation": value}),
        ("declare_conflict", "expert", "POST", f"/api/v1/councils/{council.id}/applications/{before.id}/conflict",
         {"has_conflict": True, "reasons": [value], "explanation": value}),
        ("save_sheet", "expert", "PUT", assignment + "/sheet",
         {"points": {str(criterion): value}, "recommends": value, "comment": value, "version": value,
          "submit": value}),
        ("save_sheet", "expert", "PUT", assignment + "/sheet", {"points": value}),
        ("save_sheet", "expert", "PUT", assignment + "/sheet", {"points": {key: 1}, "comment": "Đang chấm"}),
    ]


@settings(max_examples=2 * len(NASTY_JSON_VALUES), deadline=None, derandomize=True,
          suppress_health_check=FUNCTION_SCOPED)
@given(value=st.sampled_from(NASTY_JSON_VALUES))
def test_hostile_values_in_every_field_never_answer_5xx(app, documented, value):
    world = World()
    for operation, role, method, url, body in _writes(world, value):
        # Python's json writes NaN and Infinity, and escapes lone surrogates ("\ud800").
        response = call(app.test_client(), method, url, world.token(role), data=json.dumps(body),
                        content_type="application/json")
        where = f"{method} {url} {body!r:.300}"
        assert response.status_code < 500, where
        assert response.status_code in documented[operation], f"{response.status_code}: {where}"
        if response.status_code >= 400:
            assert set(response.get_json()) == {"error", "errors"}, where


@settings(max_examples=len(FORM_VALUES), deadline=None, derandomize=True, suppress_health_check=FUNCTION_SCOPED)
@given(value=st.sampled_from(FORM_VALUES))
def test_hostile_values_in_every_form_field_never_answer_5xx(app, documented, value):
    """The uploads, with `value` in every text field of the form at once."""
    world = World()
    draft = world.application("draft", "startup")
    approved = world.application("approved", "pvp_filing")
    supported = _followed(world.user("owner"), world.user("reviewer"))
    from registry.services import followup
    from registry.services.unit_of_work import commit

    report = followup.save_progress_report(supported, world.user("owner"), number=2, progress="", spent_vnd=None,
                                           products="", problems="", version=None, submit=False)
    commit()
    for operation, role, url, version in (
            ("upload_document", "owner", f"/api/v1/applications/{draft.id}/documents", draft.version),
            ("record_support_decision", "reviewer", f"/api/v1/applications/{approved.id}/support-decision",
             approved.version),
            ("upload_progress_document", "owner",
             f"/api/v1/applications/{supported.id}/progress-reports/2/documents", report.version)):
        for fields in (dict.fromkeys(FORM_FIELDS, value),
                       {**dict.fromkeys(FORM_FIELDS, value), "version": str(version)}):
            data = {**fields, "file": (io.BytesIO(b"%PDF-1.4 " + value.encode()), f"{value[:50]}.pdf")}
            response = call(app.test_client(), "POST", url, world.token(role), data=data,
                            content_type="multipart/form-data")
            where = f"{operation} {value!r:.100}"
            assert response.status_code < 500, where
            assert response.status_code in documented[operation], f"{response.status_code}: {where}"
            assert set(response.get_json()) == {"error", "errors"} or response.status_code < 300, where


# What the fuzzers found outside the API layer, fixed since: 422, not 500 ---------------------------

@pytest.mark.parametrize("role, url, body, field", [
    ("reviewer", "/api/v1/resources/ga_dong_tao/barcodes",
     {"sample_id": "S-9", "marker": "COI", "sequence": "ACGTÉ" * 20}, "sequence"),
    ("reviewer", "/api/v1/resources/ga_dong_tao/barcodes",
     {"sample_id": "S-8", "marker": "SSR", "latitude": 10**400}, "latitude"),
    ("owner", "/api/v1/applications",
     {"kind": "startup", "title": "Khởi nghiệp thử nghiệm", "team_size": "9" * 5000}, "team_size"),
])
def test_what_the_fuzzers_found_is_a_422(client, role, url, body, field):
    response = call(client, "POST", url, World().token(role), data=json.dumps(body),
                    content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["errors"].get(field), response.get_json()
