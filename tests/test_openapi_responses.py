"""The OpenAPI document stays true (issue 11, item 5): every operation it documents is called for
real, as each role that matters, for its success and for every error status it lists; each
answer must have the one status its case expects, a content type the document gives for that
status, the documented headers, and a body that validates against the document's schema.

The schemas of what the API returns are closed (`additionalProperties: false`), so a field a
serializer adds without documenting it fails here; every case
checks that on every object of its body, nested ones included. The cases are listed per
operationId, and `test_every_documented_operation_has_cases` fails for an operation (or a status
of one) that has none: a new route cannot be forgotten.
"""
import copy
import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import event

from registry import create_app
from registry.api.openapi import ALL_FIELDS
from registry.extensions import db
from registry.models import Application, CouncilAssignment, GeneticResource
from registry.models.applications import CHECKLIST, KINDS, fields_of
from registry.models.base import province_today
from registry.presenters import PUBLIC_FIELDS
from registry.services import applications as workflow
from registry.services import councils, followup, genetics
from registry.services.attachments import add_attachment
from registry.services.unit_of_work import commit
from tests.conftest import SuiteConfig
from tests.factories import (
    COUNCIL_POSITIONS,
    SIGNED_PDF,
    appraise,
    attach_required_documents,
    council_members,
    form_council,
    make_application,
    make_supported,
    make_user,
    pass_eligibility,
    record_decision,
    score,
)
from tests.test_api import World, json_fields

API = "/api/v1"
DOCUMENT_URI = "urn:registry:openapi"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SEQUENCE = "ACGTTGCAAGGCTTACCGATGCATGCTAGCTAGGCTTACGATCGATCGTAGCTAGCTAGGATCC"  # 64 bases
WRONG_TOKEN = "hyr_a-token-that-was-never-issued"
# A body just over API_MAX_BODY_BYTES (1 MiB): 413.
TOO_LARGE = json.dumps({"version": 1, "summary": "x" * (1024 * 1024)})


class SpentBudgetConfig(SuiteConfig):
    """An app whose API budget one request spends: the next answers 429."""
    RATELIMIT_ENABLED = True
    API_RATE_LIMIT = "1 per day"


# Cases -------------------------------------------------------------------------------------

@dataclass
class Case:
    """One request and the one status it must get."""
    role: str  # a role of tests.test_api.World, "anonymous", or "wrong_token"
    method: str
    url: str
    status: int
    json: object = None
    data: str | bytes | dict | None = None  # a dict: multipart/form-data fields and files
    content_type: str | None = None
    headers: dict = field(default_factory=dict)
    spent_budget: bool = False  # sent to an app whose API budget this address has spent
    during: Callable[[], object] = nullcontext  # a context the request runs in

    def __str__(self) -> str:
        return f"{self.method} {self.url} as {self.role} (expects {self.status})"


class Scene(World):
    """World's users and tokens, and the records the cases act on, made on first use."""

    def __init__(self):
        super().__init__()
        self._approved: dict[str, Application] | None = None
        self._resource_ready = False

    def approved(self) -> dict[str, Application]:
        """A public record of each kind (the project and the startup with their support decision,
    the filing and the conservation effort approved, their decision still to record); the
    project has a public and a private document."""
        if self._approved is None:
            owner, reviewer = self.user("owner"), self.user("reviewer")
            # Public: the startup with its support decision, the others approved.
            self._approved = {kind: make_application(owner, kind, "public" if kind == "startup" else "approved",
                                                     reviewer=reviewer)
                              for kind in KINDS if kind != "project"}
            project = make_application(owner, "project", "revision_requested", reviewer=reviewer)
            for name, public in (("Tóm tắt kết quả.pdf", True), ("Dự toán chi tiết.pdf", False)):
                add_attachment(project, owner, io.BytesIO(PDF), name, public, project.version)
                commit()
            workflow.submit_application(project, owner, project.version)
            commit()
            pass_eligibility(project, reviewer)
            appraise(project, reviewer)
            workflow.record_decision(project, reviewer, "approve", "", project.version)
            commit()
            record_decision(project, reviewer, amount_vnd=450_000_000)
            self._approved["project"] = project
        return self._approved

    def user(self, role: str):
        if role == "outsider" and role not in self.users:  # an expert on no council
            self.users[role] = make_user("expert")
        return super().user(role)

    def council(self, declared: bool = True, sheet: bool = False) -> tuple[int, Application]:
        """A project in review before a new council of five on which the scene's expert sits
        (as chair); the expert has declared no conflict (`declared`) and saved a sheet (`sheet`)."""
        reviewer, expert = self.user("reviewer"), self.user("expert")
        application = self.application("in_review")
        council = form_council([application], reviewer, members=[expert, *council_members(4)])
        assignment = council.assignments[0]
        if declared:
            councils.declare_conflict(assignment, expert, has_conflict=False, reasons=[], explanation="")
            commit()
        if sheet:
            criterion = council.rubric.criteria[0]
            councils.save_score_sheet(assignment, expert, points={criterion.id: 5}, recommends=None,
                                      comment="Đang chấm", version=None, submit=False)
            commit()
        return council.id, application

    def supported(self, rated: bool = False) -> Application:
        """A project of the owner's supported since 15/01/2025 (500.000.000 ₫ until 31/12/2027):
        report 1 submitted with a document, report 2 a draft; with `rated`, its acceptance
        council has rated it (passed, 80/100)."""
        owner, reviewer = self.user("owner"), self.user("reviewer")
        application = make_supported(owner, reviewer, period_end=date(2027, 12, 31))
        first = followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40%.",
                                              spent_vnd=120_000_000, products="", problems="", version=None,
                                              submit=False)
        commit()
        followup.add_progress_document(first, owner, io.BytesIO(SIGNED_PDF), "Chứng từ chi.pdf", first.version)
        commit()
        followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40%.",
                                      spent_vnd=120_000_000, products="", problems="", version=first.version,
                                      submit=True)
        followup.save_progress_report(application, owner, number=2, progress="Đang viết", spent_vnd=None,
                                      products="", problems="", version=None, submit=False)
        commit()
        if rated:
            council = form_council([application], reviewer, purpose="acceptance")
            for member in council_members():
                score(council.assignments[0], member)
        db.session.refresh(application)
        return application

    def resource(self, code: str = "ga_dong_tao") -> GeneticResource:
        """The chicken breed with a census and three barcode records (one an SSR panel)."""
        resource = db.session.scalar(db.select(GeneticResource).filter_by(code=code))
        if code == "ga_dong_tao" and not self._resource_ready:
            reviewer = self.user("reviewer")
            genetics.add_census(resource, reviewer, counted_on=date(2026, 1, 15), locality="Xã Đông Tảo",
                                breeding_females=420, breeding_males=60)
            for raw in ({"sample_id": "HY-GA-001", "marker": "COI-5P", "sequence": SEQUENCE,
                         "genbank_accession": "MN123456.1", "collected_on": "2025-06-01",
                         "locality": "Xã Đông Tảo", "latitude": 20.93, "longitude": 106.01,
                         "lab": "Viện Chăn nuôi"},
                        {"sample_id": "HY-GA-002", "marker": "D-loop", "sequence": SEQUENCE[::-1]},
                        {"sample_id": "HY-GA-003", "marker": "SSR"}):
                genetics.add_barcode(resource, reviewer, raw)
            commit()
            self._resource_ready = True
        return resource


def with_nul(url: str) -> str:
    """The url with a NUL in a query value: refused with 400 before anything else looks."""
    return url + ("&" if "?" in url else "?") + "q=%00"


