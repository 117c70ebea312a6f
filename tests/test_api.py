"""The JSON API, version 1 (SPEC section 6), through real HTTP: bearer tokens, JSON bodies,
the status codes of the contract.

The role × endpoint table below must name every `api.*` endpoint in `app.url_map`: a new API
route fails `test_every_api_route_is_in_the_table` until someone decides who may call it.
The CSV and XLSX exports are checked row by row in test_api_export.py.
"""
import hashlib
import itertools
import io
import json
from datetime import date
from types import SimpleNamespace

import pytest
from flask import url_for

from registry import create_app
from registry.extensions import db
from registry.models import ApiToken, Application
from registry.models.applications import CHECKLIST, REQUIRED_DOCUMENTS
from registry.services import applications as workflow
from registry.services.errors import ValidationFailed
from registry.services.tokens import create_token, revoke_token
from registry.services.unit_of_work import commit
from tests.conftest import SuiteConfig
from registry.models.base import province_today
from tests.factories import (
    COUNCIL_POSITIONS,
    SIGNED_PDF,
    VALID_FIELDS,
    appraise,
    council_members,
    make_application,
    make_user,
)

ROLES = ("anonymous", "owner", "other_applicant", "reviewer", "own_reviewer", "admin", "agency", "expert")
# Served by registry/api/docs.py (the OpenAPI document and its page): public, checked there.
NOT_IN_TABLE = {"api.openapi", "api.docs"}

EVERYONE = dict.fromkeys(ROLES, 200)
# The expert of the table sits on one council (see `council` targets) and appraises nothing else.
READERS = {**dict.fromkeys(ROLES, 200), "anonymous": 401, "agency": 403, "other_applicant": 404,
           "expert": 404}
OWNER_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": 401, "other_applicant": 404, "owner": 200}
# Screening by the department, never by a member of the applicant organisation.
SCREENERS = {**dict.fromkeys(ROLES, 403), "anonymous": 401, "other_applicant": 404, "reviewer": 200,
             "admin": 200}
COUNCIL_READERS = {**dict.fromkeys(ROLES, 200), "anonymous": 401, "owner": 403, "other_applicant": 403,
                   "agency": 403}
MEMBERS_ONLY = {**COUNCIL_READERS, "reviewer": 403, "own_reviewer": 403, "admin": 403}
ACCESS = {
    "api.list_records": EVERYONE,
    "api.get_record": EVERYONE,
    "api.export_csv": EVERYONE,
    "api.export_xlsx": EVERYONE,
    "api.targets": EVERYONE,
    "api.list_resources": EVERYONE,
    "api.get_resource": EVERYONE,
    "api.list_barcodes": EVERYONE,
    "api.barcodes_fasta": EVERYONE,
    # Open data in the standards portals harvest (DCAT-AP, 360Giving): tests/test_open_data.py.
    "api.catalog": EVERYONE,
    "api.catalog_jsonld": EVERYONE,
    "api.catalog_rdf": EVERYONE,
    "api.grants_json": EVERYONE,
    "api.grants_xlsx": EVERYONE,
    "api.grants_csv": EVERYONE,
    "api.create_barcode": {**dict.fromkeys(ROLES, 403), "anonymous": 401, "reviewer": 201,
                           "own_reviewer": 201, "admin": 201},
    # Everyone with a working role gets a list; what is in it is checked further down.
    "api.list_applications": {**dict.fromkeys(ROLES, 200), "anonymous": 401, "agency": 403},
    "api.create_application": {**dict.fromkeys(ROLES, 403), "anonymous": 401, "owner": 201,
                               "other_applicant": 201},
    "api.get_application": READERS,
    "api.application_history": READERS,
    "api.update_application": OWNER_ONLY,
    "api.submit_application": OWNER_ONLY,
    "api.withdraw_application": OWNER_ONLY,
    # A reviewer of the applicant's own organisation sees the application but may not decide.
    "api.decide_application": SCREENERS,
    "api.get_checklist": {**SCREENERS, "expert": 404},
    "api.save_checklist": SCREENERS,
    "api.start_review": SCREENERS,
    "api.list_documents": READERS,
    "api.upload_document": {**OWNER_ONLY, "owner": 201},
    # No role needed: `Attachment.can_download` alone decides (anyone, for a public document).
    "api.download_document": {**READERS, "agency": 404},
    "api.delete_document": OWNER_ONLY,
    "api.record_support_decision": {**SCREENERS, "reviewer": 201, "admin": 201},
    "api.support_decision_file": READERS,
    "api.list_councils": COUNCIL_READERS,
    "api.create_council": {**dict.fromkeys(ROLES, 403), "anonymous": 401, "reviewer": 201, "admin": 201},
    "api.get_council": COUNCIL_READERS,
    "api.council_sheets": COUNCIL_READERS,
    "api.declare_conflict": MEMBERS_ONLY,
    "api.save_sheet": MEMBERS_ONLY,
    # Follow-up: a report is the owner's while a draft, the department's to read once filed; a
    # reviewer of the applicant organisation reads neither the filed reports nor the inspections.
    "api.list_progress_reports": READERS,
    "api.get_progress_report": {**READERS, "own_reviewer": 404},
    "api.save_progress_report": OWNER_ONLY,
    "api.upload_progress_document": {**OWNER_ONLY, "owner": 201, "reviewer": 404, "own_reviewer": 404,
                                     "admin": 404},
    "api.download_progress_document": {**READERS, "own_reviewer": 404},
    "api.review_progress_report": {**SCREENERS, "own_reviewer": 404},
    "api.list_inspections": {**SCREENERS, "expert": 404},
    "api.record_inspection": {**SCREENERS, "reviewer": 201, "admin": 201},
    "api.record_acceptance": {**SCREENERS, "reviewer": 201, "admin": 201},
}
# What each route acts on: an application of the owner's organisation in a state where its
# permitted callers succeed ("checked": submitted with every checklist item met; "supported":
# approved with its support decision; "council": in review before a council the table's expert
# sits on, "declared": the expert has declared no conflict on it; "followed": a supported project
# whose report 1 is filed with a document and report 2 is a draft; "rated": one its acceptance
# council has rated).
TARGET_STATUS = {
    "api.get_record": "public",
    "api.get_application": "submitted",
    "api.application_history": "submitted",
    "api.update_application": "revision_requested",
    "api.submit_application": "revision_requested",
    "api.withdraw_application": "submitted",
    "api.decide_application": "in_review",
    "api.get_checklist": "submitted",
    "api.save_checklist": "submitted",
    "api.start_review": "checked",
    "api.list_documents": "submitted",
    "api.upload_document": "revision_requested",
    "api.download_document": "submitted",
    "api.delete_document": "revision_requested",
    "api.record_support_decision": "approved",
    "api.support_decision_file": "supported",
    "api.create_council": "in_review",
    "api.get_council": "declared",
    "api.council_sheets": "declared",
    "api.declare_conflict": "council",
    "api.save_sheet": "declared",
    "api.list_progress_reports": "followed",
    "api.get_progress_report": "followed",
    "api.save_progress_report": "followed",
    "api.upload_progress_document": "followed",
    "api.download_progress_document": "followed",
    "api.review_progress_report": "followed",
    "api.list_inspections": "followed",
    "api.record_inspection": "followed",
    "api.record_acceptance": "rated",
}


# Helpers -----------------------------------------------------------------------------------

def token_for(user, name: str = "tests") -> str:
    _token, secret = create_token(user, name)
    commit()
    return secret


