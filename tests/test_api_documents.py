"""An application's documents through the API (issue 12): upload as multipart/form-data, the
list with the required documents still missing, download by those who may see the application,
removal; the eligibility checklist; and the support decision with its signed PDF."""
import io
import zipfile

import pytest

from registry.extensions import db
from registry.models import Application, Attachment, SupportDecision
from registry.models.applications import CHECKLIST, REQUIRED_DOCUMENTS
from registry.models.base import province_today
from tests.factories import SIGNED_PDF, make_application
from tests.test_api import World, assert_error, call, fresh
from tests.test_api_councils import upload

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def draft(world):
    return make_application(world.user("owner"), "project", "draft")


def documents(client, token, application_id):
    response = call(client, "GET", f"{API}/applications/{application_id}/documents", token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_owner_uploads_lists_downloads_and_removes(client, world, draft):
    owner = world.token("owner")
    listed = documents(client, owner, draft.id)
    assert listed == {"items": [], "required_documents": ["technical_description", "budget_estimate"],
                      "missing_documents": ["technical_description", "budget_estimate"]}

    response = upload(client, owner, draft.id, 1, "technical_description", name="Thuyết minh đề tài.pdf",
                      is_public="true")
    body = response.get_json()
    assert response.status_code == 201, body
    assert response.headers["ETag"] == '"2"' and fresh(draft).version == 2
    assert body["name"] == "Thuyết minh đề tài.pdf"  # the Unicode name is kept
    assert (body["document_type"], body["content_type"], body["size_bytes"], body["is_public"]) == (
        "technical_description", "application/pdf", len(SIGNED_PDF), True)
    assert response.headers["Location"].endswith(f"/applications/{draft.id}/documents/{body['id']}")
    png = upload(client, owner, draft.id, None, "other", name="Sơ đồ.png", content=PNG,
                 headers={"If-Match": '"2"'})
    assert png.status_code == 201, png.get_json()
    assert png.get_json()["is_public"] is False and png.get_json()["content_type"] == "image/png"

    listed = documents(client, owner, draft.id)
    assert [d["id"] for d in listed["items"]] == [body["id"], png.get_json()["id"]]
    assert listed["missing_documents"] == ["budget_estimate"]
    application = call(client, "GET", f"{API}/applications/{draft.id}", owner).get_json()
    assert application["missing_documents"] == ["budget_estimate"]
    assert application["required_documents"] == list(REQUIRED_DOCUMENTS["project"])

    download = client.get(body["url"], headers={"Authorization": f"Bearer {owner}"})
    assert download.status_code == 200 and download.data == SIGNED_PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"

    url = f"{API}/applications/{draft.id}/documents/{png.get_json()['id']}"
    assert_error(call(client, "DELETE", url, owner), 422, "version")
    assert_error(call(client, "DELETE", url, owner, {"version": 2}), 409)
    removed = call(client, "DELETE", url, owner, headers={"If-Match": '"3"'})
    assert removed.status_code == 200, removed.get_json()
    assert removed.headers["ETag"] == '"4"' and removed.get_json()["version"] == 4
    assert [d["id"] for d in documents(client, owner, draft.id)["items"]] == [body["id"]]
    assert_error(call(client, "DELETE", url, owner, {"version": 4}), 404)  # gone
    assert_error(client.get(f"{url}", headers={"Authorization": f"Bearer {owner}"}), 404)


def test_the_required_documents_rule_is_met_through_the_api(client, world, draft):
    owner = world.token("owner")
    url = f"{API}/applications/{draft.id}/submit"
    refused = call(client, "POST", url, owner)
    assert_error(refused, 422, "documents")
    version = 1
    for code in REQUIRED_DOCUMENTS["project"]:
        response = upload(client, owner, draft.id, version, code)
        version = response.get_json() and int(response.headers["ETag"].strip('"'))
    submitted = call(client, "POST", url, owner, {"version": version})
    assert submitted.status_code == 200, submitted.get_json()
    # Submitted: documents are frozen.
    assert_error(upload(client, owner, draft.id, version + 1, "other"), 409)
    attachment = db.session.scalar(db.select(Attachment).filter_by(application_id=draft.id))
    assert_error(call(client, "DELETE", f"{API}/applications/{draft.id}/documents/{attachment.id}", owner,
                      {"version": version + 1}), 403)


def test_who_may_see_and_upload(client, world, draft):
    submitted = make_application(world.user("owner"), "startup", "submitted")
    document = submitted.attachments[0]
    url = f"{API}/applications/{submitted.id}/documents"
    for role in ("owner", "reviewer", "own_reviewer", "admin"):
        assert len(documents(client, world.token(role), submitted.id)["items"]) == 1, role
        download = client.get(f"{url}/{document.id}", headers={"Authorization": f"Bearer {world.token(role)}"})
        assert download.status_code == 200, role
    for role, status in (("other_applicant", 404), ("agency", 403), ("anonymous", 401)):
        assert_error(call(client, "GET", url, world.token(role)), status, where=role)
    assert_error(client.get(f"{url}/{document.id}",
                            headers={"Authorization": f"Bearer {world.token('other_applicant')}"}), 404)
    assert_error(client.get(f"{url}/{document.id}"), 401)  # private: no token, no document
    # The document under another application's address is not found.
    other = make_application(world.user("owner"), "startup", "submitted")
    assert_error(client.get(f"{API}/applications/{other.id}/documents/{document.id}",
                            headers={"Authorization": f"Bearer {world.token('owner')}"}), 404)
    # Staff never add documents to an applicant's application; nor do other organisations.
    assert_error(upload(client, world.token("reviewer"), draft.id, 1, "other"), 404)  # a draft: unseen
    revision = make_application(world.user("owner"), "startup", "revision_requested")
    assert_error(upload(client, world.token("reviewer"), revision.id, revision.version, "other"), 403)
    assert_error(upload(client, world.token("other_applicant"), revision.id, revision.version, "other"), 404)
    assert_error(upload(client, world.token("agency"), revision.id, revision.version, "other"), 403)
    assert_error(upload(client, None, revision.id, revision.version, "other"), 401)
    assert fresh(revision).version == revision.version


def test_public_documents_of_an_approved_record_are_open(client, world):
    record = make_application(world.user("owner"), "pvp_filing", "revision_requested",
                              reviewer=world.user("reviewer"))
    token = world.token("owner")
    public = upload(client, token, record.id, record.version, "other", is_public="yes").get_json()
    db.session.expire_all()
    private_id = fresh(record).attachments[0].id
    from tests.factories import pass_eligibility
    from registry.services import applications as workflow
    from registry.services.unit_of_work import commit

    record = fresh(record)
    workflow.submit_application(record, world.user("owner"), record.version)
    commit()
    pass_eligibility(record, world.user("reviewer"))
    workflow.record_decision(record, world.user("reviewer"), "approve", "", record.version)
    commit()
    assert client.get(public["url"]).status_code == 200  # anyone, without a token
    assert call(client, "GET", public["url"], world.token("agency")).status_code == 200
    assert_error(client.get(f"{API}/applications/{record.id}/documents/{private_id}"), 401)
    assert_error(call(client, "GET", f"{API}/applications/{record.id}/documents/{private_id}",
                      world.token("other_applicant")), 404)


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("changes, field", [
    ({"document_type": "love_letter"}, "document_type"),
    ({"document_type": None}, "document_type"),
    ({"is_public": "maybe"}, "is_public"),
    ({"content": b"MZ\x90\x00 an executable"}, "file"),
    ({"content": SIGNED_PDF, "name": "thuyết minh.exe"}, "file"),
    ({"content": PNG, "name": "thuyết minh.pdf"}, "file"),  # a PNG that says it is a PDF
    ({"content": b""}, "file"),
    ({"content": _zip({"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"}), "name": "a.xlsx"}, "file"),
    ({"version": None}, "version"),
    ({"version": "abc"}, "version"),
])
def test_invalid_uploads_are_422_and_store_nothing(client, world, draft, changes, field):
    version = changes.pop("version", 1)
    document_type = changes.pop("document_type", "other")
    data = {"file": (io.BytesIO(changes.get("content", SIGNED_PDF)), changes.get("name", "tài liệu.pdf"))}
    if document_type is not None:
        data["document_type"] = document_type
    if version is not None:
        data["version"] = version
    if "is_public" in changes:
        data["is_public"] = changes["is_public"]
    response = call(client, "POST", f"{API}/applications/{draft.id}/documents", world.token("owner"),
                    data=data, content_type="multipart/form-data")
    assert_error(response, 422, field)
    assert fresh(draft).version == 1
    assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 0


def test_without_a_file_or_as_json_or_stale(client, world, draft):
    owner = world.token("owner")
    url = f"{API}/applications/{draft.id}/documents"
    response = call(client, "POST", url, owner, data={"document_type": "other", "version": "1"},
                    content_type="multipart/form-data")
    assert_error(response, 422, "file")
    assert_error(call(client, "POST", url, owner, {"document_type": "other", "version": 1}), 415)
    # A stale version is a conflict before anything else is looked at.
    stale = call(client, "POST", url, owner, data={"document_type": "love_letter", "is_public": "maybe",
                                                   "version": "9"}, content_type="multipart/form-data")
    assert_error(stale, 409)
    # A NUL in a form field: refused before anything reads it.
    nul = call(client, "POST", url, owner, data={"document_type": "other\x00", "version": "1",
                                                 "file": (io.BytesIO(SIGNED_PDF), "a.pdf")},
               content_type="multipart/form-data")
    assert_error(nul, 400)
    assert fresh(draft).version == 1


def test_uploads_may_be_as_large_as_a_document(app, client, world, draft):
    """The API's 1 MiB body limit is for JSON; an upload may be a document of up to 20 MB."""
    owner = world.token("owner")
    big = SIGNED_PDF + b"%" * (2 * 1024 * 1024)
    response = upload(client, owner, draft.id, 1, "other", content=big)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["size_bytes"] == len(big)
    limit = app.config["MAX_UPLOAD_BYTES"]
    too_big = upload(client, owner, draft.id, 2, "other", content=SIGNED_PDF + b"%" * limit)
    assert_error(too_big, 422, "file")
    past_the_body_limit = upload(client, owner, draft.id, 2, "other",
                                 content=b"%" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert_error(past_the_body_limit, 413)
    # JSON bodies keep their limit.
    response = call(client, "DELETE", f"{API}/applications/{draft.id}/documents/1", owner,
                    data='{"version": 2, "x": "' + "x" * (1024 * 1024) + '"}', content_type="application/json")
    assert_error(response, 413)
    assert fresh(draft).version == 2


# The eligibility checklist ---------------------------------------------------------------------

def test_the_checklist_through_the_api(client, world):
    application = make_application(world.user("owner"), "project", "submitted")
    url = f"{API}/applications/{application.id}"
    reviewer = world.token("reviewer")
    read = call(client, "GET", url + "/checklist", reviewer)
    assert read.status_code == 200 and read.get_json()["checklist"] == dict.fromkeys(CHECKLIST, False)
    assert_error(call(client, "GET", url + "/checklist", world.token("owner")), 403)  # internal
    assert_error(call(client, "GET", url + "/checklist", world.token("own_reviewer")), 403)
    partial = {code: True for code in list(CHECKLIST)[:-1]}
    saved = call(client, "PUT", url + "/checklist", reviewer, {"checklist": partial,
                                                              "version": application.version})
    assert saved.status_code == 200 and saved.get_json()["passed"] is False
    version = saved.get_json()["version"]
    assert_error(call(client, "POST", url + "/start-review", reviewer, {"version": version}), 422, "checklist")
    for body, field in (({"checklist": {"eligible_applicant": "yes"}, "version": version}, "checklist"),
                        ({"checklist": {"bribe_paid": True}, "version": version}, "checklist"),
                        ({"checklist": [True], "version": version}, "checklist"),
                        ({"version": version}, "checklist"),
                        ({"checklist": {"eligible_applicant": "yes"}}, "version")):  # the version first
        assert_error(call(client, "PUT", url + "/checklist", reviewer, body), 422, field, where=str(body))
    assert_error(call(client, "PUT", url + "/checklist", reviewer,
                      {"checklist": {"eligible_applicant": "yes"}, "version": version - 1}), 409)
    assert_error(call(client, "PUT", url + "/checklist", world.token("own_reviewer"),
                      {"checklist": partial, "version": version}), 403)
    assert_error(call(client, "PUT", url + "/checklist", world.token("owner"),
                      {"checklist": partial, "version": version}), 403)
    saved = call(client, "PUT", url + "/checklist", reviewer, {"checklist": dict.fromkeys(CHECKLIST, True)},
                 headers={"If-Match": f'"{version}"'})
    assert saved.status_code == 200 and saved.get_json()["passed"] is True
    assert_error(call(client, "POST", url + "/start-review", reviewer), 422, "version")
    started = call(client, "POST", url + "/start-review", reviewer, headers={"If-Match": saved.headers["ETag"]})
    assert started.status_code == 200 and started.get_json()["status"] == "in_review"
    # Found eligible: the checklist stands.
    assert_error(call(client, "PUT", url + "/checklist", reviewer,
                      {"checklist": {}, "version": started.get_json()["version"]}), 409)


# The support decision --------------------------------------------------------------------------

def decision_form(version, /, **changes) -> dict:
    data = {"number": "12/QĐ-UBND", "decided_on": province_today().isoformat(),
            "signer": "Chủ tịch UBND tỉnh", "amount_vnd": "300000000", "conditions": "Báo cáo 6 tháng.",
            "version": str(version), "file": (io.BytesIO(SIGNED_PDF), "Quyết định.pdf")}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.mark.parametrize("changes, field", [
    ({"number": ""}, "number"),
    ({"decided_on": "02/12/2026"}, "decided_on"),
    ({"decided_on": "2026-02-30"}, "decided_on"),
    ({"decided_on": "2999-01-01"}, "decided_on"),
    ({"decided_on": None}, "decided_on"),
    ({"signer": None}, "signer"),
    ({"amount_vnd": "ba trăm triệu"}, "amount_vnd"),
    ({"amount_vnd": "-5"}, "amount_vnd"),
    ({"amount_vnd": "9" * 40}, "amount_vnd"),
    ({"amount_vnd": None}, "amount_vnd"),  # a startup's decision grants an amount
    ({"period_start": "2027-01-01", "period_end": "2026-01-01"}, "period_end"),
    ({"period_start": "soon"}, "period_start"),
    ({"file": None}, "file"),
    ({"file": (io.BytesIO(PNG), "Quyết định.png")}, "file"),  # the signed decision is a PDF
    ({"version": ""}, "version"),
])
def test_invalid_support_decisions_are_422(client, world, changes, field):
    application = make_application(world.user("owner"), "startup", "approved", reviewer=world.user("reviewer"))
    response = call(client, "POST", f"{API}/applications/{application.id}/support-decision",
                    world.token("reviewer"), data=decision_form(application.version, **changes),
                    content_type="multipart/form-data")
    assert_error(response, 422, field)
    assert db.session.scalar(db.select(db.func.count(SupportDecision.id))) == 0


def test_support_decision_who_and_when(client, world):
    reviewer = world.user("reviewer")
    submitted = make_application(world.user("owner"), "pvp_filing", "submitted", reviewer=reviewer)
    approved = make_application(world.user("owner"), "pvp_filing", "approved", reviewer=reviewer)
    url = lambda application: f"{API}/applications/{application.id}/support-decision"
    send = lambda role, application, **changes: call(
        client, "POST", url(application), world.token(role), content_type="multipart/form-data",
        data=decision_form(application.version, **changes))
    assert_error(send("reviewer", submitted), 409)  # not approved
    assert_error(send("owner", approved), 403)
    assert_error(send("own_reviewer", approved), 403)
    assert_error(send("other_applicant", approved), 404)
    assert_error(send("reviewer", approved, version=str(approved.version - 1)), 409)
    assert_error(call(client, "POST", url(approved), world.token("reviewer"), {"number": "1"}), 415)
    assert_error(call(client, "GET", url(approved) + "/file", world.token("owner")), 404)  # none yet
    confirmed = send("admin", approved, amount_vnd=None)  # a filing is confirmed: no money
    assert confirmed.status_code == 201, confirmed.get_json()
    decision = confirmed.get_json()["support_decision"]
    assert decision["is_confirmation"] is True and decision["amount_vnd"] == 0
    assert confirmed.headers["Location"].endswith(f"/applications/{approved.id}/support-decision/file")
    assert call(client, "GET", url(approved) + "/file", world.token("owner")).data == SIGNED_PDF
    assert_error(call(client, "GET", url(approved) + "/file", world.token("agency")), 403)
    assert_error(call(client, "GET", url(approved) + "/file", world.token("other_applicant")), 404)
    assert db.session.get(Application, approved.id).is_supported()
