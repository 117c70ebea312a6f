"""Appraisal through the API alone (issue 12): an applicant attaches the required documents and
submits; the department checks eligibility and forms a council of five; each member declares
any conflict of interest and scores alone; the council's result is recorded with the last sheet,
and only then does approval succeed, followed by the support decision with its signed PDF."""
import io
import json
import threading
import urllib.error
import urllib.request

import pytest

from registry.extensions import db
from registry.models import Application, CouncilAssignment, ScoreSheet
from registry.models.applications import CHECKLIST, REQUIRED_DOCUMENTS
from registry.models.base import province_today
from tests.conftest import SuiteConfig, serving
from tests.factories import (
    COUNCIL_POSITIONS,
    SIGNED_PDF,
    council_members,
    make_application,
    make_user,
)
from tests.test_api import World, assert_error, call, json_fields, token_for

API = "/api/v1"


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def experts(app):
    return council_members(5)


# Steps, as a client takes them -------------------------------------------------------------------

def upload(client, token, application_id: int, version, document_type: str, *, name=None,
           content: bytes = SIGNED_PDF, is_public: str | None = None, **extra):
    data = {"document_type": document_type, "file": (io.BytesIO(content), name or f"{document_type}.pdf")}
    if version is not None:
        data["version"] = str(version)
    if is_public is not None:
        data["is_public"] = is_public
    return call(client, "POST", f"{API}/applications/{application_id}/documents", token,
                data=data, content_type="multipart/form-data", **extra)


def create_and_submit(client, token, kind: str = "project") -> dict:
    """A new application with its required documents, submitted: all through the API."""
    created = call(client, "POST", f"{API}/applications", token, json_fields(kind))
    assert created.status_code == 201, created.get_json()
    application = created.get_json()
    assert application["missing_documents"] == list(REQUIRED_DOCUMENTS[kind])
    version = application["version"]
    for code in application["required_documents"]:
        response = upload(client, token, application["id"], version, code)
        assert response.status_code == 201, response.get_json()
        version = int(response.headers["ETag"].strip('"'))
    submitted = call(client, "POST", f"{API}/applications/{application['id']}/submit", token,
                     {"version": version})
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["missing_documents"] == []
    return submitted.get_json()


def find_eligible(client, token, application: dict) -> dict:
    url = f"{API}/applications/{application['id']}"
    saved = call(client, "PUT", url + "/checklist", token,
                 {"checklist": dict.fromkeys(CHECKLIST, True), "version": application["version"]})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["passed"] is True
    started = call(client, "POST", url + "/start-review", token, headers={"If-Match": saved.headers["ETag"]})
    assert started.status_code == 200, started.get_json()
    assert started.get_json()["status"] == "in_review"
    return started.get_json()


def council_body(application_ids, people, /, **changes) -> dict:
    body = {
        "purpose": "selection", "kind": "project", "name": "Hội đồng tư vấn xét chọn dự án 2026",
        "decision_number": "45/QĐ-SKHCN", "formed_on": province_today().isoformat(), "meets_on": None,
        "members": [{"user_id": member.id, "position": position}
                    for member, position in zip(people, COUNCIL_POSITIONS)],
        "application_ids": list(application_ids),
    }
    body.update(changes)
    return body


def form(client, token, application_ids, members) -> dict:
    response = call(client, "POST", f"{API}/councils", token, council_body(application_ids, members))
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/councils/{response.get_json()['id']}")
    return response.get_json()


def declare(client, token, council_id: int, application_id: int, **body):
    body = {"has_conflict": False, "reasons": [], "explanation": "", **body}
    return call(client, "POST", f"{API}/councils/{council_id}/applications/{application_id}/conflict",
                token, body)


def sheet(client, token, council_id: int, application_id: int, **body):
    return call(client, "PUT", f"{API}/councils/{council_id}/applications/{application_id}/sheet",
                token, body)