def bearer(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


def call(client, method: str, url: str, token: str | None = None, body=None, **kwargs):
    """One API request; `body` goes out as JSON."""
    if body is not None:
        kwargs["json"] = body
    return client.open(url, method=method, headers={**bearer(token), **kwargs.pop("headers", {})},
                       **kwargs)


def json_fields(kind: str, /, **changes) -> dict:
    """The factories' valid fields of `kind` as a JSON body would carry them."""
    values = {name: value.isoformat() if isinstance(value, date) else value
              for name, value in VALID_FIELDS[kind].items()}
    if kind == "pvp_filing":
        values["application_number"] = "PVP-API-0001"
    values.update(changes)
    return {"kind": kind, **values}


def assert_error(response, status: int, *fields: str, where: str = "") -> dict:
    """An error in the contract's shape: {"error": "...", "errors": {field: [messages]}}."""
    assert response.status_code == status, f"{where}: {response.get_data(as_text=True)[:500]}"
    assert response.mimetype == "application/json", where
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["errors"], dict)
    for name in fields:
        assert body["errors"].get(name), f"{where}: no error for {name}: {body}"
        assert all(isinstance(m, str) and m for m in body["errors"][name])
    return body


def fresh(application: Application) -> Application:
    """The row as the database has it now."""
    db.session.expire_all()
    return db.session.get(Application, application.id)


class World:
    """A user of each role and a token for each, made when a test first asks for them."""

    def __init__(self):
        self.users, self.tokens = {}, {"anonymous": None}

    def user(self, role: str):
        if role not in self.users:
            if role == "own_reviewer":  # a reviewer who belongs to the owner's organisation
                self.users[role] = make_user("reviewer", organization=self.user("owner").organization)
            else:
                self.users[role] = make_user("applicant" if role in ("owner", "other_applicant") else role)
        return self.users[role]

    def token(self, role: str) -> str | None:
        if role not in self.tokens:
            self.tokens[role] = token_for(self.user(role))
        return self.tokens[role]

    def application(self, status: str, kind: str = "project", owner: str = "owner") -> Application:
        """An application of `owner`'s organisation in `status`, screened by the reviewer."""
        return make_application(self.user(owner), kind, status, reviewer=self.user("reviewer"))


@pytest.fixture
def world(app):
    return World()


# The role × endpoint matrix ----------------------------------------------------------------

def test_every_api_route_is_in_the_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert endpoints - NOT_IN_TABLE - set(ACCESS) == set(), "new API routes: decide who may call them"
    assert set(ACCESS) - endpoints == set(), "the table names API routes that no longer exist"
    assert all(set(expected) == set(ROLES) for expected in ACCESS.values())


_SAMPLES = itertools.count(1)


class Target:
    """The application a route acts on, and the council, report or document in its address."""

    def __init__(self, application, council_id: int | None = None, number: int = 1,
                 report_document_id: int | None = None):
        self.application, self.council_id = application, council_id
        self.number, self.report_document_id = number, report_document_id

    @property
    def id(self) -> int:
        return self.application.id

    @property
    def version(self) -> int:
        return self.application.version

    @property
    def document_id(self) -> int:
        return self.report_document_id or self.application.attachments[0].id

    def report_version(self, number: int) -> int:
        return next(r.version for r in fresh(self.application).progress_reports if r.number == number)

    def state(self) -> tuple[str, int]:
        now = fresh(self.application)
        return now.status, now.version


# Ids nothing has, for the answer a hidden record must look like.
_NO_SUCH_TARGET = SimpleNamespace(id=999_999, version=1, council_id=999_999, document_id=999_999, number=1,
                                  report_version=lambda number: 1)
# The report each follow-up route acts on: 1 is filed, 2 a draft, 3 not begun.
REPORT_NUMBER = {"api.save_progress_report": 3, "api.upload_progress_document": 2}


def make_target(world, endpoint: str) -> Target:
    from registry.services import councils
    from tests.factories import form_council, record_decision

    owner, reviewer = world.user("owner"), world.user("reviewer")
    status = TARGET_STATUS[endpoint]
    if status == "checked":
        application = make_application(owner, "project", "submitted", reviewer=reviewer)
        workflow.save_checklist(application, reviewer, dict.fromkeys(CHECKLIST, True), application.version)
        commit()
        return Target(application)
    if status == "supported":
        application = make_application(owner, "pvp_filing", "approved", reviewer=reviewer)
        record_decision(application, reviewer)
        return Target(application)
    if status in ("council", "declared"):
        application = make_application(owner, "project", "in_review", reviewer=reviewer)
        council = form_council([application], reviewer, members=[world.user("expert"), *council_members(4)])
        if status == "declared":
            councils.declare_conflict(council.assignments[0], world.user("expert"), has_conflict=False,
                                      reasons=[], explanation="")
            commit()
        return Target(application, council.id)
    if status in ("followed", "rated"):
        return _followed_target(world, rated=status == "rated", number=REPORT_NUMBER.get(endpoint, 1))
    kind = "pvp_filing" if endpoint == "api.record_support_decision" else "project"
    return Target(make_application(owner, kind, status, reviewer=reviewer))


def _followed_target(world, rated: bool, number: int) -> Target:
    from registry.services import followup
    from tests.factories import form_council, make_supported, score

    owner, reviewer = world.user("owner"), world.user("reviewer")
    application = make_supported(owner, reviewer, period_end=date(2027, 12, 31))
    report = followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40%.",
                                           spent_vnd=100_000_000, products="", problems="", version=None,
                                           submit=False)
    commit()
    document = followup.add_progress_document(report, owner, io.BytesIO(SIGNED_PDF), "Chứng từ.pdf",
                                              report.version)
    followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40%.",
                                  spent_vnd=100_000_000, products="", problems="", version=report.version,
                                  submit=True)
    followup.save_progress_report(application, owner, number=2, progress="", spent_vnd=None, products="",
                                  problems="", version=None, submit=False)
    commit()
    if rated:
        council = form_council([application], reviewer, purpose="acceptance")
        for member in council_members():
            score(council.assignments[0], member)
    return Target(application, number=number, report_document_id=document.id)


def _request_for(app, endpoint: str, target) -> tuple[str, str, dict]:
    """(method, url, what the test client sends) of a permitted request to the route."""
    rule = next(app.url_map.iter_rules(endpoint))
    method = next(m for m in ("GET", "POST", "PATCH", "PUT", "DELETE") if m in rule.methods)
    attributes = {"application_id": "id", "record_id": "id", "council_id": "council_id",
                  "document_id": "document_id", "number": "number"}
    values = {name: "ga_dong_tao" if name == "code" else getattr(target, attributes[name])
              for name in rule.arguments}
    version = target.version if target else None
    experts = [expert.id for expert in council_members(5)] if endpoint == "api.create_council" else []
    body = {
        "api.create_barcode": {"sample_id": f"API-{next(_SAMPLES)}", "marker": "SSR"},
        "api.create_application": {"kind": "startup", "title": "Khởi nghiệp gửi qua API"},
        "api.update_application": {"version": version, "title": "Tiêu đề đã sửa qua API"},
        "api.submit_application": {"version": version},
        "api.withdraw_application": {"version": version, "comment": "Rút để hoàn thiện"},
        "api.decide_application": {"version": version, "decision": "request_revision",
                                   "comment": "Đề nghị bổ sung dự toán."},
        "api.save_checklist": {"version": version, "checklist": dict.fromkeys(CHECKLIST, True)},
        "api.start_review": {"version": version},
        "api.delete_document": {"version": version},
        "api.create_council": {
            "purpose": "selection", "kind": "project", "name": "Hội đồng tư vấn qua API",
            "formed_on": province_today().isoformat(), "application_ids": [target.id] if target else [],
            "members": [{"user_id": user_id, "position": position}
                        for user_id, position in zip(experts, COUNCIL_POSITIONS)]},
        "api.declare_conflict": {"has_conflict": False},
        "api.save_sheet": {"points": {}, "comment": "Đang chấm"},
        "api.save_progress_report": {"progress": "Hoàn thành 70%.", "spent_vnd": 300_000_000, "version": 0},
        "api.record_inspection": {"inspected_on": "2025-09-01", "inspectors": "Đoàn kiểm tra Sở KH&CN",
                                  "findings": "Đạt yêu cầu.", "conclusion": "on_track"},
        "api.record_acceptance": {"accepted_on": province_today().isoformat(), "disbursed_vnd": 400_000_000,
                                  "version": version},
    }.get(endpoint)
    if endpoint == "api.review_progress_report":  # the report's version, not the application's
        body = {"decision": "accept", "version": target.report_version(1)}
    request = {} if body is None else {"json": body}
    if endpoint == "api.upload_document":
        request = {"content_type": "multipart/form-data", "data": {
            "version": str(version), "document_type": "budget_estimate",
            "file": (io.BytesIO(SIGNED_PDF), "Dự toán bổ sung.pdf")}}
    elif endpoint == "api.upload_progress_document":
        request = {"content_type": "multipart/form-data", "data": {
            "version": str(target.report_version(2)), "file": (io.BytesIO(SIGNED_PDF), "Hóa đơn.pdf")}}
    elif endpoint == "api.record_support_decision":
        request = {"content_type": "multipart/form-data", "data": {
            "version": str(version), "number": "7/QĐ-SKHCN", "decided_on": province_today().isoformat(),
            "signer": "Giám đốc Sở", "file": (io.BytesIO(SIGNED_PDF), "Xác nhận.pdf")}}
    return method, url_for(endpoint, **values), request