def common_errors(method: str, url: str, **request) -> Iterator[Case]:
    """What every operation answers: 401 for a token that is not one, 400 for a NUL in the
    query, 429 once the caller's budget is spent."""
    yield Case("wrong_token", method, url, 401, **request)
    yield Case("anonymous", method, with_nul(url), 400, **request)
    yield Case("anonymous", method, url, 429, spent_budget=True, **request)


def body_errors(role: str, method: str, url: str, version: int | None) -> Iterator[Case]:
    """What every operation with a JSON body answers for a broken one."""
    yield Case(role, method, url, 400, data="[1, 2]", content_type="application/json")
    yield Case(role, method, url, 415, data=json.dumps({"version": version}), content_type="text/plain")
    yield Case(role, method, url, 413, data=TOO_LARGE, content_type="application/json")


CASES: dict[str, Callable[[Scene], Iterator[Case]]] = {}


def cases(operation_id: str):
    def register(function):
        CASES[operation_id] = function
        return function
    return register


@cases("list_records")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    yield Case("anonymous", "GET", f"{API}/records", 200)
    yield Case("owner", "GET", f"{API}/records?kind=conservation&per_page=1", 200)
    yield Case("anonymous", "GET", f"{API}/records?kind=dragon", 422)
    yield from common_errors("GET", f"{API}/records")


@cases("get_record")
def _(s: Scene) -> Iterator[Case]:
    for record in s.approved().values():
        yield Case("anonymous", "GET", f"{API}/records/{record.id}", 200)
    yield Case("reviewer", "GET", f"{API}/records/{s.approved()['project'].id}", 200)
    submitted = s.application("submitted")
    yield Case("anonymous", "GET", f"{API}/records/{submitted.id}", 404)
    yield from common_errors("GET", f"{API}/records/{submitted.id}")


@cases("export_csv")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    yield Case("anonymous", "GET", f"{API}/export/records.csv", 200)
    yield Case("owner", "GET", f"{API}/export/records.csv?kind=project", 200)
    yield Case("anonymous", "GET", f"{API}/export/records.csv?year=abc", 422)
    yield from common_errors("GET", f"{API}/export/records.csv")


@cases("export_xlsx")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    yield Case("anonymous", "GET", f"{API}/export/records.xlsx", 200)
    yield Case("anonymous", "GET", f"{API}/export/records.xlsx?district=atlantis", 422)
    yield from common_errors("GET", f"{API}/export/records.xlsx")


@cases("list_applications")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    s.application("draft", "startup")
    s.application("submitted", "pvp_filing", owner="other_applicant")
    for role in ("owner", "other_applicant", "reviewer", "own_reviewer", "admin"):
        yield Case(role, "GET", f"{API}/applications", 200)
    yield Case("owner", "GET", f"{API}/applications?status=draft&kind=startup", 200)
    yield Case("reviewer", "GET", f"{API}/applications?status=draft", 422)  # reviewers never see drafts
    yield Case("admin", "GET", f"{API}/applications?page=0", 422)
    yield Case("agency", "GET", f"{API}/applications", 403)
    yield Case("anonymous", "GET", f"{API}/applications", 401)
    yield from common_errors("GET", f"{API}/applications")


@contextmanager
def number_taken_meanwhile(number: str, holder: Application):
    """Another filing takes the application number between the check and the insert: the
    unique constraint refuses the insert, as when two requests race for one number."""
    session = db.session()

    def take(session, flush_context, instances):
        if any(isinstance(row, Application) for row in session.new):
            session.execute(db.update(Application).where(Application.id == holder.id)
                            .values(application_number=number))

    event.listen(session, "before_flush", take)
    try:
        yield
    finally:
        event.remove(session, "before_flush", take)


@cases("create_application")
def _(s: Scene) -> Iterator[Case]:
    url = f"{API}/applications"
    for kind in KINDS:
        yield Case("owner", "POST", url, 201, json=json_fields(kind))
    yield Case("other_applicant", "POST", url, 201,
               json={"kind": "startup", "title": "Khởi nghiệp tối giản"})
    yield Case("reviewer", "POST", url, 403, json=json_fields("project"))
    yield Case("admin", "POST", url, 403, json=json_fields("project"))
    yield Case("anonymous", "POST", url, 401, json=json_fields("project"))
    yield Case("owner", "POST", url, 422, json=json_fields("project", total_budget_vnd=-1))
    holder = s.application("draft", "pvp_filing", owner="other_applicant")
    yield Case("owner", "POST", url, 409, json=json_fields("pvp_filing", application_number="PVP-RACE-1"),
               during=lambda: number_taken_meanwhile("PVP-RACE-1", holder))
    yield from body_errors("owner", "POST", url, None)
    yield from common_errors("POST", url, json=json_fields("project"))


@cases("get_application")
def _(s: Scene) -> Iterator[Case]:
    approved = s.approved()
    draft = s.application("draft", "conservation")
    submitted = s.application("submitted", "startup")
    yield Case("owner", "GET", f"{API}/applications/{draft.id}", 200)
    for kind, record in approved.items():
        yield Case("admin", "GET", f"{API}/applications/{record.id}", 200)
    yield Case("reviewer", "GET", f"{API}/applications/{submitted.id}", 200)
    yield Case("own_reviewer", "GET", f"{API}/applications/{submitted.id}", 200)
    yield Case("reviewer", "GET", f"{API}/applications/{draft.id}", 404)
    yield Case("other_applicant", "GET", f"{API}/applications/{submitted.id}", 404)
    yield Case("agency", "GET", f"{API}/applications/{submitted.id}", 403)
    yield Case("anonymous", "GET", f"{API}/applications/{submitted.id}", 401)
    yield from common_errors("GET", f"{API}/applications/{submitted.id}")


@cases("update_application")
def _(s: Scene) -> Iterator[Case]:
    draft = s.application("draft")
    url = f"{API}/applications/{draft.id}"
    yield Case("owner", "PATCH", url, 200, json={"version": 1, "title": "Nhân giống nhãn lồng (sửa)"})
    yield Case("owner", "PATCH", url, 409, json={"version": 1, "title": "Bản sửa đã cũ"})  # stale
    yield Case("owner", "PATCH", url, 422, json={"version": 2, "total_budget_vnd": -5})
    yield Case("owner", "PATCH", url, 200, headers={"If-Match": '"2"'}, json={"technologies": ["gene"]})
    revision = s.application("revision_requested", "pvp_filing")
    yield Case("owner", "PATCH", f"{API}/applications/{revision.id}", 200,
               json={"version": revision.version, "breeder": "Lê Thị Cúc"})
    submitted = s.application("submitted")
    submitted_url = f"{API}/applications/{submitted.id}"
    edit = {"version": submitted.version, "title": "Sửa sau khi đã nộp"}
    yield Case("owner", "PATCH", submitted_url, 409, json=edit)  # not editable once submitted
    yield Case("reviewer", "PATCH", submitted_url, 403, json=edit)
    yield Case("other_applicant", "PATCH", submitted_url, 404, json={"version": submitted.version})
    yield Case("anonymous", "PATCH", url, 401, json={"version": 3})
    yield from body_errors("owner", "PATCH", url, 3)
    yield from common_errors("PATCH", url, json={"version": 3})