def sheets(client, token, council_id: int, application_id: int):
    response = call(client, "GET", f"{API}/councils/{council_id}/applications/{application_id}/sheets", token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def full_marks(council: dict, share: float) -> dict:
    return {str(c["id"]): round(c["max_points"] * share) for c in council["rubric"]["criteria"]}


def assignment_of(council: dict, application_id: int) -> dict:
    return next(a for a in council["assignments"] if a["application"]["id"] == application_id)


# The whole appraisal -----------------------------------------------------------------------------

def test_a_client_runs_the_appraisal_from_documents_to_the_support_decision(client, world, experts):
    owner, reviewer = world.token("owner"), world.token("reviewer")
    tokens = [token_for(expert) for expert in experts]
    application = find_eligible(client, reviewer, create_and_submit(client, owner))
    application_id = application["id"]

    # Approval before any council has scored: refused.
    early = call(client, "POST", f"{API}/applications/{application_id}/decision", reviewer,
                 {"decision": "approve", "version": application["version"]})
    assert_error(early, 409)

    council = form(client, reviewer, [application_id], experts)
    council_id = council["id"]
    assert [m["position"] for m in council["members"]] == list(COUNCIL_POSITIONS)
    assert sum(c["max_points"] for c in council["rubric"]["criteria"]) == 100
    assert assignment_of(council, application_id)["progress"]["still_scoring"] == [
        m["id"] for m in council["members"]]

    # Each member sees the council, and before declaring may not read the application.
    for token in tokens:
        mine = call(client, "GET", f"{API}/councils", token).get_json()
        assert [c["id"] for c in mine["items"]] == [council_id]
        seen = assignment_of(call(client, "GET", f"{API}/councils/{council_id}", token).get_json(),
                             application_id)
        assert (seen["can_declare"], seen["can_read"], seen["declaration"]) == (True, False, None)
        assert_error(call(client, "GET", f"{API}/applications/{application_id}", token), 404)

    # The fifth declares a conflict and is off the application; the others declare none.
    off = declare(client, tokens[4], council_id, application_id, has_conflict=True,
                  reasons=["collaboration"])
    assert off.status_code == 200, off.get_json()
    assert off.get_json()["declaration"]["has_conflict"] is True
    assert off.get_json()["can_read"] is False and off.get_json()["can_score"] is False
    assert_error(declare(client, tokens[4], council_id, application_id), 409)  # final once made
    assert_error(sheet(client, tokens[4], council_id, application_id, points={}), 403)
    assert_error(call(client, "GET", f"{API}/applications/{application_id}", tokens[4]), 404)
    for token in tokens[:4]:
        declared = declare(client, token, council_id, application_id)
        assert declared.status_code == 200, declared.get_json()
        assert declared.get_json()["can_read"] and declared.get_json()["can_score"]
        readable = call(client, "GET", f"{API}/applications/{application_id}", token)
        assert readable.status_code == 200
        documents = call(client, "GET", f"{API}/applications/{application_id}/documents", token).get_json()
        assert {d["document_type"] for d in documents["items"]} == set(REQUIRED_DOCUMENTS["project"])
        download = client.get(documents["items"][0]["url"], headers={"Authorization": f"Bearer {token}"})
        assert download.status_code == 200 and download.data == SIGNED_PDF

    # Four score; the secretary (fourth) sees who is missing, the others do not.
    for n, token in enumerate(tokens[:4]):
        secretary = call(client, "GET", f"{API}/councils/{council_id}", tokens[3]).get_json()
        progress = assignment_of(secretary, application_id)["progress"]
        assert len(progress["still_scoring"]) == 4 - n
        assert progress["declared_conflict"] == [council["members"][4]["id"]]
        chair = call(client, "GET", f"{API}/councils/{council_id}", tokens[0]).get_json()
        assert assignment_of(chair, application_id)["progress"] is None
        assert assignment_of(chair, application_id)["result"] is None
        submitted = sheet(client, token, council_id, application_id, points=full_marks(council, 0.8),
                          recommends=True, comment="Nội dung khả thi, dự toán hợp lý.", submit=True)
        assert submitted.status_code == 200, submitted.get_json()
        assert submitted.get_json()["submitted_at"] and submitted.get_json()["total"] == 80

    result = assignment_of(call(client, "GET", f"{API}/councils/{council_id}", tokens[0]).get_json(),
                           application_id)["result"]
    assert result["scorers"] == 4 and result["recommending"] == 4 and result["recommended"] is True
    assert result["mean_total"] == 80.0 and result["spread"] == 0
    assert {c["criterion_id"] for c in result["criteria"]} == {c["id"] for c in council["rubric"]["criteria"]}
    staff_view = assignment_of(call(client, "GET", f"{API}/councils/{council_id}", reviewer).get_json(),
                               application_id)
    assert staff_view["result"] == result and staff_view["progress"]["still_scoring"] == []
    assert len(sheets(client, reviewer, council_id, application_id)) == 4

    # Now approval succeeds, on the recorded result; then the support decision, with its PDF.
    now = call(client, "GET", f"{API}/applications/{application_id}", reviewer).get_json()
    approved = call(client, "POST", f"{API}/applications/{application_id}/decision", reviewer,
                    {"decision": "approve", "version": now["version"]})
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "approved" and approved.get_json()["support_decision"] is None
    assert_error(client.get(f"{API}/records/{application_id}"), 404)  # not public before its decision
    decided = call(client, "POST", f"{API}/applications/{application_id}/support-decision", reviewer,
                   content_type="multipart/form-data", data={
                       "number": "123/QĐ-UBND", "decided_on": province_today().isoformat(),
                       "signer": "Phó Chủ tịch UBND tỉnh", "amount_vnd": "450000000",
                       "period_start": "2026-01-01", "period_end": "2027-12-31", "conditions": "",
                       "version": str(approved.get_json()["version"]),
                       "file": (io.BytesIO(SIGNED_PDF), "Quyết định hỗ trợ.pdf")})
    assert decided.status_code == 201, decided.get_json()
    decision = decided.get_json()["support_decision"]
    assert client.get(f"{API}/records/{application_id}").status_code == 200
    assert (decision["number"], decision["amount_vnd"], decision["is_confirmation"]) == (
        "123/QĐ-UBND", 450_000_000, False)
    for token in (owner, reviewer):
        pdf = client.get(decision["url"], headers={"Authorization": f"Bearer {token}"})
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == SIGNED_PDF
        assert "attachment" in pdf.headers["Content-Disposition"]
    assert_error(client.get(decision["url"], headers={"Authorization": f"Bearer {world.token('other_applicant')}"}),
                 404)
    again = call(client, "POST", f"{API}/applications/{application_id}/support-decision", reviewer,
                 content_type="multipart/form-data", data={
                     "number": "124/QĐ-UBND", "decided_on": province_today().isoformat(), "signer": "Ai đó",
                     "amount_vnd": "1", "version": str(decided.get_json()["version"]),
                     "file": (io.BytesIO(SIGNED_PDF), "Lần hai.pdf")})
    assert_error(again, 409)


def test_below_the_threshold_the_council_does_not_recommend_and_approval_is_refused(client, world, experts):
    reviewer = world.token("reviewer")
    application = make_application(world.user("owner"), "startup", "in_review", reviewer=world.user("reviewer"))
    response = call(client, "POST", f"{API}/councils", reviewer,
                    council_body([application.id], experts, kind="startup"))
    assert response.status_code == 201, response.get_json()
    council = response.get_json()
    for expert in experts:
        token = token_for(expert)
        assert declare(client, token, council["id"], application.id).status_code == 200
        response = sheet(client, token, council["id"], application.id, points=full_marks(council, 0.6),
                         recommends=False, comment="Chưa đạt.", submit=True)
        assert response.status_code == 200, response.get_json()
    result = assignment_of(call(client, "GET", f"{API}/councils/{council['id']}", reviewer).get_json(),
                           application.id)["result"]
    assert result["recommended"] is False and result["scorers"] == 5
    db.session.expire_all()
    refused = call(client, "POST", f"{API}/applications/{application.id}/decision", reviewer,
                   {"decision": "approve", "version": db.session.get(Application, application.id).version})
    assert_error(refused, 409)


# Scoring alone -----------------------------------------------------------------------------------

@pytest.fixture
def appraisal(client, world, experts):
    """A project in review before a council of five who have all declared no conflict."""
    application = make_application(world.user("owner"), "project", "in_review", reviewer=world.user("reviewer"))
    council = form(client, world.token("reviewer"), [application.id], experts)
    tokens = [token_for(expert) for expert in experts]
    for token in tokens:
        assert declare(client, token, council["id"], application.id).status_code == 200
    return council, application.id, tokens


def test_a_member_sees_only_their_own_sheet_until_they_submit(client, world, appraisal):
    council, application_id, tokens = appraisal
    first, second = tokens[0], tokens[1]
    saved = sheet(client, first, council["id"], application_id, points=full_marks(council, 0.9),
                  recommends=True, comment="Rất tốt.", submit=True)
    assert saved.status_code == 200
    draft = sheet(client, second, council["id"], application_id, points=full_marks(council, 0.5),
                  comment="Đang chấm.")
    assert draft.status_code == 200 and draft.get_json()["submitted_at"] is None

    # The second member, not yet submitted: their own draft only, not the first's sheet.
    seen = sheets(client, second, council["id"], application_id)
    assert [s["id"] for s in seen] == [draft.get_json()["id"]]
    assert seen[0]["points"] == full_marks(council, 0.5)
    # Nor does the council's page show the first's result or sheet to them.
    page = assignment_of(call(client, "GET", f"{API}/councils/{council['id']}", second).get_json(),
                         application_id)
    assert page["own_sheet"]["id"] == draft.get_json()["id"] and page["result"] is None
    # A member who has not started sees nothing; the department sees the submitted sheet only.
    assert sheets(client, tokens[2], council["id"], application_id) == []
    assert [s["id"] for s in sheets(client, world.token("reviewer"), council["id"], application_id)] == [
        saved.get_json()["id"]]
    # The first, having submitted, sees only submitted sheets: the draft stays private.
    assert [s["id"] for s in sheets(client, first, council["id"], application_id)] == [saved.get_json()["id"]]

    submitted = sheet(client, second, council["id"], application_id, points=full_marks(council, 0.5),
                      recommends=False, comment="Chưa thuyết phục.", version=draft.get_json()["version"],
                      submit=True)
    assert submitted.status_code == 200, submitted.get_json()
    assert {s["id"] for s in sheets(client, second, council["id"], application_id)} == {
        saved.get_json()["id"], draft.get_json()["id"]}
    # Submitted is final.
    assert_error(sheet(client, second, council["id"], application_id, points={}, comment="Sửa",
                       version=submitted.get_json()["version"]), 409)


def test_a_stale_sheet_version_is_409_and_changes_nothing(client, appraisal):
    council, application_id, tokens = appraisal
    token = tokens[0]
    first = sheet(client, token, council["id"], application_id, points=full_marks(council, 0.7), comment="Lần 1")
    assert first.status_code == 200 and first.get_json()["version"] == 1
    second = sheet(client, token, council["id"], application_id, points=full_marks(council, 0.8),
                   comment="Lần 2", version=1)
    assert second.status_code == 200 and second.get_json()["version"] == 2
    # Another window still holds version 1, or believes the sheet is new.
    for version in (1, 0, None, 7):
        stale = sheet(client, token, council["id"], application_id, points=full_marks(council, 0.1),
                      comment="Cửa sổ cũ", version=version, submit=True)
        assert_error(stale, 409, where=str(version))
    kept = sheets(client, token, council["id"], application_id)
    assert [(s["version"], s["comment"], s["submitted_at"]) for s in kept] == [(2, "Lần 2", None)]


def test_invalid_sheets_are_422(client, appraisal):
    council, application_id, tokens = appraisal
    criterion = council["rubric"]["criteria"][0]
    url_args = (client, tokens[0], council["id"], application_id)
    for body, field in [
        ({"points": {str(criterion["id"]): criterion["max_points"] + 1}}, f"criterion_{criterion['id']}"),
        ({"points": {str(criterion["id"]): -1}}, f"criterion_{criterion['id']}"),
        ({"points": {str(criterion["id"]): 2.5}}, f"criterion_{criterion['id']}"),
        ({"points": {str(criterion["id"]): "10"}}, f"criterion_{criterion['id']}"),
        ({"points": {"999999": 3}}, "points"),
        ({"points": {"abc": 3}}, "points"),
        ({"points": {"9" * 5000: 3}}, "points"),
        ({"points": [1, 2]}, "points"),
        ({"recommends": "yes"}, "recommends"),
        ({"comment": ["x"]}, "comment"),
        ({"submit": "true"}, "submit"),
        ({"version": True}, "version"),
        ({"version": "abc"}, "version"),
        ({"points": full_marks(council, 0.8), "recommends": True, "submit": True}, "comment"),
        ({"points": {}, "recommends": True, "comment": "Tốt", "submit": True}, f"criterion_{criterion['id']}"),
        ({"points": full_marks(council, 0.8), "comment": "Tốt", "submit": True}, "recommends"),
    ]:
        assert_error(sheet(*url_args, **body), 422, field, where=str(body)[:200])
    assert db.session.scalar(db.select(db.func.count(ScoreSheet.id))) == 0


# Who sees what -----------------------------------------------------------------------------------

def test_an_expert_sees_only_the_applications_they_appraise(client, world, experts):
    reviewer = world.user("reviewer")
    appraised = make_application(world.user("owner"), "project", "in_review", reviewer=reviewer)
    other = make_application(world.user("owner"), "project", "in_review", reviewer=reviewer)
    make_application(world.user("owner"), "startup", "submitted", reviewer=reviewer)
    council = form(client, world.token("reviewer"), [appraised.id, other.id], experts)
    expert, conflicted = token_for(experts[0]), token_for(experts[1])
    outsider = token_for(make_user("expert"))

    listed = lambda token: {i["id"] for i in call(client, "GET", f"{API}/applications", token).get_json()["items"]}
    assert listed(expert) == set()  # nothing before a declaration
    assert declare(client, expert, council["id"], appraised.id).status_code == 200
    assert declare(client, conflicted, council["id"], appraised.id, has_conflict=True,
                   reasons=["other"], explanation="Tôi là cố vấn của đơn vị.").status_code == 200
    assert listed(expert) == {appraised.id}
    assert listed(conflicted) == set() and listed(outsider) == set()
    assert call(client, "GET", f"{API}/applications/{appraised.id}", expert).status_code == 200
    assert call(client, "GET", f"{API}/applications/{appraised.id}/history", expert).status_code == 200
    for token, application_id in ((expert, other.id), (conflicted, appraised.id), (outsider, appraised.id)):
        for suffix in ("", "/history", "/documents"):
            assert_error(call(client, "GET", f"{API}/applications/{application_id}{suffix}", token), 404)
    # Only the councils they sit on.
    assert call(client, "GET", f"{API}/councils", outsider).get_json()["items"] == []
    assert_error(call(client, "GET", f"{API}/councils/{council['id']}", outsider), 404)
    assert_error(declare(client, outsider, council["id"], appraised.id), 404)
    # An expert writes nothing else.
    assert_error(call(client, "POST", f"{API}/councils", expert,
                      council_body([other.id], experts)), 403)
    assert_error(call(client, "POST", f"{API}/applications/{appraised.id}/decision", expert,
                      {"decision": "approve", "version": 1}), 403)
    assert_error(call(client, "PUT", f"{API}/applications/{appraised.id}/checklist", expert,
                      {"checklist": {}, "version": 1}), 403)


def test_council_routes_by_role(client, world, appraisal):
    council, application_id, _tokens = appraisal
    url = f"{API}/councils/{council['id']}"
    for role, status in (("anonymous", 401), ("owner", 403), ("agency", 403)):
        for method, path, body in (("GET", "", None), ("GET", "/applications/%d/sheets" % application_id, None),
                                   ("PUT", "/applications/%d/sheet" % application_id, {"points": {}}),
                                   ("POST", "/applications/%d/conflict" % application_id,
                                    {"has_conflict": False})):
            assert_error(call(client, method, url + path, world.token(role), body), status,
                         where=f"{role} {method} {path}")
        assert_error(call(client, "GET", f"{API}/councils", world.token(role)), status)
    # Staff who do not sit on it see it, and may neither declare nor score.
    admin = world.token("admin")
    assert call(client, "GET", url, admin).status_code == 200
    assert [c["id"] for c in call(client, "GET", f"{API}/councils", admin).get_json()["items"]] == [council["id"]]
    assert_error(declare(client, admin, council["id"], application_id), 403)
    assert_error(sheet(client, admin, council["id"], application_id, points={}), 403)


def test_forming_a_council_is_checked_by_the_service(client, world, experts):
    reviewer = world.token("reviewer")
    application = make_application(world.user("owner"), "project", "in_review", reviewer=world.user("reviewer"))
    submitted = make_application(world.user("owner"), "project", "submitted", reviewer=world.user("reviewer"))
    colleague = make_user("reviewer", organization=world.user("owner").organization)
    for changes, field in [
        ({"members": []}, "members"),
        ({"members": [{"user_id": experts[0].id, "position": "chair"}]}, "members"),
        ({"members": [{"user_id": e.id, "position": "chair"} for e in experts]}, "members"),
        ({"members": [{"user_id": colleague.id, "position": "chair"},
                      *[{"user_id": e.id, "position": p} for e, p in zip(experts[1:], COUNCIL_POSITIONS[1:])]]},
         "members"),  # of the applicant organisation
        ({"members": [{"user_id": 2**63, "position": "chair"}]}, "members"),
        ({"members": [{"user_id": "1", "position": "chair"}]}, "members"),
        ({"members": "everyone"}, "members"),
        ({"application_ids": [submitted.id]}, "applications"),  # not found eligible
        ({"application_ids": []}, "applications"),
        ({"application_ids": [10**30]}, "applications"),
        ({"application_ids": [True]}, "application_ids"),
        ({"application_ids": "1"}, "application_ids"),
        ({"purpose": "banquet"}, "purpose"),
        ({"purpose": ["selection"]}, "purpose"),
        ({"kind": "pvp_filing"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": 42}, "name"),
        ({"formed_on": "2999-01-01"}, "formed_on"),
        ({"formed_on": "01/01/2026"}, "formed_on"),
        ({"formed_on": None}, "formed_on"),
        ({"meets_on": "2000-01-01"}, "meets_on"),
    ]:
        response = call(client, "POST", f"{API}/councils", reviewer,
                        council_body([application.id], experts, **changes))
        assert_error(response, 422, field, where=str(changes)[:200])
    assert db.session.scalar(db.select(db.func.count(CouncilAssignment.id))) == 0
    own = make_user("reviewer", organization=world.user("owner").organization)
    assert_error(call(client, "POST", f"{API}/councils", token_for(own),
                      council_body([application.id], experts)), 403)
    form(client, reviewer, [application.id], experts)
    # The application is before a selection council now: not again.
    assert_error(call(client, "POST", f"{API}/councils", reviewer, council_body([application.id], experts)),
                 422, "applications")


def test_invalid_declarations_are_422(client, world, experts):
    application = make_application(world.user("owner"), "project", "in_review", reviewer=world.user("reviewer"))
    council = form(client, world.token("reviewer"), [application.id], experts)
    token = token_for(experts[0])
    for body, field in [
        ({"has_conflict": None}, "has_conflict"),
        ({"has_conflict": "no"}, "has_conflict"),
        ({"has_conflict": True, "reasons": []}, "reasons"),
        ({"has_conflict": True, "reasons": ["bribery"]}, "reasons"),
        ({"has_conflict": True, "reasons": [["family"]]}, "reasons"),
        ({"has_conflict": True, "reasons": "family"}, "reasons"),
        ({"has_conflict": False, "reasons": ["family"]}, "reasons"),
        ({"has_conflict": True, "reasons": ["other"]}, "explanation"),
        ({"has_conflict": True, "reasons": ["other"], "explanation": 5}, "explanation"),
    ]:
        response = call(client, "POST", f"{API}/councils/{council['id']}/applications/{application.id}/conflict",
                        token, {"reasons": [], **body} if "reasons" not in body else body)
        assert_error(response, 422, field, where=str(body))


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_ids_past_the_id_columns_are_404(client, world, number):
    admin = world.token("admin")
    for method, path in (("GET", f"/councils/{number}"), ("GET", f"/councils/{number}/applications/1/sheets"),
                         ("GET", f"/councils/1/applications/{number}/sheets"),
                         ("PUT", f"/councils/{number}/applications/1/sheet"),
                         ("POST", f"/councils/1/applications/{number}/conflict")):
        assert_error(call(client, method, API + path, admin, {"has_conflict": False}), 404, where=path)


# Races -------------------------------------------------------------------------------------------

class ServedConfig(SuiteConfig):
    SERVER_NAME = None


def _race(requests: list[tuple[str, str, dict]], method: str = "PUT") -> list[tuple[int, dict]]:
    """(url, token, body) requests released together; their answers."""
    barrier = threading.Barrier(len(requests))
    answers = []

    def one(url, token, body):
        request = urllib.request.Request(url, data=json.dumps(body).encode(), method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append((response.status, json.loads(response.read())))
        except urllib.error.HTTPError as error:
            answers.append((error.code, json.loads(error.read() or b"{}")))

    threads = [threading.Thread(target=one, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return answers


def test_concurrent_submits_never_answer_500(app, client, appraisal):
    council, application_id, tokens = appraisal
    body = {"points": full_marks(council, 0.8), "recommends": True, "comment": "Đạt.", "submit": True}
    with serving(ServedConfig) as server:
        url = f"{server}{API}/councils/{council['id']}/applications/{application_id}/sheet"
        # One member submits the same new sheet from eight windows at once: one wins.
        answers = _race([(url, tokens[0], body)] * 8)
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200] + [409] * 7, statuses
        assert all(answer["error"] for status, answer in answers if status == 409)
        # The four others submit at the same moment: none is a server error.
        answers = _race([(url, token, body) for token in tokens[1:]])
        assert sorted(status for status, _ in answers) == [200] * 4, answers
    db.session.expire_all()
    submitted = db.session.scalar(db.select(db.func.count(ScoreSheet.id)).where(ScoreSheet.submitted_at.is_not(None)))
    assert submitted == 5


def test_the_last_sheets_submitted_together_record_the_result(app, client, appraisal):
    council, application_id, tokens = appraisal
    body = {"points": full_marks(council, 0.8), "recommends": True, "comment": "Đạt.", "submit": True}
    for token in tokens[:2]:
        assert sheet(client, token, council["id"], application_id, **body).status_code == 200
    with serving(ServedConfig) as server:
        url = f"{server}{API}/councils/{council['id']}/applications/{application_id}/sheet"
        answers = _race([(url, token, body) for token in tokens[2:]])
    assert sorted(status for status, _ in answers) == [200] * 3, answers
    db.session.expire_all()
    assignment = db.session.scalar(db.select(CouncilAssignment).filter_by(application_id=application_id))
    assert assignment.completed_at is not None and assignment.scorers == 5, \
        "every member submitted, yet the council's result was not recorded"