# What a permitted write leaves the application in (an update keeps the state it edits in).
STATUS_AFTER = {
    "api.update_application": "revision_requested",
    "api.submit_application": "submitted",
    "api.withdraw_application": "withdrawn",
    "api.decide_application": "revision_requested",
    "api.start_review": "in_review",
    "api.delete_document": "revision_requested",
    "api.record_support_decision": "approved",
    "api.record_acceptance": "approved",
}
MEDIA_TYPES = {
    "api.export_csv": "text/csv",
    "api.export_xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "api.barcodes_fasta": "text/plain",
    "api.catalog": "application/ld+json",
    "api.catalog_jsonld": "application/ld+json",
    "api.catalog_rdf": "application/rdf+xml",
    "api.grants_xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "api.grants_csv": "text/csv",
    "api.download_document": "application/pdf",
    "api.support_decision_file": "application/pdf",
    "api.download_progress_document": "application/pdf",
}


def assert_refused(response, status: int, where: str, missing=None) -> None:
    """What a refused caller sees: the error, and for 404 exactly what the same request for an
    application that does not exist gets (`missing`), so that nobody can tell a hidden
    application from a missing one."""
    body = assert_error(response, status, where=where)
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"', where
    if status == 404:
        assert (missing.status_code, missing.get_json()) == (404, body), where


def assert_served(endpoint: str, response, where: str, target: Target | None, before,
                  sent: dict, caller) -> None:
    """What a permitted caller sees: the record asked for, in the state the action leads to."""
    if endpoint in MEDIA_TYPES:
        assert response.mimetype == MEDIA_TYPES[endpoint], where
        return
    body = response.get_json()
    sent = sent.get("json")
    if endpoint == "api.create_application":
        assert body["status"] == "draft" and body["title"] == sent["title"], where
        assert body["organization"]["id"] == caller.organization_id, where
        assert response.headers["Location"].endswith(f"/api/v1/applications/{body['id']}"), where
    elif endpoint == "api.create_barcode":
        assert (body["sample_id"], body["resource"]) == (sent["sample_id"], "ga_dong_tao"), where
    elif endpoint == "api.get_record":
        assert (body["id"], body["public_code"]) == (target.id, target.application.public_code), where
    elif endpoint == "api.get_application":
        assert (body["id"], body["status"], body["version"]) == (target.id, *before), where
    elif endpoint == "api.application_history":
        assert [event["to_status"] for event in body][-1] == before[0], where
    elif endpoint in STATUS_AFTER:
        now = target.state()
        assert now == (STATUS_AFTER[endpoint], before[1] + 1), where
        assert (body["id"], body["status"], body["version"]) == (target.id, *now), where
        assert response.headers["ETag"] == f'"{now[1]}"', where
    elif endpoint in ("api.get_checklist", "api.save_checklist"):
        expected = before[1] + (endpoint == "api.save_checklist")
        assert body["version"] == expected == target.state()[1], where
        assert body["passed"] is (endpoint == "api.save_checklist"), where
    elif endpoint == "api.upload_document":
        assert body["document_type"] == "budget_estimate", where
        assert target.state() == (before[0], before[1] + 1), where
    elif endpoint == "api.list_documents":
        assert [d["id"] for d in body["items"]] == [a.id for a in target.application.attachments], where
    elif endpoint in ("api.create_council", "api.get_council"):
        assert [a["application"]["id"] for a in body["assignments"]] == [target.id], where
    elif endpoint == "api.declare_conflict":
        assert body["declaration"]["has_conflict"] is False and body["can_score"], where
    elif endpoint == "api.save_sheet":
        assert body["comment"] == "Đang chấm" and body["submitted_at"] is None, where
    elif endpoint == "api.council_sheets":
        assert body == [], where  # nobody has submitted yet
    elif endpoint in ("api.get_progress_report", "api.save_progress_report", "api.upload_progress_document",
                      "api.review_progress_report"):
        expected = {"api.get_progress_report": (1, "submitted"), "api.save_progress_report": (3, "draft"),
                    "api.upload_progress_document": (2, "draft"),
                    "api.review_progress_report": (1, "accepted")}[endpoint]
        assert (body["number"], body["status"]) == expected, where
    elif endpoint == "api.list_progress_reports":
        shown = {row["number"]: row["report"] and row["report"]["status"] for row in body["items"]}
        application = fresh(target.application)
        if application.is_owned_by(caller):
            assert (shown[1], shown[2]) == ("submitted", "draft"), where
        else:  # the department reads what was filed; a reviewer of the organisation nothing
            assert (shown[1], shown[2]) == ("submitted" if application.can_review(caller) else None, None), where
    elif endpoint == "api.record_inspection":
        assert body["conclusion"] == "on_track" and fresh(target.application).inspections, where
    else:  # the lists and the public reference data
        assert response.mimetype == "application/json" and body, where


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_api_access_by_role(app, world, endpoint):
    target = None
    # Refused roles first; after a permitted write the next role gets a target of its own.
    for role in sorted(ROLES, key=lambda r: ACCESS[endpoint][r] < 400):
        if endpoint in TARGET_STATUS and target is None:
            target = make_target(world, endpoint)
        before = target.state() if target else None
        method, url, request = _request_for(app, endpoint, target)

        response = call(app.test_client(), method, url, world.token(role), **request)
        response.get_data()  # the exports stream: read them to the end

        where = f"{method} {url} as {role}"
        expected = ACCESS[endpoint][role]
        assert "Set-Cookie" not in response.headers, where
        if expected >= 400:
            missing = None
            if expected == 404:
                again, missing_url, again_request = _request_for(app, endpoint, _NO_SUCH_TARGET)
                missing = call(app.test_client(), again, missing_url, world.token(role), **again_request)
            assert_refused(response, expected, where, missing)
            if target is not None:
                assert target.state() == before, f"{where} changed the record"
        else:
            assert response.status_code == expected, f"{where}: {response.status_code} {response.data[:300]}"
            assert_served(endpoint, response, where, target, before, request,
                          world.user(role) if role != "anonymous" else None)
            if target is not None and method != "GET":
                target = None


# Public records ----------------------------------------------------------------------------