@cases("submit_application")
def _(s: Scene) -> Iterator[Case]:
    draft = s.application("draft", "startup")
    yield Case("owner", "POST", f"{API}/applications/{draft.id}/submit", 422, json={"version": 1})  # no documents
    attach_required_documents(draft, s.user("owner"))
    yield Case("owner", "POST", f"{API}/applications/{draft.id}/submit", 409, json={"version": 1})
    yield Case("owner", "POST", f"{API}/applications/{draft.id}/submit", 200, json={"version": 2})
    yield Case("owner", "POST", f"{API}/applications/{draft.id}/submit", 409)  # submitted already
    revision = s.application("revision_requested")
    yield Case("owner", "POST", f"{API}/applications/{revision.id}/submit", 200)  # no body needed
    incomplete = make_application(s.user("owner"), "project", "draft", district=None, start_date=None)
    url = f"{API}/applications/{incomplete.id}/submit"
    yield Case("owner", "POST", url, 422, json={"version": 1})
    yield Case("reviewer", "POST", f"{API}/applications/{draft.id}/submit", 403)
    yield Case("other_applicant", "POST", url, 404)
    yield Case("anonymous", "POST", url, 401)
    yield from body_errors("owner", "POST", url, 1)
    yield from common_errors("POST", url)


@cases("withdraw_application")
def _(s: Scene) -> Iterator[Case]:
    submitted = s.application("submitted", "conservation")
    url = f"{API}/applications/{submitted.id}/withdraw"
    yield Case("owner", "POST", url, 422,
               json={"version": submitted.version, "comment": ["không", "phải chữ"]})
    yield Case("admin", "POST", url, 403)
    yield Case("other_applicant", "POST", url, 404)
    yield Case("anonymous", "POST", url, 401)
    yield from body_errors("owner", "POST", url, submitted.version)
    yield Case("owner", "POST", url, 200,
               json={"version": submitted.version, "comment": "Đơn vị xin rút"})
    yield Case("owner", "POST", url, 409)  # withdrawn already
    draft = s.application("draft")
    yield Case("owner", "POST", f"{API}/applications/{draft.id}/withdraw", 200)  # no body needed
    yield from common_errors("POST", url)


@cases("decide_application")
def _(s: Scene) -> Iterator[Case]:
    in_review = s.application("in_review")
    url = f"{API}/applications/{in_review.id}/decision"
    version = in_review.version
    yield Case("reviewer", "POST", url, 422,
               json={"version": version, "decision": "reject", "comment": " "})
    yield Case("reviewer", "POST", url, 409, json={"version": version - 1, "decision": "approve"})
    yield Case("own_reviewer", "POST", url, 403, json={"version": version, "decision": "approve"})
    yield Case("owner", "POST", url, 403, json={"version": version, "decision": "approve"})
    yield Case("other_applicant", "POST", url, 404, json={"version": version, "decision": "approve"})
    yield Case("anonymous", "POST", url, 401, json={"version": version, "decision": "approve"})
    yield from body_errors("reviewer", "POST", url, version)
    yield Case("reviewer", "POST", url, 200,
               json={"version": version, "decision": "request_revision", "comment": "Bổ sung dự toán."})
    # Revision requested: nothing to decide until the applicant resubmits.
    yield Case("admin", "POST", url, 409, json={"version": version + 1, "decision": "approve"})
    # Approval: found eligible and recommended by its council.
    appraised = s.application("in_review", "startup")
    appraise(appraised, s.user("reviewer"))
    yield Case("admin", "POST", f"{API}/applications/{appraised.id}/decision", 200,
               json={"version": appraised.version, "decision": "approve", "comment": ""})
    not_appraised = s.application("in_review", "startup")
    yield Case("admin", "POST", f"{API}/applications/{not_appraised.id}/decision", 409,
               json={"version": not_appraised.version, "decision": "approve", "comment": ""})
    submitted = s.application("submitted", "startup")
    yield Case("admin", "POST", f"{API}/applications/{submitted.id}/decision", 200,
               json={"version": submitted.version, "decision": "reject", "comment": "Không phù hợp với kế hoạch."})
    yield from common_errors("POST", url, json={"version": version, "decision": "approve"})


@cases("application_history")
def _(s: Scene) -> Iterator[Case]:
    revision = s.application("revision_requested")
    url = f"{API}/applications/{revision.id}/history"
    for role in ("owner", "reviewer", "own_reviewer", "admin"):
        yield Case(role, "GET", url, 200)
    yield Case("owner", "GET", f"{API}/applications/{s.approved()['startup'].id}/history", 200)
    yield Case("other_applicant", "GET", url, 404)
    yield Case("agency", "GET", url, 403)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


# Screening, documents and the support decision -----------------------------------------------

def multipart(version, **fields) -> dict:
    """A form upload: a small PDF and the given fields (a fresh file each time)."""
    data = {"file": (io.BytesIO(SIGNED_PDF), "Tài liệu.pdf"), **fields}
    if version is not None:
        data["version"] = str(version)
    return data


def upload_errors(role: str, url: str, version: int) -> Iterator[Case]:
    """What every upload answers for a body it cannot take."""
    yield Case(role, "POST", url, 415, json={"version": version})
    yield Case(role, "POST", url, 413, content_type="multipart/form-data",
               data={"version": str(version),
                     "file": (io.BytesIO(b"%PDF-" + b"x" * (22 * 1024 * 1024)), "big.pdf")})
    yield Case(role, "POST", url, 400, content_type="multipart/form-data",
               data={"version": str(version), "number": "1\x00"})


@cases("get_checklist")
def _(s: Scene) -> Iterator[Case]:
    submitted = s.application("submitted")
    url = f"{API}/applications/{submitted.id}/checklist"
    yield Case("reviewer", "GET", url, 200)
    yield Case("admin", "GET", f"{API}/applications/{s.application('in_review').id}/checklist", 200)
    yield Case("owner", "GET", url, 403)  # internal to the department
    yield Case("own_reviewer", "GET", url, 403)
    yield Case("other_applicant", "GET", url, 404)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("save_checklist")
def _(s: Scene) -> Iterator[Case]:
    submitted = s.application("submitted")
    url = f"{API}/applications/{submitted.id}/checklist"
    version = submitted.version
    checklist = dict.fromkeys(CHECKLIST, True)
    yield Case("reviewer", "PUT", url, 422, json={"version": version, "checklist": {"bribe": True}})
    yield Case("reviewer", "PUT", url, 409, json={"version": version - 1, "checklist": checklist})
    yield Case("own_reviewer", "PUT", url, 403, json={"version": version, "checklist": checklist})
    yield Case("owner", "PUT", url, 403, json={"version": version, "checklist": checklist})
    yield Case("other_applicant", "PUT", url, 404, json={"version": version, "checklist": checklist})
    yield Case("anonymous", "PUT", url, 401, json={"version": version, "checklist": checklist})
    yield from body_errors("reviewer", "PUT", url, version)
    yield Case("reviewer", "PUT", url, 200, json={"version": version, "checklist": checklist})
    yield from common_errors("PUT", url, json={"version": version + 1, "checklist": checklist})


@cases("start_review")
def _(s: Scene) -> Iterator[Case]:
    checked = s.application("submitted")
    workflow.save_checklist(checked, s.user("reviewer"), dict.fromkeys(CHECKLIST, True), checked.version)
    commit()
    unchecked = s.application("submitted", "startup")
    url = f"{API}/applications/{checked.id}/start-review"
    version = checked.version
    yield Case("reviewer", "POST", f"{API}/applications/{unchecked.id}/start-review", 422,
               json={"version": unchecked.version})  # the checklist is not met
    yield Case("reviewer", "POST", url, 409, json={"version": version - 1})
    yield Case("own_reviewer", "POST", url, 403, json={"version": version})
    yield Case("owner", "POST", url, 403, json={"version": version})
    yield Case("other_applicant", "POST", url, 404, json={"version": version})
    yield Case("anonymous", "POST", url, 401)
    yield from body_errors("reviewer", "POST", url, version)
    yield Case("admin", "POST", url, 200, headers={"If-Match": f'"{version}"'})
    yield from common_errors("POST", url)


@cases("list_documents")
def _(s: Scene) -> Iterator[Case]:
    submitted = s.application("submitted")
    url = f"{API}/applications/{submitted.id}/documents"
    for role in ("owner", "reviewer", "own_reviewer", "admin"):
        yield Case(role, "GET", url, 200)
    yield Case("owner", "GET", f"{API}/applications/{s.application('draft').id}/documents", 200)
    yield Case("agency", "GET", url, 403)
    yield Case("other_applicant", "GET", url, 404)
    yield Case("expert", "GET", url, 404)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("upload_document")
def _(s: Scene) -> Iterator[Case]:
    revision = s.application("revision_requested")
    url = f"{API}/applications/{revision.id}/documents"
    version = revision.version
    form = "multipart/form-data"
    yield Case("owner", "POST", url, 422, content_type=form, data=multipart(version, document_type="love_letter"))
    yield Case("owner", "POST", url, 409, content_type=form, data=multipart(version - 1, document_type="other"))
    yield Case("reviewer", "POST", url, 403, content_type=form, data=multipart(version, document_type="other"))
    yield Case("expert", "POST", url, 403, content_type=form, data=multipart(version, document_type="other"))
    yield Case("other_applicant", "POST", url, 404, content_type=form,
               data=multipart(version, document_type="other"))
    yield Case("anonymous", "POST", url, 401, content_type=form, data=multipart(version, document_type="other"))
    yield from upload_errors("owner", url, version)
    yield Case("owner", "POST", url, 201, content_type=form,
               data=multipart(version, document_type="budget_estimate", is_public="false"))
    submitted = s.application("submitted")
    yield Case("owner", "POST", f"{API}/applications/{submitted.id}/documents", 409, content_type=form,
               data=multipart(submitted.version, document_type="other"))  # frozen once submitted
    yield Case("owner", "POST", url, 201, content_type=form, data=multipart(None, document_type="other"),
               headers={"If-Match": f'"{version + 1}"'})
    yield from common_errors("POST", url, content_type=form, data={"document_type": "other"})


@cases("download_document")
def _(s: Scene) -> Iterator[Case]:
    project = s.approved()["project"]
    public = next(a for a in project.attachments if a.is_public)
    private = next(a for a in project.attachments if not a.is_public)
    submitted = s.application("submitted")
    document = f"{API}/applications/{submitted.id}/documents/{submitted.attachments[0].id}"
    for role in ("owner", "reviewer", "own_reviewer", "admin"):
        yield Case(role, "GET", document, 200)
    yield Case("anonymous", "GET", f"{API}/applications/{project.id}/documents/{public.id}", 200)
    yield Case("agency", "GET", f"{API}/applications/{project.id}/documents/{public.id}", 200)
    yield Case("anonymous", "GET", f"{API}/applications/{project.id}/documents/{private.id}", 401)
    yield Case("other_applicant", "GET", f"{API}/applications/{project.id}/documents/{private.id}", 404)
    yield Case("owner", "GET", f"{API}/applications/{project.id}/documents/{submitted.attachments[0].id}", 404)
    yield Case("agency", "GET", document, 404)
    yield from common_errors("GET", document)


@cases("delete_document")
def _(s: Scene) -> Iterator[Case]:
    revision = s.application("revision_requested")
    document = revision.attachments[0]
    url = f"{API}/applications/{revision.id}/documents/{document.id}"
    version = revision.version
    yield Case("owner", "DELETE", url, 422)  # the version is required
    yield Case("owner", "DELETE", url, 409, json={"version": version - 1})
    yield Case("reviewer", "DELETE", url, 403, json={"version": version})
    yield Case("other_applicant", "DELETE", url, 404, json={"version": version})
    yield Case("owner", "DELETE", f"{API}/applications/{revision.id}/documents/999999", 404,
               json={"version": version})
    yield Case("anonymous", "DELETE", url, 401, json={"version": version})
    yield from body_errors("owner", "DELETE", url, version)
    yield Case("owner", "DELETE", url, 200, json={"version": version})
    yield from common_errors("DELETE", url, json={"version": version + 1})


@cases("record_support_decision")
def _(s: Scene) -> Iterator[Case]:
    approved = s.application("approved", "startup")
    url = f"{API}/applications/{approved.id}/support-decision"
    version = approved.version
    form = "multipart/form-data"
    fields = {"number": "15/QĐ-UBND", "decided_on": province_today().isoformat(),
              "signer": "Phó Chủ tịch UBND tỉnh", "amount_vnd": "300000000"}
    yield Case("reviewer", "POST", url, 422, content_type=form,
               data=multipart(version, **fields, period_start="năm sau"))
    yield Case("reviewer", "POST", url, 422, content_type=form, data=multipart(version, **{**fields, "signer": ""}))
    yield Case("reviewer", "POST", url, 409, content_type=form, data=multipart(version - 1, **fields))
    yield Case("owner", "POST", url, 403, content_type=form, data=multipart(version, **fields))
    yield Case("own_reviewer", "POST", url, 403, content_type=form, data=multipart(version, **fields))
    yield Case("other_applicant", "POST", url, 404, content_type=form, data=multipart(version, **fields))
    yield Case("anonymous", "POST", url, 401, content_type=form, data=multipart(version, **fields))
    submitted = s.application("submitted", "startup")
    yield Case("reviewer", "POST", f"{API}/applications/{submitted.id}/support-decision", 409,
               content_type=form, data=multipart(submitted.version, **fields))  # not approved
    yield from upload_errors("reviewer", url, version)
    yield Case("reviewer", "POST", url, 201, content_type=form, data=multipart(version, **fields))
    yield Case("admin", "POST", url, 409, content_type=form, data=multipart(version + 1, **fields))  # once only
    filing = s.approved()["pvp_filing"]
    yield Case("admin", "POST", f"{API}/applications/{filing.id}/support-decision", 201, content_type=form,
               data=multipart(filing.version, **{**fields, "amount_vnd": ""}))  # a confirmation
    yield from common_errors("POST", url, content_type=form, data=fields)


@cases("support_decision_file")
def _(s: Scene) -> Iterator[Case]:
    project = s.approved()["project"]
    url = f"{API}/applications/{project.id}/support-decision/file"
    for role in ("owner", "reviewer", "own_reviewer", "admin"):
        yield Case(role, "GET", url, 200)
    undecided = s.application("approved", "startup")
    yield Case("owner", "GET", f"{API}/applications/{undecided.id}/support-decision/file", 404)
    yield Case("other_applicant", "GET", url, 404)
    yield Case("agency", "GET", url, 403)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


# Councils --------------------------------------------------------------------------------------

def council_input(application_ids, members, **changes) -> dict:
    body = {"purpose": "selection", "kind": "project", "name": "Hội đồng tư vấn xét chọn số 3",
            "decision_number": "88/QĐ-SKHCN", "formed_on": province_today().isoformat(), "meets_on": None,
            "members": [{"user_id": m.id, "position": p} for m, p in zip(members, COUNCIL_POSITIONS)],
            "application_ids": list(application_ids)}
    return {**body, **changes}