@pytest.fixture
def catalogue(app):
    """Three approved records made before 01/07/2025 in two former districts, and two that
    are not public."""
    owner = make_user("applicant")
    reviewer = make_user("reviewer")
    records = {
        "chicken": make_application(owner, "conservation", "approved", reviewer=reviewer, district="khoai_chau"),
        "longan": make_application(owner, "project", "public", reviewer=reviewer, district="khoai_chau"),
        "rice": make_application(owner, "pvp_filing", "approved", reviewer=reviewer, district="an_thi"),
        "submitted": make_application(owner, "startup", "submitted", reviewer=reviewer),
        "draft": make_application(owner, "project", "draft"),
    }
    return owner, records


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {item["id"] for item in response.get_json()["items"]}


def test_records_lists_only_approved_records_with_the_contract_fields(client, catalogue):
    owner, records = catalogue
    response = client.get("/api/v1/records")
    body = response.get_json()
    assert response.status_code == 200
    assert set(body) == {"items", "total", "page", "per_page", "next"}
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 20
    assert body["next"] is None  # one page: nothing after it
    assert {i["id"] for i in body["items"]} == {records[k].id for k in ("chicken", "longan", "rice")}
    item = next(i for i in body["items"] if i["id"] == records["chicken"].id)
    assert {"id", "kind", "title", "field", "district", "organization", "approved_on", "url"} <= set(item)
    assert item["kind"] == "conservation" and item["title"] == "Bảo tồn nguồn gen gà Đông Tảo"
    assert item["field"] == "agriculture" and item["district"] == "khoai_chau"
    assert (item["commune"], item["former_province"]) == (None, "hung_yen")
    assert item["organization"] == owner.organization.name
    assert item["approved_on"] == records["chicken"].approved_on.isoformat()
    assert item["url"].endswith(f"/records/{records['chicken'].public_code}")
    # Newest approval first.
    assert [i["id"] for i in body["items"]] == sorted((i["id"] for i in body["items"]), reverse=True)


def test_records_search_ignores_accents_and_case(client, catalogue):
    _owner, records = catalogue
    for q in ("dong tao", "Đông Tảo", "ĐÔNG TẢO", "gà dong", "  dong   TAO  "):
        assert _ids(client.get("/api/v1/records", query_string={"q": q})) == {records["chicken"].id}, q


def test_records_filters(client, catalogue):
    _owner, records = catalogue
    year = records["rice"].approved_on.year
    get = lambda **args: _ids(client.get("/api/v1/records", query_string=args))
    assert get(kind="pvp_filing") == {records["rice"].id}
    assert get(district="an_thi") == {records["rice"].id}
    assert get(district="khoai_chau", kind="project") == {records["longan"].id}
    assert get(field="agriculture", year=year) == {records[k].id for k in ("chicken", "longan", "rice")}
    assert get(field="health") == set()
    assert get(year=1999) == set()
    assert get(q="nhan long", kind="conservation") == set()
    assert get(q="100% _x_") == set()  # LIKE wildcards are searched for, not obeyed