@contextmanager
def council_formed_meanwhile(application: Application, other_council_id: int):
    """Another council takes the application between the check and the insert: the unique
    constraint refuses the second assignment, as when two staff form councils at once."""
    session = db.session()

    def take(session, flush_context, instances):
        if any(isinstance(row, CouncilAssignment) for row in session.new):
            session.execute(db.insert(CouncilAssignment).values(
                council_id=other_council_id, application_id=application.id, purpose="selection"))

    event.listen(session, "before_flush", take)
    try:
        yield
    finally:
        event.remove(session, "before_flush", take)


@cases("list_councils")
def _(s: Scene) -> Iterator[Case]:
    s.council()
    url = f"{API}/councils"
    for role in ("reviewer", "admin", "expert", "outsider"):
        yield Case(role, "GET", url, 200)
    yield Case("reviewer", "GET", url + "?per_page=1&page=2", 200)
    yield Case("admin", "GET", url + "?page=0", 422)
    yield Case("owner", "GET", url, 403)
    yield Case("agency", "GET", url, 403)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("create_council")
def _(s: Scene) -> Iterator[Case]:
    url = f"{API}/councils"
    members = council_members(5)
    first, second, raced = (s.application("in_review") for _ in range(3))
    yield Case("reviewer", "POST", url, 422, json=council_input([first.id], members[:2]))
    yield Case("reviewer", "POST", url, 422, json=council_input([first.id], members, formed_on="hôm nay"))
    yield Case("owner", "POST", url, 403, json=council_input([first.id], members))
    yield Case("expert", "POST", url, 403, json=council_input([first.id], members))
    yield Case("own_reviewer", "POST", url, 403, json=council_input([first.id], members))
    yield Case("anonymous", "POST", url, 401, json=council_input([first.id], members))
    yield from body_errors("reviewer", "POST", url, None)
    yield Case("reviewer", "POST", url, 201, json=council_input([first.id, second.id], members))
    other_council_id, _application = s.council(declared=False)
    yield Case("admin", "POST", url, 409, json=council_input([raced.id], members),
               during=lambda: council_formed_meanwhile(raced, other_council_id))
    yield from common_errors("POST", url, json=council_input([raced.id], members))


@cases("get_council")
def _(s: Scene) -> Iterator[Case]:
    council_id, _application = s.council(sheet=True)
    url = f"{API}/councils/{council_id}"
    for role in ("reviewer", "own_reviewer", "admin", "expert"):
        yield Case(role, "GET", url, 200)
    yield Case("outsider", "GET", url, 404)
    yield Case("admin", "GET", f"{API}/councils/999999", 404)
    yield Case("owner", "GET", url, 403)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("declare_conflict")
def _(s: Scene) -> Iterator[Case]:
    council_id, application = s.council(declared=False)
    url = f"{API}/councils/{council_id}/applications/{application.id}/conflict"
    yield Case("expert", "POST", url, 422, json={"has_conflict": True, "reasons": []})
    yield Case("expert", "POST", url, 422, json={"has_conflict": "không"})
    yield Case("admin", "POST", url, 403, json={"has_conflict": False})  # not a member
    yield Case("owner", "POST", url, 403, json={"has_conflict": False})
    yield Case("outsider", "POST", url, 404, json={"has_conflict": False})
    yield Case("expert", "POST", f"{API}/councils/{council_id}/applications/999999/conflict", 404,
               json={"has_conflict": False})
    yield Case("anonymous", "POST", url, 401, json={"has_conflict": False})
    yield from body_errors("expert", "POST", url, None)
    yield Case("expert", "POST", url, 200, json={"has_conflict": False, "reasons": [], "explanation": ""})
    yield Case("expert", "POST", url, 409, json={"has_conflict": True, "reasons": ["family"]})  # final
    other_id, other = s.council(declared=False)
    yield Case("expert", "POST", f"{API}/councils/{other_id}/applications/{other.id}/conflict", 200,
               json={"has_conflict": True, "reasons": ["other"], "explanation": "Tôi là cố vấn của đơn vị."})
    yield from common_errors("POST", url, json={"has_conflict": False})


@cases("council_sheets")
def _(s: Scene) -> Iterator[Case]:
    council_id, application = s.council(sheet=True)
    url = f"{API}/councils/{council_id}/applications/{application.id}/sheets"
    yield Case("expert", "GET", url, 200)  # their own draft
    yield Case("reviewer", "GET", url, 200)  # nothing submitted yet
    yield Case("outsider", "GET", url, 404)
    yield Case("owner", "GET", url, 403)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("save_sheet")
def _(s: Scene) -> Iterator[Case]:
    council_id, application = s.council()
    url = f"{API}/councils/{council_id}/applications/{application.id}/sheet"
    yield Case("expert", "PUT", url, 422, json={"points": {"abc": 1}})
    yield Case("expert", "PUT", url, 422, json={"recommends": "có"})
    yield Case("expert", "PUT", url, 422, json={"points": {}, "comment": "Chưa chấm", "submit": True})
    yield Case("admin", "PUT", url, 403, json={"points": {}})  # not a member
    yield Case("owner", "PUT", url, 403, json={"points": {}})
    yield Case("outsider", "PUT", url, 404, json={"points": {}})
    yield Case("anonymous", "PUT", url, 401, json={"points": {}})
    yield from body_errors("expert", "PUT", url, None)
    yield Case("expert", "PUT", url, 200, json={"points": {}, "comment": "Đang chấm", "version": 0})
    yield Case("expert", "PUT", url, 409, json={"points": {}, "comment": "Cửa sổ cũ", "version": 0})
    yield Case("expert", "PUT", url, 200, json={"points": {}, "comment": "Lần hai", "version": 1,
                                                "recommends": True})
    yield from common_errors("PUT", url, json={"points": {}})


# Follow-up ---------------------------------------------------------------------------------------

def report_url(application: Application, number: int, tail: str = "") -> str:
    return f"{API}/applications/{application.id}/progress-reports/{number}{tail}"


def report_version(application: Application, number: int) -> int:
    db.session.expire_all()
    return next(r.version for r in db.session.get(Application, application.id).progress_reports
                if r.number == number)


@cases("list_progress_reports")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    url = f"{API}/applications/{supported.id}/progress-reports"
    for role in ("owner", "reviewer", "own_reviewer", "admin"):
        yield Case(role, "GET", url, 200)
    yield Case("owner", "GET", f"{API}/applications/{s.application('submitted').id}/progress-reports", 404)
    yield Case("other_applicant", "GET", url, 404)
    yield Case("expert", "GET", url, 404)
    yield Case("agency", "GET", url, 403)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("get_progress_report")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    yield Case("owner", "GET", report_url(supported, 2), 200)  # their draft
    yield Case("reviewer", "GET", report_url(supported, 1), 200)
    yield Case("reviewer", "GET", report_url(supported, 2), 404)  # a draft is the owner's
    yield Case("owner", "GET", report_url(supported, 3), 404)  # nothing filed yet
    yield Case("other_applicant", "GET", report_url(supported, 1), 404)
    yield Case("agency", "GET", report_url(supported, 1), 403)
    yield Case("anonymous", "GET", report_url(supported, 1), 401)
    yield from common_errors("GET", report_url(supported, 1))


@cases("save_progress_report")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    url = report_url(supported, 3)
    body = {"progress": "Hoàn thành 70% nội dung.", "spent_vnd": 300_000_000, "products": "", "problems": ""}
    yield Case("owner", "PUT", url, 422, json={**body, "spent_vnd": "ba trăm triệu"})
    yield Case("owner", "PUT", url, 422, json={**body, "spent_vnd": None, "submit": True})
    yield Case("owner", "PUT", url, 409, json={**body, "version": 4})
    yield Case("owner", "PUT", report_url(supported, 1), 409,  # with the department
               json={**body, "version": report_version(supported, 1)})
    yield Case("owner", "PUT", report_url(supported, 99), 404, json=body)
    yield Case("reviewer", "PUT", url, 403, json=body)
    yield Case("other_applicant", "PUT", url, 404, json=body)
    yield Case("anonymous", "PUT", url, 401, json=body)
    yield from body_errors("owner", "PUT", url, None)
    yield Case("owner", "PUT", url, 200, json={**body, "version": 0})
    yield Case("owner", "PUT", url, 200, json={**body, "version": 1, "submit": True})
    yield from common_errors("PUT", url, json=body)


@cases("upload_progress_document")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    url = report_url(supported, 2, "/documents")
    version = report_version(supported, 2)
    form = "multipart/form-data"
    yield Case("owner", "POST", url, 422, content_type=form, data=multipart(None))
    yield Case("owner", "POST", url, 409, content_type=form, data=multipart(version + 5))
    yield Case("owner", "POST", report_url(supported, 1, "/documents"), 403, content_type=form,
               data=multipart(report_version(supported, 1)))  # with the department
    yield Case("other_applicant", "POST", url, 404, content_type=form, data=multipart(version))
    yield Case("anonymous", "POST", url, 401, content_type=form, data=multipart(version))
    yield from upload_errors("owner", url, version)
    yield Case("owner", "POST", url, 201, content_type=form, data=multipart(version))
    yield from common_errors("POST", url, content_type=form, data={"version": str(version)})


@cases("download_progress_document")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    document = next(r for r in supported.progress_reports if r.number == 1).documents[0]
    url = report_url(supported, 1, f"/documents/{document.id}")
    for role in ("owner", "reviewer", "admin"):
        yield Case(role, "GET", url, 200)
    yield Case("owner", "GET", report_url(supported, 1, "/documents/999999"), 404)
    yield Case("owner", "GET", report_url(supported, 2, f"/documents/{document.id}"), 404)
    yield Case("other_applicant", "GET", url, 404)
    yield Case("agency", "GET", url, 403)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("review_progress_report")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    url = report_url(supported, 1, "/review")
    version = report_version(supported, 1)
    yield Case("reviewer", "POST", url, 422, json={"decision": "maybe", "version": version})
    yield Case("reviewer", "POST", url, 422, json={"decision": "request_more", "comment": " ", "version": version})
    yield Case("reviewer", "POST", url, 409, json={"decision": "accept", "version": version - 1})
    yield Case("owner", "POST", url, 403, json={"decision": "accept", "version": version})
    yield Case("own_reviewer", "POST", url, 404, json={"decision": "accept", "version": version})  # not theirs to read
    yield Case("reviewer", "POST", report_url(supported, 2, "/review"), 404,  # a draft
               json={"decision": "accept", "version": 1})
    yield Case("other_applicant", "POST", url, 404, json={"decision": "accept", "version": version})
    yield Case("anonymous", "POST", url, 401, json={"decision": "accept", "version": version})
    yield from body_errors("reviewer", "POST", url, version)
    yield Case("reviewer", "POST", url, 200, json={"decision": "request_more", "version": version,
                                                   "comment": "Bổ sung chứng từ chi."})
    yield Case("admin", "POST", url, 409, json={"decision": "accept", "version": version + 1})  # not submitted
    yield from common_errors("POST", url, json={"decision": "accept", "version": version})


@cases("list_inspections")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    followup.record_inspection(supported, s.user("reviewer"), inspected_on=date(2025, 9, 1),
                               inspectors="Đoàn kiểm tra Sở KH&CN", findings="Đạt yêu cầu.", conclusion="on_track")
    commit()
    url = f"{API}/applications/{supported.id}/inspections"
    yield Case("reviewer", "GET", url, 200)
    yield Case("admin", "GET", url, 200)
    yield Case("owner", "GET", url, 403)  # the department's own record
    yield Case("own_reviewer", "GET", url, 403)
    yield Case("agency", "GET", url, 403)
    yield Case("other_applicant", "GET", url, 404)
    yield Case("expert", "GET", url, 404)
    yield Case("anonymous", "GET", url, 401)
    yield from common_errors("GET", url)


@cases("record_inspection")
def _(s: Scene) -> Iterator[Case]:
    supported = s.supported()
    url = f"{API}/applications/{supported.id}/inspections"
    body = {"inspected_on": "2025-09-01", "inspectors": "Đoàn kiểm tra Sở KH&CN",
            "findings": "Vườn ươm đạt yêu cầu.", "conclusion": "on_track"}
    yield Case("reviewer", "POST", url, 422, json={**body, "inspected_on": "01/09/2025"})
    yield Case("reviewer", "POST", url, 422, json={"inspected_on": "2025-09-01", "conclusion": "great"})
    yield Case("reviewer", "POST", f"{API}/applications/{s.application('submitted').id}/inspections", 409,
               json=body)  # not supported
    yield Case("owner", "POST", url, 403, json=body)
    yield Case("own_reviewer", "POST", url, 403, json=body)
    yield Case("other_applicant", "POST", url, 404, json=body)
    yield Case("anonymous", "POST", url, 401, json=body)
    yield from body_errors("reviewer", "POST", url, None)
    yield Case("reviewer", "POST", url, 201, json=body)
    yield from common_errors("POST", url, json=body)


@cases("record_acceptance")
def _(s: Scene) -> Iterator[Case]:
    rated = s.supported(rated=True)
    url = f"{API}/applications/{rated.id}/acceptance"
    version = rated.version
    body = {"accepted_on": province_today().isoformat(), "disbursed_vnd": 480_000_000, "reasons": ""}
    yield Case("reviewer", "POST", url, 422, json={**body, "disbursed_vnd": "480 triệu", "version": version})
    yield Case("reviewer", "POST", url, 422, json={**body, "disbursed_vnd": 600_000_000, "version": version})
    yield Case("reviewer", "POST", url, 409, json={**body, "disbursed_vnd": "480 triệu", "version": version - 1})
    unrated = s.supported()
    yield Case("reviewer", "POST", f"{API}/applications/{unrated.id}/acceptance", 409,
               json={**body, "version": unrated.version})  # no rating yet
    yield Case("owner", "POST", url, 403, json={**body, "version": version})
    yield Case("own_reviewer", "POST", url, 403, json={**body, "version": version})
    yield Case("other_applicant", "POST", url, 404, json={**body, "version": version})
    yield Case("anonymous", "POST", url, 401, json={**body, "version": version})
    yield from body_errors("reviewer", "POST", url, version)
    yield Case("reviewer", "POST", url, 201, json=body, headers={"If-Match": f'"{version}"'})
    yield Case("admin", "POST", url, 409, json={**body, "version": version + 1})  # once only
    yield from common_errors("POST", url, json={**body, "version": version + 1})


@cases("targets")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    yield Case("anonymous", "GET", f"{API}/targets", 200)
    yield Case("admin", "GET", f"{API}/targets?as_of=2024-06-30", 200)
    yield Case("anonymous", "GET", f"{API}/targets?as_of=30/06/2024", 422)
    yield Case("anonymous", "GET", f"{API}/targets?plan=KH-2023-HY", 200)
    yield Case("anonymous", "GET", f"{API}/targets?plan=KH-1999", 422)
    yield from common_errors("GET", f"{API}/targets")