def test_records_pagination_and_per_page_cap(client, catalogue):
    body = client.get("/api/v1/records?per_page=500").get_json()
    assert body["per_page"] == 100 and len(body["items"]) == 3
    pages = [client.get(f"/api/v1/records?per_page=1&page={n}").get_json() for n in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [1, 1, 1, 0]
    assert all(p["total"] == 3 for p in pages)
    assert len({p["items"][0]["id"] for p in pages[:3]}) == 3


def test_records_bad_query_arguments_are_422(client, catalogue):
    for args, field in [
        ({"kind": "dragon"}, "kind"), ({"field": "space"}, "field"), ({"district": "atlantis"}, "district"),
        ({"year": "abc"}, "year"), ({"year": "99999"}, "year"), ({"per_page": "abc"}, "per_page"),
        ({"per_page": "0"}, "per_page"), ({"per_page": "-5"}, "per_page"), ({"page": "0"}, "page"),
        ({"page": "x"}, "page"), ({"page": "99999999999999999999"}, "page"),
    ]:
        assert_error(client.get("/api/v1/records", query_string=args), 422, field, where=str(args))


def test_record_detail_has_public_fields_only(client, catalogue):
    owner, records = catalogue
    longan = records["longan"]
    response = client.get(f"/api/v1/records/{longan.id}")
    body = response.get_json()
    assert response.status_code == 200
    assert body["id"] == longan.id and body["public_code"] == longan.public_code
    assert body["title"] == longan.title and body["technologies"] == ["cell_tissue"]
    assert body["total_budget_vnd"] == 1_500_000_000  # public money is public
    assert body["start_date"] == "2026-01-01" and body["district"] == "khoai_chau"  # made before 01/07/2025
    assert (body["commune"], body["former_province"]) == (None, "hung_yen")
    assert body["implementation_status"] == "ongoing"
    text = response.get_data(as_text=True)
    organization = owner.organization
    for private in (organization.email, organization.phone, organization.representative, owner.email):
        assert private not in text
    assert "status" not in body and "version" not in body


def test_record_detail_is_404_unless_approved(client, catalogue):
    _owner, records = catalogue
    for record_id in (records["submitted"].id, records["draft"].id, 0, 999_999, 2**63, 10**30):
        assert_error(client.get(f"/api/v1/records/{record_id}"), 404, where=str(record_id))


# Creating ----------------------------------------------------------------------------------

def test_applicant_creates_a_draft(client, world):
    body = json_fields("project", organization={"id": 999, "name": "Không phải của tôi"})
    response = call(client, "POST", "/api/v1/applications", world.token("owner"), body)
    created = response.get_json()
    assert response.status_code == 201, created
    assert created["status"] == "draft" and created["version"] == 1 and created["kind"] == "project"
    assert created["organization"]["id"] == world.user("owner").organization_id  # read-only
    assert created["title"] == body["title"] and created["technologies"] == ["cell_tissue"]
    assert created["start_date"] == "2026-01-01" and created["commune"] == "12205"
    assert (created["district"], created["former_province"]) == (None, "hung_yen")
    assert created["requested_support_vnd"] == 500_000_000
    assert response.headers["Location"].endswith(f"/api/v1/applications/{created['id']}")
    again = call(client, "GET", response.headers["Location"], world.token("owner"))
    assert again.status_code == 200 and again.get_json() == created


def upload_required_documents(client, token, application: dict) -> int:
    """The documents the application's kind requires, uploaded through the API as a client
    would; the application's version afterwards."""
    version = application["version"]
    for code in application["missing_documents"]:
        response = call(client, "POST", f"/api/v1/applications/{application['id']}/documents", token,
                        content_type="multipart/form-data",
                        data={"version": str(version), "document_type": code,
                              "file": (io.BytesIO(SIGNED_PDF), f"{code}.pdf")})
        assert response.status_code == 201, response.get_json()
        version = int(response.headers["ETag"].strip('"'))
    return version


def test_each_kind_can_be_created_and_submitted(client, world):
    for kind in ("project", "startup", "conservation", "pvp_filing"):
        created = call(client, "POST", "/api/v1/applications", world.token("owner"), json_fields(kind))
        assert created.status_code == 201, created.get_json()
        application = created.get_json()
        assert application["kind"] == kind
        assert application["required_documents"] == application["missing_documents"] == list(
            REQUIRED_DOCUMENTS[kind])
        url = f"/api/v1/applications/{application['id']}/submit"
        refused = call(client, "POST", url, world.token("owner"), {"version": application["version"]})
        assert_error(refused, 422, "documents")
        version = upload_required_documents(client, world.token("owner"), application)
        assert version == 1 + len(REQUIRED_DOCUMENTS[kind])
        response = call(client, "POST", url, world.token("owner"), {"version": version})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == "submitted" and response.get_json()["version"] == version + 1
        assert response.get_json()["missing_documents"] == []


BAD_FIELDS = [
    ("project", {"kind": "dragon"}, "kind"),
    ("project", {"kind": None}, "kind"),
    ("project", {"kind": ["project"]}, "kind"),
    ("conservation", {"resource": "ca_voi_xanh"}, "resource"),
    ("project", {"commune": "atlantis"}, "commune"),
    ("project", {"commune": "99999"}, "commune"),
    ("project", {"district": "khoai_chau"}, "district"),  # the districts ended on 30/06/2025
    ("project", {"field": "space"}, "field"),
    ("project", {"start_date": "2026-02-30"}, "start_date"),
    ("project", {"start_date": "30/01/2026"}, "start_date"),
    ("project", {"start_date": 20260101}, "start_date"),
    ("project", {"start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
    ("project", {"total_budget_vnd": -1}, "total_budget_vnd"),
    ("project", {"total_budget_vnd": "nhiều tiền"}, "total_budget_vnd"),
    ("project", {"total_budget_vnd": 1.5}, "total_budget_vnd"),
    ("project", {"total_budget_vnd": True}, "total_budget_vnd"),
    ("project", {"total_budget_vnd": 10**30}, "total_budget_vnd"),
    ("project", {"total_budget_vnd": 100, "requested_support_vnd": 200}, "requested_support_vnd"),
    ("project", {"technologies": ["teleport"]}, "technologies"),
    ("project", {"technologies": "gene"}, "technologies"),
    ("project", {"title": 42}, "title"),
    ("project", {"title": "abc"}, "title"),
    ("project", {"title": "x" * 301}, "title"),
    ("project", {"colour": "green"}, "colour"),
    ("project", {"team_size": 3}, "team_size"),  # a field of another kind
    ("startup", {"tax_code": "12345"}, "tax_code"),
    ("startup", {"tax_code": "0101234567-12"}, "tax_code"),
    ("startup", {"tax_code": "01012345ab"}, "tax_code"),
    ("startup", {"team_size": 0}, "team_size"),
    ("startup", {"founded_on": "2999-01-01"}, "founded_on"),
    ("pvp_filing", {"office_status": "granted"}, "certificate_number"),
    ("pvp_filing", {"office_status": "granted", "certificate_number": "12.VN.2026"}, "granted_on"),
    ("pvp_filing", {"office_status": "filed", "certificate_number": "12.VN.2026"}, "certificate_number"),
    ("pvp_filing", {"office_status": "filed", "granted_on": "2026-01-01"}, "granted_on"),
    ("pvp_filing", {"office_status": "granted", "certificate_number": "12.VN.2026",
                    "granted_on": "2024-01-01"}, "granted_on"),  # before the filing
    ("pvp_filing", {"office_status": "pending"}, "office_status"),
]


def test_invalid_fields_are_422_and_create_nothing(client, world):
    for kind, changes, field in BAD_FIELDS:
        response = call(client, "POST", "/api/v1/applications", world.token("owner"),
                        json_fields(kind, **changes))
        assert_error(response, 422, field, where=f"{kind} {changes}")
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_pvp_application_number_is_unique(client, world):
    first = call(client, "POST", "/api/v1/applications", world.token("owner"), json_fields("pvp_filing"))
    assert first.status_code == 201
    second = call(client, "POST", "/api/v1/applications", world.token("other_applicant"),
                  json_fields("pvp_filing"))
    assert_error(second, 422, "application_number")


def test_granted_pvp_filing_with_certificate_is_accepted(client, world):
    body = json_fields("pvp_filing", office_status="granted", certificate_number="12.VN.2026",
                       granted_on="2025-12-01")
    response = call(client, "POST", "/api/v1/applications", world.token("owner"), body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["certificate_number"] == "12.VN.2026"


# Malformed requests ------------------------------------------------------------------------

@pytest.fixture
def draft(world):
    return make_application(world.user("owner"), "project", "draft")


def _targets(draft):
    return [("POST", "/api/v1/applications"), ("PATCH", f"/api/v1/applications/{draft.id}"),
            ("POST", f"/api/v1/applications/{draft.id}/submit"),
            ("POST", f"/api/v1/applications/{draft.id}/withdraw")]


MALFORMED = [
    (b'{"kind": "project", "title": ', "application/json", 400),  # malformed JSON
    (b"[]", "application/json", 400),  # JSON, but not an object
    (b'[{"kind": "project"}]', "application/json", 400),
    (b'"project"', "application/json", 400),
    (b"null", "application/json", 400),
    (b"\xff\xfe{}", "application/json", 400),  # not UTF-8
    (b'{"kind": "project"}', "text/plain", 415),
    (b"kind=project&title=Something", "application/x-www-form-urlencoded", 415),
    (b"", None, 415),
]


def test_malformed_bodies(client, world, draft):
    for data, content_type, status in MALFORMED:
        for method, url in _targets(draft):
            if not data and url.endswith(("/submit", "/withdraw")):
                continue  # no body needed there (SPEC section 6): see test_api_input.py
            response = client.open(url, method=method, data=data, content_type=content_type,
                                   headers=bearer(world.token("owner")))
            assert_error(response, status, where=f"{method} {url} {content_type} {data!r}")
    assert fresh(draft).version == 1
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 1


def test_body_over_the_limit_is_413(app, client, world, draft):
    limit = app.config["API_MAX_BODY_BYTES"]
    assert limit == 1024 * 1024
    big = json.dumps({"kind": "project", "version": 1, "summary": "x" * limit})
    for method, url in _targets(draft):
        response = client.open(url, method=method, data=big, content_type="application/json",
                               headers=bearer(world.token("owner")))
        assert_error(response, 413)
    # A form upload of that size is refused as well, before anything reads it as JSON.
    response = call(client, "POST", "/api/v1/applications", world.token("owner"),
                    data={"file": (io.BytesIO(b"x" * limit), "big.pdf")}, content_type="multipart/form-data")
    assert_error(response, 413)
    assert fresh(draft).version == 1
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 1
    # Just under the limit is read (and the field's own limit answers).
    near = json.dumps({"version": 1, "summary": "x" * (limit - 100)})
    response = call(client, "PATCH", f"/api/v1/applications/{draft.id}", world.token("owner"),
                    data=near, content_type="application/json")
    assert_error(response, 422, "summary")


def test_nul_characters_in_a_body_are_refused(client, world):
    """PostgreSQL cannot store a NUL: a clear 400, never a server error."""
    for changes in ({"title": "Tên có ký tự \x00 NUL"}, {"methods": ["in_situ\x00"]},
                    {"locality\x00": "Xã Đông Tảo"}):
        response = call(client, "POST", "/api/v1/applications", world.token("owner"),
                        json_fields("conservation", **changes))
        assert_error(response, 400, where=str(changes))
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 0


def test_ids_out_of_range_are_404(client, world):
    for url in ("/api/v1/applications/{id}", "/api/v1/applications/{id}/history"):
        for number in (0, 999_999, 2**63, 10**30):
            assert_error(call(client, "GET", url.format(id=number), world.token("admin")), 404,
                         where=url.format(id=number))
    huge = f"/api/v1/applications/{10**30}"
    # Not 405, although Werkzeug's router sees a GET route of that shape first (RowId).
    assert_error(call(client, "PATCH", huge, world.token("owner"), {"version": 1}), 404)


def test_unknown_routes_and_methods_answer_json(client, world, draft):
    assert_error(call(client, "GET", "/api/v1/nothing", world.token("owner")), 404)
    assert_error(call(client, "DELETE", f"/api/v1/applications/{draft.id}", world.token("owner")), 405)
    assert_error(call(client, "PUT", "/api/v1/records", world.token("owner"), {}), 405)


JUNK_VALUES = [None, True, -1, 1e308, "", "x" * 400, [], {}, ["a", {"b": 1}], "2026-99-99",
               {"$ne": 1}, "<script>alert(1)</script>", "'; DROP TABLE applications; --"]
JUNK_NAMES = ["version", "kind", "title", "district", "commune", "resource", "start_date", "total_budget_vnd",
              "technologies", "decision", "comment", "status", "id", "organization", "team_size",
              "checklist", "purpose", "name", "decision_number", "formed_on", "meets_on", "members",
              "application_ids", "has_conflict", "reasons", "explanation", "points", "recommends", "submit",
              "progress", "spent_vnd", "inspected_on", "inspectors", "findings", "conclusion", "accepted_on",
              "disbursed_vnd"]


def test_junk_never_gives_a_server_error(app, client, world):
    """Every API route, as its most permitted caller, with nonsense in every field."""
    records = {status: world.application(status) for status in ("draft", "submitted", "approved")}
    council = make_target(world, "api.save_sheet")
    followed = make_target(world, "api.get_progress_report")
    for endpoint in ACCESS:
        rule = next(app.url_map.iter_rules(endpoint))
        role = next(r for r in ("owner", "reviewer", "expert", "anonymous") if ACCESS[endpoint][r] < 400)
        if "council_id" in rule.arguments:
            target = council
        elif TARGET_STATUS.get(endpoint) in ("followed", "rated"):
            target = followed
        else:
            target = Target(records["submitted" if role == "reviewer" else "draft"])
        values = {"application_id": target.id, "record_id": target.id, "council_id": target.council_id,
                  "document_id": records["submitted"].attachments[0].id, "code": "ga_dong_tao", "number": 1}
        url = url_for(endpoint, **{name: values[name] for name in rule.arguments})
        method = next(m for m in ("GET", "POST", "PATCH", "PUT", "DELETE") if m in rule.methods)
        for value in JUNK_VALUES:
            if method == "GET":
                args = {name: json.dumps(value) for name in ("kind", "status", "page", "per_page", "q",
                                                             "district", "year", "field", "as_of")}
                response = call(client, method, url, world.token(role), query_string=args)
            else:
                response = call(client, method, url, world.token(role), {n: value for n in JUNK_NAMES})
            response.get_data()  # a streamed download is read to its end, and closed
            assert response.status_code < 500, f"{method} {url} with {value!r}: {response.status_code}"


# Editing and optimistic locking ------------------------------------------------------------

def test_owner_edits_a_draft_and_the_version_moves(client, world, draft):
    response = call(client, "PATCH", f"/api/v1/applications/{draft.id}", world.token("owner"),
                    {"version": 1, "title": "Nhân giống nhãn lồng bằng nuôi cấy mô (sửa)",
                     "technologies": ["gene", "cell_tissue"], "end_date": "2028-06-30"})
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["version"] == 2 and body["title"].endswith("(sửa)")
    assert body["technologies"] == ["gene", "cell_tissue"] and body["end_date"] == "2028-06-30"
    assert body["total_budget_vnd"] == 1_500_000_000  # untouched fields stay
    assert fresh(draft).title.endswith("(sửa)")


def test_stale_patch_is_409_and_changes_nothing(client, world, draft):
    """Two editors read version 1; the first wins, the second gets a conflict."""
    url = f"/api/v1/applications/{draft.id}"
    token = world.token("owner")
    first = call(client, "PATCH", url, token, {"version": 1, "title": "Bản sửa của người thứ nhất"})
    assert first.status_code == 200
    second = call(client, "PATCH", url, token, {"version": 1, "title": "Bản sửa của người thứ hai"})
    assert_error(second, 409)
    # Stale comes before every other rule: invalid fields or a kind change are still 409.
    assert_error(call(client, "PATCH", url, world.token("owner"), {"version": 1, "start_date": "bad"}), 409)
    assert_error(call(client, "PATCH", url, world.token("owner"), {"version": 1, "kind": "startup"}), 409)
    assert_error(call(client, "PATCH", url, token, {"version": 7, "title": "Tương lai xa xôi"}), 409)
    now = call(client, "GET", url, world.token("owner")).get_json()
    assert now["version"] == 2 and now["title"] == "Bản sửa của người thứ nhất"
    assert fresh(draft).title == "Bản sửa của người thứ nhất"


INVALID_PATCHES = [
    ({"title": "Không có phiên bản"}, "version"),
    ({"version": "abc", "title": "Phiên bản sai"}, "version"),
    ({"version": [1], "title": "Phiên bản sai"}, "version"),
    ({"version": 1, "kind": "startup"}, "kind"),
    ({"version": 1, "status": "approved"}, "status"),
    ({"version": 1, "total_budget_vnd": -5}, "total_budget_vnd"),
    ({"version": 1, "requested_support_vnd": 2_000_000_000}, "requested_support_vnd"),  # > total
    ({"version": 1, "end_date": "2025-01-01"}, "end_date"),  # before the stored start
]


def test_invalid_patch_is_422_and_changes_nothing(client, world, draft):
    for body, field in INVALID_PATCHES:
        response = call(client, "PATCH", f"/api/v1/applications/{draft.id}", world.token("owner"), body)
        assert_error(response, 422, field, where=str(body))
        unchanged = fresh(draft)
        assert (unchanged.version, unchanged.status) == (1, "draft"), body
        assert unchanged.title == VALID_FIELDS["project"]["title"], body


def test_submitted_application_cannot_be_edited(client, world):
    application = make_application(world.user("owner"), "project", "submitted")
    response = call(client, "PATCH", f"/api/v1/applications/{application.id}", world.token("owner"),
                    {"version": application.version, "title": "Sửa sau khi đã nộp"})
    assert_error(response, 409)
    assert fresh(application).title == VALID_FIELDS["project"]["title"]


def test_revision_requested_can_be_edited_and_resubmitted(client, world):
    application = world.application("revision_requested")
    url = f"/api/v1/applications/{application.id}"
    edited = call(client, "PATCH", url, world.token("owner"),
                  {"version": application.version, "requested_support_vnd": 400_000_000})
    assert edited.status_code == 200, edited.get_json()
    submitted = call(client, "POST", url + "/submit", world.token("owner"),
                     {"version": edited.get_json()["version"]})
    assert submitted.status_code == 200
    assert submitted.get_json()["status"] == "submitted"
    assert submitted.get_json()["requested_support_vnd"] == 400_000_000


# Submitting and withdrawing ----------------------------------------------------------------

def test_incomplete_draft_cannot_be_submitted(client, world):
    created = call(client, "POST", "/api/v1/applications", world.token("owner"),
                   {"kind": "project", "title": "Dự án còn thiếu nhiều thứ"}).get_json()
    response = call(client, "POST", f"/api/v1/applications/{created['id']}/submit", world.token("owner"),
                    {"version": created["version"]})
    assert_error(response, 422, "field", "commune", "start_date", "total_budget_vnd")
    still = call(client, "GET", f"/api/v1/applications/{created['id']}", world.token("owner")).get_json()
    assert still["status"] == "draft"


def test_stale_submit_and_withdraw_are_409(client, world, draft):
    for action in ("submit", "withdraw"):
        response = call(client, "POST", f"/api/v1/applications/{draft.id}/{action}", world.token("owner"),
                        {"version": 0})
        assert_error(response, 409)
        response = call(client, "POST", f"/api/v1/applications/{draft.id}/{action}", world.token("owner"),
                        {"version": None})
        assert_error(response, 422, "version")
    assert (fresh(draft).status, fresh(draft).version) == ("draft", 1)


def test_withdraw_before_a_decision_only(client, world):
    pending = world.application("in_review", "startup")
    response = call(client, "POST", f"/api/v1/applications/{pending.id}/withdraw", world.token("owner"),
                    {"version": pending.version, "comment": "Đơn vị xin rút"})
    assert response.status_code == 200 and response.get_json()["status"] == "withdrawn"
    approved = world.application("approved", "startup")
    response = call(client, "POST", f"/api/v1/applications/{approved.id}/withdraw", world.token("owner"),
                    {"version": approved.version})
    assert_error(response, 409)
    assert fresh(approved).status == "approved"


def test_withdraw_comment_must_be_text_but_a_stale_version_comes_first(client, world):
    application = make_application(world.user("owner"), "startup", "submitted")
    url = f"/api/v1/applications/{application.id}/withdraw"
    not_text = ["not", "text"]
    assert_error(call(client, "POST", url, world.token("owner"), {"version": 1, "comment": not_text}), 409)
    assert_error(call(client, "POST", url, world.token("owner"),
                      {"version": application.version, "comment": ["not", "text"]}), 422, "comment")
    assert fresh(application).status == "submitted"


# Decisions ---------------------------------------------------------------------------------

def test_approval_makes_the_record_public(client, world):
    for role in ("reviewer", "admin"):
        # Found eligible, and recommended by its council: approval stands on that.
        application = make_application(world.user("owner"), "conservation", "in_review")
        appraise(application, world.user("reviewer"))
        assert_error(client.get(f"/api/v1/records/{application.id}"), 404)
        response = call(client, "POST", f"/api/v1/applications/{application.id}/decision", world.token(role),
                        {"decision": "approve", "comment": "", "version": application.version})
        body = response.get_json()
        assert response.status_code == 200, body
        assert body["status"] == "approved" and body["public_code"].startswith("HY-CNSH-")
        assert body["implementation_status"] == "ongoing" and body["approved_on"]
        assert client.get(f"/api/v1/records/{application.id}").status_code == 200
        assert application.id in _ids(client.get("/api/v1/records"))


def test_stale_decision_is_409_and_changes_nothing(client, world):
    application = world.application("in_review")
    url = f"/api/v1/applications/{application.id}/decision"
    stale = application.version - 1
    for body in ({"decision": "approve", "version": stale},
                 {"decision": "maybe", "version": stale},  # stale before every other rule
                 {"decision": "reject", "comment": "", "version": stale},
                 {"decision": "approve", "comment": 5, "version": stale}):
        assert_error(call(client, "POST", url, world.token("reviewer"), body), 409)
    now = fresh(application)
    assert (now.status, now.version, now.public_code) == ("in_review", application.version, None)
    assert len(call(client, "GET", f"/api/v1/applications/{application.id}/history",
                    world.token("reviewer")).get_json()) == 3


def test_second_decision_on_the_same_version_loses(client, world):
    application = make_application(world.user("owner"), "project", "in_review")
    appraise(application, world.user("reviewer"))
    url = f"/api/v1/applications/{application.id}/decision"
    version = application.version
    first = call(client, "POST", url, world.token("reviewer"), {"decision": "approve", "version": version})
    assert first.status_code == 200
    second = call(client, "POST", url, world.token("admin"),
                  {"decision": "reject", "comment": "Không phù hợp", "version": version})
    assert_error(second, 409)
    assert fresh(application).status == "approved"


INVALID_DECISIONS = [
    ({"decision": "reject", "comment": "   "}, "comment"),
    ({"decision": "request_revision"}, "comment"),
    ({"decision": "maybe", "comment": "Ừ"}, "decision"),
    ({"decision": ["approve"]}, "decision"),
    ({"comment": "Thiếu quyết định"}, "decision"),
    ({"decision": "approve", "comment": 5}, "comment"),
    ({"decision": "approve", "version": None}, "version"),
]


def test_invalid_decision_is_422_and_changes_nothing(client, world):
    application = world.application("in_review")
    before = application.version
    for body, field in INVALID_DECISIONS:
        assert_error(call(client, "POST", f"/api/v1/applications/{application.id}/decision",
                          world.token("reviewer"), {"version": before, **body}), 422, field, where=str(body))
        now = fresh(application)
        assert (now.status, now.version) == ("in_review", before), body


def test_reviewer_may_not_decide_on_own_organisation(client, world):
    application = make_application(world.user("owner"), "project", "submitted")
    url = f"/api/v1/applications/{application.id}"
    assert call(client, "GET", url, world.token("own_reviewer")).status_code == 200
    response = call(client, "POST", url + "/decision", world.token("own_reviewer"),
                    {"decision": "approve", "version": application.version})
    assert_error(response, 403)
    assert fresh(application).status == "submitted"


def test_decision_on_a_decided_application_is_409(client, world):
    application = world.application("rejected")
    response = call(client, "POST", f"/api/v1/applications/{application.id}/decision", world.token("admin"),
                    {"decision": "approve", "version": application.version})
    assert_error(response, 409)
    assert fresh(application).status == "rejected"


def test_reviewers_never_see_drafts(client, world, draft):
    url = f"/api/v1/applications/{draft.id}"
    assert call(client, "GET", url, world.token("owner")).status_code == 200
    for role in ("reviewer", "own_reviewer", "admin"):
        assert_error(call(client, "GET", url, world.token(role)), 404)
        assert_error(call(client, "GET", url + "/history", world.token(role)), 404)
        assert_error(call(client, "POST", url + "/decision", world.token(role),
                          {"decision": "approve", "version": 1}), 404)
        edit = {"version": 1, "title": "Người khác sửa"}
        assert_error(call(client, "PATCH", url, world.token(role), edit), 404)
        listed = call(client, "GET", "/api/v1/applications", world.token(role)).get_json()
        assert draft.id not in {i["id"] for i in listed["items"]}
    assert fresh(draft).version == 1


def test_other_organisations_application_is_404(client, world):
    for status in ("draft", "submitted", "approved"):
        application = world.application(status, "startup")
        url = f"/api/v1/applications/{application.id}"
        for method, suffix, body in (("GET", "", None), ("GET", "/history", None),
                                     ("PATCH", "", {"version": application.version, "title": "Của ai đó"}),
                                     ("POST", "/submit", {"version": application.version}),
                                     ("POST", "/withdraw", {"version": application.version})):
            assert_error(call(client, method, url + suffix, world.token("other_applicant"), body), 404)


# History and lists -------------------------------------------------------------------------

def test_history_oldest_first(client, world):
    application = world.application("revision_requested")
    for role in ("owner", "reviewer", "own_reviewer", "admin"):
        response = call(client, "GET", f"/api/v1/applications/{application.id}/history", world.token(role))
        history = response.get_json()
        assert response.status_code == 200 and isinstance(history, list)
        assert [(h["from_status"], h["to_status"]) for h in history] == [
            (None, "draft"), ("draft", "submitted"), ("submitted", "revision_requested")]
        assert {"at", "actor", "from_status", "to_status", "comment"} <= set(history[0])
        assert history[0]["actor"] == world.user("owner").display_name
        assert history[-1]["actor"] == world.user("reviewer").display_name
        assert history[-1]["comment"] == "Bổ sung dự toán."
        assert [h["at"] for h in history] == sorted(h["at"] for h in history)


def test_application_lists_by_role(client, world):
    owner, reviewer = world.user("owner"), world.user("reviewer")
    mine = {status: make_application(owner, "project", status, reviewer=reviewer)
            for status in ("draft", "submitted", "approved")}
    theirs = {status: make_application(world.user("other_applicant"), "startup", status, reviewer=reviewer)
              for status in ("draft", "in_review")}
    ids = lambda role, **args: _ids(call(client, "GET", "/api/v1/applications", world.token(role),
                                         query_string=args))
    assert ids("owner") == {a.id for a in mine.values()}
    assert ids("other_applicant") == {a.id for a in theirs.values()}
    everything_but_drafts = {mine["submitted"].id, mine["approved"].id, theirs["in_review"].id}
    for role in ("reviewer", "own_reviewer", "admin"):
        assert ids(role) == everything_but_drafts
    assert ids("owner", status="draft") == {mine["draft"].id}
    assert ids("admin", kind="startup") == {theirs["in_review"].id}
    assert ids("admin", status="approved", kind="project") == {mine["approved"].id}
    body = call(client, "GET", "/api/v1/applications?per_page=1000", world.token("admin")).get_json()
    assert body["total"] == 3 and body["per_page"] == 100 and body["page"] == 1
    assert {"id", "status", "version", "kind", "title"} <= set(body["items"][0])


def test_application_list_bad_arguments_are_422(client, world):
    for role, args, field in [
        ("reviewer", {"status": "draft"}, "status"),  # reviewers never see drafts
        ("owner", {"status": "dragon"}, "status"),
        ("owner", {"kind": "dragon"}, "kind"),
        ("admin", {"per_page": "abc"}, "per_page"),
        ("admin", {"page": "0"}, "page"),
    ]:
        response = call(client, "GET", "/api/v1/applications", world.token(role), query_string=args)
        assert_error(response, 422, field, where=f"{role} {args}")


# Tokens ------------------------------------------------------------------------------------

WRONG_AUTHORIZATION = [
    "Bearer hyr_wrong-token-that-was-never-issued",
    "Bearer not-even-our-prefix",
    "Bearer ",
    "Bearer",
    "Basic dXNlcjpwYXNz",
    "hyr_token-without-a-scheme",
    "Bearer " + "hyr_" + "x" * 500,
]


def test_wrong_token_is_401_everywhere(client, world):
    real = world.token("owner")
    for header in [*WRONG_AUTHORIZATION, f"Bearer {real}x", f"Bearer {real[:-1]}", f"Bearer  {real} x"]:
        for url in ("/api/v1/applications", "/api/v1/records", "/api/v1/export/records.csv"):
            response = client.get(url, headers={"Authorization": header})
            assert_error(response, 401, where=f"{url} {header[:40]}")
            assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
            assert response.headers["Cache-Control"] == "no-store"


def test_revoked_token_is_401_and_other_tokens_still_work(client, world):
    owner = world.user("owner")
    spare = token_for(owner, "second script")
    digest = ApiToken.digest(world.token("owner"))
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_digest == digest))
    assert call(client, "GET", "/api/v1/applications", world.token("owner")).status_code == 200
    revoke_token(owner, token.id)
    commit()
    assert_error(call(client, "GET", "/api/v1/applications", world.token("owner")), 401)
    assert_error(call(client, "GET", "/api/v1/records", world.token("owner")), 401)
    assert call(client, "GET", "/api/v1/applications", spare).status_code == 200


def test_token_of_a_disabled_account_is_401(client, world):
    world.user("reviewer").is_active_account = False
    commit()
    assert_error(call(client, "GET", "/api/v1/applications", world.token("reviewer")), 401)


def test_tokens_are_random_named_and_stored_hashed(app, world):
    secrets = {world.token(role) for role in ROLES} - {None}
    assert len(secrets) == len(ROLES) - 1 and all(s.startswith("hyr_") and len(s) > 40 for s in secrets)
    rows = db.session.scalars(db.select(ApiToken)).all()
    assert {row.token_digest for row in rows} == {hashlib.sha256(s.encode()).hexdigest() for s in secrets}
    stored = " ".join(f"{r.name} {r.prefix} {r.token_digest}" for r in rows)
    assert not any(secret in stored for secret in secrets)
    assert all(len(row.prefix) < 20 for row in rows)
    for name in ("", "   ", "x" * 101):
        with pytest.raises(ValidationFailed):
            create_token(world.user("owner"), name)


def test_create_token_command_prints_a_working_token(runner, client, world):
    result = runner.invoke(args=["create-token", world.user("admin").email, "--name", "báo cáo hằng đêm"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("hyr_")
    assert call(client, "GET", "/api/v1/applications", secret).status_code == 200
    row = db.session.scalar(db.select(ApiToken).filter_by(name="báo cáo hằng đêm"))
    assert row.user_id == world.user("admin").id
    assert runner.invoke(args=["create-token", "nobody@example.vn"]).exit_code == 1


# Cookies and sessions ----------------------------------------------------------------------

def test_api_never_sets_cookies(app, world, draft):
    client = app.test_client()
    responses = [
        client.get("/api/v1/records"),
        client.get("/api/v1/records/123456"),
        client.get("/api/v1/export/records.csv", buffered=True),
        call(client, "GET", "/api/v1/applications"),
        call(client, "GET", "/api/v1/applications", "hyr_wrong"),
        call(client, "GET", "/api/v1/applications", world.token("owner")),
        call(client, "POST", "/api/v1/applications", world.token("owner"), {"kind": "project", "title": "Dự án"}),
        call(client, "PATCH", f"/api/v1/applications/{draft.id}", world.token("owner"), {"version": 99}),
        call(client, "GET", "/api/v1/records?kind=dragon"),
        client.get("/api/v1/records", headers={"Accept-Language": "en"}),
    ]
    for response in responses:
        assert "Set-Cookie" not in response.headers, response.request.path
    assert client.get_cookie("session") is None


def test_a_browser_session_does_not_authenticate_the_api(client, login, world, draft):
    login(world.user("owner"))
    assert client.get("/applications/").status_code == 200  # the session works for pages
    assert_error(client.get("/api/v1/applications"), 401)
    assert_error(client.get(f"/api/v1/applications/{draft.id}"), 401)
    forged = {"kind": "project", "version": 1, "title": "Giả mạo qua cookie"}
    assert_error(client.post("/api/v1/applications", json=forged), 401)
    assert_error(client.patch(f"/api/v1/applications/{draft.id}", json=forged), 401)
    assert fresh(draft).version == 1
    # With a token the same client works, and its session cookie is left as it was.
    response = call(client, "GET", "/api/v1/applications", world.token("owner"))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_errors_follow_the_callers_language(client):
    english = client.get("/api/v1/records/999999", headers={"Accept-Language": "en"}).get_json()
    vietnamese = client.get("/api/v1/records/999999", headers={"Accept-Language": "vi"}).get_json()
    assert english["error"] == "The page or record was not found."
    assert vietnamese["error"] != english["error"]
    bad = client.get("/api/v1/records?kind=dragon", headers={"Accept-Language": "en"}).get_json()
    assert bad["error"] == "Some query arguments are not valid."


# Rate limits -------------------------------------------------------------------------------

class RateLimitedConfig(SuiteConfig):
    RATELIMIT_ENABLED = True
    API_RATE_LIMIT = "5 per minute"


def test_rate_limit_per_token_and_per_address(app):
    first, second = make_user("applicant"), make_user("reviewer")
    first_token, second_token = token_for(first), token_for(second)
    limited = create_app(RateLimitedConfig).test_client()

    for _ in range(5):
        assert call(limited, "GET", "/api/v1/applications", first_token).status_code == 200
    blocked = call(limited, "GET", "/api/v1/applications", first_token)
    assert_error(blocked, 429)
    assert "Set-Cookie" not in blocked.headers
    assert call(limited, "GET", "/api/v1/records", first_token).status_code == 429  # the whole API
    # Another token from the same address still works.
    assert call(limited, "GET", "/api/v1/applications", second_token).status_code == 200

    # Without a token the address counts.
    for _ in range(5):
        assert limited.get("/api/v1/records", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
    assert_error(limited.get("/api/v1/records", environ_base={"REMOTE_ADDR": "10.0.0.1"}), 429)
    assert limited.get("/api/v1/records", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200
    # The pages are not under the API's limit.
    assert limited.get("/", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