@cases("list_resources")
def _(s: Scene) -> Iterator[Case]:
    s.resource()
    yield Case("anonymous", "GET", f"{API}/resources", 200)
    yield Case("reviewer", "GET", f"{API}/resources?per_page=2&page=2", 200)
    yield Case("anonymous", "GET", f"{API}/resources?per_page=abc", 422)
    yield from common_errors("GET", f"{API}/resources")


@cases("get_resource")
def _(s: Scene) -> Iterator[Case]:
    s.resource()
    yield Case("anonymous", "GET", f"{API}/resources/ga_dong_tao", 200)  # with a census
    yield Case("anonymous", "GET", f"{API}/resources/nhan_long", 200)  # without one
    yield Case("anonymous", "GET", f"{API}/resources/ca_voi_xanh", 404)
    yield from common_errors("GET", f"{API}/resources/ga_dong_tao")


@cases("list_barcodes")
def _(s: Scene) -> Iterator[Case]:
    s.resource()
    url = f"{API}/resources/ga_dong_tao/barcodes"
    yield Case("anonymous", "GET", url, 200)
    yield Case("owner", "GET", url + "?marker=SSR", 200)
    yield Case("anonymous", "GET", url + "?marker=XYZ", 422)
    yield Case("anonymous", "GET", f"{API}/resources/ca_voi_xanh/barcodes", 404)
    yield from common_errors("GET", url)


@cases("barcodes_fasta")
def _(s: Scene) -> Iterator[Case]:
    s.resource()
    url = f"{API}/resources/ga_dong_tao/barcodes.fasta"
    yield Case("anonymous", "GET", url, 200)
    yield Case("anonymous", "GET", url + "?marker=XYZ", 422)
    yield Case("anonymous", "GET", f"{API}/resources/ca_voi_xanh/barcodes.fasta", 404)
    yield from common_errors("GET", url)


@cases("create_barcode")
def _(s: Scene) -> Iterator[Case]:
    s.resource()
    url = f"{API}/resources/ga_dong_tao/barcodes"
    yield Case("reviewer", "POST", url, 201,
               json={"sample_id": "HY-GA-101", "marker": "COI-5P", "sequence": SEQUENCE.lower(),
                     "collected_on": "2026-03-02", "latitude": 20.9, "longitude": 106.0})
    yield Case("admin", "POST", url, 201, json={"sample_id": "HY-GA-102", "marker": "SSR"})
    yield Case("owner", "POST", url, 403, json={"sample_id": "HY-GA-103", "marker": "SSR"})
    yield Case("anonymous", "POST", url, 401, json={"sample_id": "HY-GA-103", "marker": "SSR"})
    yield Case("reviewer", "POST", f"{API}/resources/ca_voi_xanh/barcodes", 404,
               json={"sample_id": "HY-GA-103", "marker": "SSR"})
    yield Case("reviewer", "POST", url, 422,
               json={"sample_id": "HY GA", "marker": "COI-5P", "sequence": "ACGT"})
    yield from body_errors("reviewer", "POST", url, None)
    yield from common_errors("POST", url, json={"sample_id": "HY-GA-104", "marker": "SSR"})


@cases("catalog")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    s.resource()
    yield Case("anonymous", "GET", f"{API}/catalog", 200)
    yield Case("anonymous", "GET", f"{API}/catalog", 200, headers={"Accept": "application/rdf+xml"})
    yield Case("owner", "GET", f"{API}/catalog", 200, headers={"Accept": "text/turtle"})
    yield from common_errors("GET", f"{API}/catalog")


@cases("catalog_jsonld")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    yield Case("anonymous", "GET", f"{API}/catalog.jsonld", 200)
    yield from common_errors("GET", f"{API}/catalog.jsonld")


@cases("catalog_rdf")
def _(s: Scene) -> Iterator[Case]:
    yield Case("anonymous", "GET", f"{API}/catalog.rdf", 200)  # before any record
    s.approved()
    yield Case("reviewer", "GET", f"{API}/catalog.rdf", 200)
    yield from common_errors("GET", f"{API}/catalog.rdf")


@cases("grants_json")
def _(s: Scene) -> Iterator[Case]:
    s.approved()  # the project and the startup with their support decisions
    yield Case("anonymous", "GET", f"{API}/360giving.json", 200)
    yield Case("owner", "GET", f"{API}/360giving.json", 200)
    yield from common_errors("GET", f"{API}/360giving.json")


@cases("grants_xlsx")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    yield Case("anonymous", "GET", f"{API}/360giving.xlsx", 200)
    yield from common_errors("GET", f"{API}/360giving.xlsx")


@cases("grants_csv")
def _(s: Scene) -> Iterator[Case]:
    s.approved()
    yield Case("anonymous", "GET", f"{API}/360giving.csv", 200)
    yield from common_errors("GET", f"{API}/360giving.csv")


@cases("openapi")
def _(s: Scene) -> Iterator[Case]:
    yield Case("anonymous", "GET", f"{API}/openapi.json", 200)
    yield from common_errors("GET", f"{API}/openapi.json")


@cases("docs")
def _(s: Scene) -> Iterator[Case]:
    yield Case("anonymous", "GET", f"{API}/docs", 200)
    yield from common_errors("GET", f"{API}/docs")


MAGIC = {
    "application/pdf": b"%PDF-",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK\x03\x04",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}


# Reading the document ----------------------------------------------------------------------

# The one body whose schema is left open: the document itself, which OpenAPI 3.1 describes
# (openapi-spec-validator checks it).
OPEN_BODIES = {"openapi"}
FORMATS = FormatChecker()


@FORMATS.checks("uri", raises=ValueError)
def _absolute_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme in ("http", "https") and parts.netloc)


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


class Contract:
    """The document's operations by operationId, and validators for the schemas it gives."""

    def __init__(self, document: dict):
        self.document = document
        self.registry = Registry().with_resource(
            DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))
        self.operations = {}
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                self.operations[operation["operationId"]] = (path, method, operation)

    def validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=self.registry,
                                    format_checker=FORMATS)

    def response(self, operation_id: str, status: int) -> tuple[dict, str]:
        """The Response object for the status, its $ref resolved, and its JSON pointer."""
        path, method, operation = self.operations[operation_id]
        response = operation["responses"].get(str(status))
        assert response is not None, f"{operation_id}: the document lists no {status}"
        if "$ref" in response:
            kind, name = response["$ref"].split("/")[-2:]
            return self.document["components"][kind][name], _pointer("components", kind, name)
        return response, _pointer("paths", path, method, "responses", str(status))

    def header_schema(self, header: dict) -> dict:
        if "$ref" in header:
            kind, name = header["$ref"].split("/")[-2:]
            header = self.document["components"][kind][name]
        return header["schema"]

    def path_pattern(self, operation_id: str) -> re.Pattern:
        path = self.operations[operation_id][0]
        return re.compile(re.escape(API) + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)))


@pytest.fixture
def contract(client) -> Contract:
    # jsonschema checks "date-time" only when rfc3339-validator is installed: never silently not.
    assert {"date", "date-time", "uri"} <= set(FORMATS.checkers)
    return Contract(client.get(f"{API}/openapi.json").get_json())


# Checking one answer -----------------------------------------------------------------------

def _objects(value, path=()) -> Iterator[tuple]:
    """The path of every object in a JSON value (of the first item of each list)."""
    if isinstance(value, dict):
        yield path
        for key, item in value.items():
            yield from _objects(item, (*path, key))
    elif isinstance(value, list) and value:
        yield from _objects(value[0], (*path, 0))


def _at(value, path: tuple):
    for step in path:
        value = value[step]
    return value


def undocumented_fields_fail(validator: Draft202012Validator, body, where: str) -> None:
    """With one more field in any of its objects, the body no longer validates."""
    for path in _objects(body):
        if path == ("errors",):
            continue  # Error.errors maps field names to messages: open by design
        changed = copy.deepcopy(body)
        _at(changed, path)["undocumented_field"] = "x"
        assert not validator.is_valid(changed), f"{where}: an extra field at {path} validates"


def kind_fields_only(body: dict, public: bool, where: str) -> None:
    """Applications carry exactly the fields of their kind; public records the public ones."""
    expected = {name for name in fields_of(body["kind"]) if not public or name in PUBLIC_FIELDS}
    assert set(body) & set(ALL_FIELDS) == expected, f"{where}: fields {set(body) & set(ALL_FIELDS)}"


def check_answer(contract: Contract, operation_id: str, case: Case, response) -> object:
    """The response has the case's status and is what the document says for that status."""
    path, method, operation = contract.operations[operation_id]
    where = f"{operation_id}: {case}"
    assert case.method.lower() == method, f"{where}: the case calls another operation"
    assert contract.path_pattern(operation_id).fullmatch(urlsplit(case.url).path), \
        f"{where}: the case calls another operation"
    assert response.status_code == case.status, \
        f"{where}: got {response.status_code} {response.get_data(as_text=True)[:400]}"

    spec, pointer = contract.response(operation_id, case.status)
    content = spec.get("content", {})
    assert response.mimetype in content, f"{where}: {response.mimetype} is not documented"
    for name, header in spec.get("headers", {}).items():
        assert name in response.headers, f"{where}: no {name} header"
        value = response.headers[name]
        schema = contract.header_schema(header)
        Draft202012Validator(schema, format_checker=FORMATS).validate(
            int(value) if schema.get("type") == "integer" else value)

    schema_pointer = pointer + _pointer("content", response.mimetype, "schema")
    if response.mimetype == "application/json":
        body = response.get_json()
        validator = contract.validator(schema_pointer)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, f"{where}: " + "; ".join(
            f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5])
        if operation_id in OPEN_BODIES and case.status < 300:
            validate_openapi(body)
        else:
            undocumented_fields_fail(validator, body, where)
        return body
    data = response.get_data()
    if response.mimetype.endswith("+json"):  # JSON-LD: a JSON document of its own vocabulary
        contract.validator(schema_pointer).validate(response.get_json(force=True))
    elif "schema" in content[response.mimetype]:
        contract.validator(schema_pointer).validate(data.decode("utf-8-sig"))
    else:  # a file: its content is what its type says
        assert data.startswith(MAGIC[response.mimetype]), f"{where}: not {response.mimetype}"
    return data


def kind_checks(operation_id: str, body) -> None:
    """What the schemas' descriptions promise about kinds and what JSON Schema cannot say."""
    where = operation_id
    if operation_id in ("get_application", "create_application", "update_application",
                        "submit_application", "withdraw_application", "decide_application",
                        "start_review", "delete_document", "record_support_decision",
                        "record_acceptance"):
        kind_fields_only(body, public=False, where=where)
    elif operation_id == "list_applications":
        for item in body["items"]:
            kind_fields_only(item, public=False, where=where)
    elif operation_id == "get_record":
        kind_fields_only(body, public=True, where=where)


def has_items(body) -> bool:
    """Whether a successful JSON body puts its item schemas to work: a list, or the list of a
    page or of the targets, that is not empty. A single object always does."""
    if isinstance(body, list):
        return bool(body)
    for key in ("items", "targets"):
        if key in body:
            return bool(body[key])
    return True


# The tests ---------------------------------------------------------------------------------

def test_every_documented_operation_has_cases(contract):
    documented = set(contract.operations)
    assert documented - set(CASES) == set(), "operations without cases: add them to CASES"
    assert set(CASES) - documented == set(), "cases for operations the document does not have"


_ADDRESSES = count(1)


def _send(app, spent_client, case: Case, tokens: Scene):
    headers = dict(case.headers)
    if case.role == "wrong_token":
        headers["Authorization"] = f"Bearer {WRONG_TOKEN}"
    elif case.role != "anonymous":
        headers["Authorization"] = f"Bearer {tokens.token(case.role)}"
    request = {"headers": headers, "method": case.method}
    if case.json is not None:
        request["json"] = case.json
    if case.data is not None:
        request["data"] = case.data
        request["content_type"] = case.content_type
    if case.spent_budget:
        n = next(_ADDRESSES)
        address = {"REMOTE_ADDR": f"10.77.{n // 250}.{n % 250 + 1}"}
        first = spent_client.get(f"{API}/records", environ_base=address)
        assert first.status_code == 200, "the budget's one request"
        return spent_client.open(case.url, environ_base=address, **request)
    with case.during():
        response = app.test_client().open(case.url, **request)
    response.get_data()  # the exports stream: read them to the end
    return response


@pytest.mark.parametrize("operation_id", sorted(CASES))
def test_real_answers_match_the_document(app, contract, operation_id):
    scene = Scene()
    spent_client = None
    statuses, shown_items = set(), False
    for case in CASES[operation_id](scene):
        if case.spent_budget and spent_client is None:
            spent_client = create_app(SpentBudgetConfig).test_client()
        response = _send(app, spent_client, case, scene)
        body = check_answer(contract, operation_id, case, response)
        statuses.add(case.status)
        if case.status < 300 and response.mimetype == "application/json":
            kind_checks(operation_id, body)
            shown_items = shown_items or has_items(body)
    documented = {int(code) for code in contract.operations[operation_id][2]["responses"]}
    assert statuses == documented, f"statuses without a case: {sorted(documented - statuses)}"
    success = contract.operations[operation_id][2]["responses"]
    if any("application/json" in contract.response(operation_id, int(code))[0].get("content", {})
           for code in success if int(code) < 300):
        assert shown_items, f"{operation_id}: no successful answer had items to validate"


def test_schemas_of_answers_are_closed(contract):
    """Every schema of a JSON answer is closed, nested objects included (the document's own
    schema excepted): what a serializer adds, the document must list."""
    open_schemas = []

    def walk(schema: dict, where: str):
        if "$ref" in schema:
            return
        types = schema.get("type")
        types = types if isinstance(types, list) else [types]
        closed = schema.get("additionalProperties") is False
        if "object" in types and "properties" in schema and not closed:
            open_schemas.append(where)
        for name, item in schema.get("properties", {}).items():
            walk(item, f"{where}.{name}")
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], f"{where}[]")
        if isinstance(schema.get("additionalProperties"), dict):
            walk(schema["additionalProperties"], f"{where}{{}}")

    request_schemas = set()
    for operation_id, (path, method, operation) in contract.operations.items():
        for body in operation.get("requestBody", {}).get("content", {}).values():
            name = body["schema"]["$ref"].rsplit("/", 1)[1]
            request_schemas.add(name)
            variants = contract.document["components"]["schemas"][name].get("oneOf", ())
            request_schemas.update(variant["$ref"].rsplit("/", 1)[1] for variant in variants)
        if operation_id in OPEN_BODIES:
            continue
        for code in operation["responses"]:
            spec, _pointer_ = contract.response(operation_id, int(code))
            schema = spec.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                walk(schema, f"{operation_id} {code}")
    for name, schema in contract.document["components"]["schemas"].items():
        if name not in request_schemas:
            walk(schema, name)
    assert open_schemas == [], "schemas of answers that allow undocumented fields"
