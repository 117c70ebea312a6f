"""Follow-up through the API alone (issue 12): the owner of a supported project files its
six-monthly progress reports with their documents, the department asks for more and then
accepts, records an inspection, and records acceptance on the rating of an acceptance council
formed and scored through the API; the record is then completed and counted as accepted."""
import io

import pytest

from registry.extensions import db
from registry.models import OutboxMessage, ProgressReport
from registry.models.base import province_today
from tests.factories import SIGNED_PDF, council_members, make_supported
from tests.test_api import World, assert_error, call, token_for
from tests.test_api_councils import ServedConfig, _race, council_body, declare, full_marks, sheet
from tests.conftest import serving

API = "/api/v1"
GRANTED = 500_000_000


@pytest.fixture
def world(app):
    return World()


@pytest.fixture
def supported(world):
    """A project of the owner's whose decision of 15/01/2025 grants 500.000.000 ₫ until 31/12/2027."""
    from datetime import date

    return make_supported(world.user("owner"), world.user("reviewer"), period_end=date(2027, 12, 31),
                          amount_vnd=GRANTED)


def reports_url(application_id: int, tail: str = "") -> str:
    return f"{API}/applications/{application_id}/progress-reports{tail}"


def schedule(client, token, application_id: int) -> dict[int, dict]:
    response = call(client, "GET", reports_url(application_id), token)
    assert response.status_code == 200, response.get_json()
    return {row["number"]: row for row in response.get_json()["items"]}


def save(client, token, application_id: int, number: int, **body):
    return call(client, "PUT", reports_url(application_id, f"/{number}"), token, body)


def review(client, token, application_id: int, number: int, **body):
    return call(client, "POST", reports_url(application_id, f"/{number}/review"), token, body)


FILED = {"progress": "Hoàn thành 40% nội dung; vườn ươm 2.000 cây giống.", "spent_vnd": 120_000_000,
         "products": "2.000 cây giống Nhãn lồng", "problems": ""}


def test_a_client_files_reports_and_the_department_answers(client, world, supported):
    owner, reviewer = world.token("owner"), world.token("reviewer")
    application_id = supported.id
    today = province_today()
    rows = schedule(client, owner, application_id)
    assert [row["due_on"] for row in rows.values()] == [
        "2025-07-15", "2026-01-15", "2026-07-15", "2027-01-15", "2027-07-15"]
    assert {n for n, row in rows.items() if row["overdue"]} == {
        n for n, row in rows.items() if row["due_on"] < today.isoformat()}
    assert rows[1]["overdue"] and all(row["report"] is None for row in rows.values())

    # A draft is the owner's alone.
    draft = save(client, owner, application_id, 1, **FILED, version=0)
    assert draft.status_code == 200, draft.get_json()
    assert (draft.get_json()["status"], draft.get_json()["version"]) == ("draft", 1)
    assert_error(call(client, "GET", reports_url(application_id, "/1"), reviewer), 404)
    assert schedule(client, reviewer, application_id)[1]["report"] is None

    # A document, checked by its content, then downloaded.
    refused = call(client, "POST", reports_url(application_id, "/1/documents"), owner,
                   content_type="multipart/form-data",
                   data={"version": "1", "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "Chứng từ.pdf")})
    assert_error(refused, 422, "file")
    uploaded = call(client, "POST", reports_url(application_id, "/1/documents"), owner,
                    content_type="multipart/form-data",
                    data={"version": "1", "file": (io.BytesIO(SIGNED_PDF), "Chứng từ chi đợt 1.pdf")})
    assert uploaded.status_code == 201, uploaded.get_json()
    report = uploaded.get_json()
    assert report["version"] == 2 and uploaded.headers["ETag"] == '"2"'
    assert [d["name"] for d in report["documents"]] == ["Chứng từ chi đợt 1.pdf"]
    assert uploaded.headers["Location"].endswith(f"/documents/{report['documents'][0]['id']}")

    # Submitting needs the progress and the amount spent; all problems at once.
    incomplete = save(client, owner, application_id, 1, progress="", spent_vnd=None, version=2, submit=True)
    assert_error(incomplete, 422, "progress", "spent_vnd")
    submitted = save(client, owner, application_id, 1, **FILED, version=2, submit=True)
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["status"] == "submitted" and submitted.get_json()["submitted_at"]
    assert not schedule(client, owner, application_id)[1]["overdue"]
    assert_error(save(client, owner, application_id, 1, **FILED, version=3), 409)  # with the department

    # The department reads it, with its document, and asks for more, saying what.
    seen = call(client, "GET", reports_url(application_id, "/1"), reviewer)
    assert seen.status_code == 200 and seen.get_json()["spent_vnd"] == 120_000_000
    pdf = client.get(seen.get_json()["documents"][0]["url"], headers={"Authorization": f"Bearer {reviewer}"})
    assert pdf.status_code == 200 and pdf.data == SIGNED_PDF and "no-store" in pdf.headers["Cache-Control"]
    assert_error(review(client, reviewer, application_id, 1, decision="request_more", comment=" ", version=3),
                 422, "comment")
    assert_error(review(client, reviewer, application_id, 1, decision="accept", version=2), 409)
    assert_error(review(client, owner, application_id, 1, decision="accept", version=3), 403)
    mails_before = db.session.scalar(db.select(db.func.count(OutboxMessage.id)))
    returned = review(client, reviewer, application_id, 1, decision="request_more",
                      comment="Bổ sung hóa đơn chứng từ chi.", version=3)
    assert returned.status_code == 200, returned.get_json()
    assert returned.get_json()["status"] == "more_requested"
    assert returned.get_json()["review_comment"] == "Bổ sung hóa đơn chứng từ chi."
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) > mails_before  # the owner is told

    # The owner completes it; the department accepts.
    again = save(client, owner, application_id, 1, **{**FILED, "problems": "Đã bổ sung chứng từ."},
                 version=returned.get_json()["version"], submit=True)
    assert again.status_code == 200, again.get_json()
    accepted = review(client, reviewer, application_id, 1, decision="accept", version=again.get_json()["version"])
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert_error(save(client, owner, application_id, 1, **FILED, version=accepted.get_json()["version"]), 409)

    # Numbers the schedule does not have, and other organisations.
    assert_error(save(client, owner, application_id, 6, **FILED, version=0), 404)
    assert_error(call(client, "GET", reports_url(application_id), world.token("other_applicant")), 404)
    actions = [event["action"] for event in
               call(client, "GET", f"{API}/applications/{application_id}/history", owner).get_json()]
    assert actions[-4:] == ["progress_report", "progress_returned", "progress_report", "progress_accepted"]


def test_inspections_are_the_departments_record(client, world, supported):
    owner, reviewer = world.token("owner"), world.token("reviewer")
    url = f"{API}/applications/{supported.id}/inspections"
    body = {"inspected_on": "2025-09-01", "inspectors": "Đoàn kiểm tra Sở Khoa học và Công nghệ",
            "findings": "Vườn ươm đạt yêu cầu; sổ theo dõi chưa cập nhật.", "conclusion": "issues"}
    future = province_today().replace(year=province_today().year + 1).isoformat()
    assert_error(call(client, "POST", url, reviewer, {**body, "inspected_on": future}), 422, "inspected_on")
    assert_error(call(client, "POST", url, reviewer, {"inspected_on": "01/09/2025"}), 422,
                 "inspected_on", "inspectors", "findings", "conclusion")
    assert_error(call(client, "POST", url, owner, body), 403)
    recorded = call(client, "POST", url, reviewer, body)
    assert recorded.status_code == 201, recorded.get_json()
    assert recorded.get_json()["recorded_by"] == world.user("reviewer").display_name
    listed = call(client, "GET", url, reviewer).get_json()["items"]
    assert [(i["inspected_on"], i["conclusion"]) for i in listed] == [("2025-09-01", "issues")]
    assert_error(call(client, "GET", url, owner), 403)


def test_acceptance_on_the_council_rating_completes_the_record(client, world, supported):
    reviewer = world.token("reviewer")
    application_id = supported.id
    url = f"{API}/applications/{application_id}/acceptance"
    accepted_on = province_today().isoformat()
    version = call(client, "GET", f"{API}/applications/{application_id}", reviewer).get_json()["version"]
    early = call(client, "POST", url, reviewer, {"accepted_on": accepted_on, "disbursed_vnd": 1, "version": version})
    assert_error(early, 409)  # the council has not rated it

    experts = council_members(5)
    formed = call(client, "POST", f"{API}/councils", reviewer,
                  council_body([application_id], experts, purpose="acceptance",
                               name="Hội đồng nghiệm thu dự án nhãn lồng"))
    assert formed.status_code == 201, formed.get_json()
    council = formed.get_json()
    for expert in experts:
        token = token_for(expert)
        assert declare(client, token, council["id"], application_id).status_code == 200
        scored = sheet(client, token, council["id"], application_id, points=full_marks(council, 0.95),
                       recommends=True, comment="Sản phẩm vượt yêu cầu.", submit=True)
        assert scored.status_code == 200, scored.get_json()
    version = call(client, "GET", f"{API}/applications/{application_id}", reviewer).get_json()["version"]

    assert_error(call(client, "POST", url, reviewer, {"accepted_on": accepted_on, "disbursed_vnd": GRANTED + 1,
                                                      "version": version}), 422, "disbursed_vnd")
    assert_error(call(client, "POST", url, reviewer, {"accepted_on": "2024-12-31", "disbursed_vnd": "nhiều",
                                                      "version": version}), 422, "disbursed_vnd")
    assert_error(call(client, "POST", url, reviewer, {"accepted_on": accepted_on, "disbursed_vnd": 1,
                                                      "version": version - 1}), 409)
    done = call(client, "POST", url, reviewer, {"accepted_on": accepted_on, "disbursed_vnd": 480_000_000},
                headers={"If-Match": f'"{version}"'})
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert body["implementation_status"] == "completed" and done.headers["ETag"] == f'"{version + 1}"'
    assert body["acceptance"] == {**body["acceptance"], "rating": "excellent", "accepted_on": accepted_on,
                                  "disbursed_vnd": 480_000_000, "reasons": ""}
    assert_error(call(client, "POST", url, reviewer, {"accepted_on": accepted_on, "disbursed_vnd": 1,
                                                      "version": version + 1}), 409)  # once only
    targets = {t["code"]: t for t in client.get(f"{API}/targets").get_json()["targets"]}
    assert targets["supported_projects"]["accepted"] == 1
    # The owner reads the result; its reports are no longer due.
    owner_view = call(client, "GET", f"{API}/applications/{application_id}", world.token("owner")).get_json()
    assert owner_view["acceptance"]["rating"] == "excellent"
    assert not any(row["overdue"] for row in schedule(client, world.token("owner"), application_id).values())


def test_a_report_saved_from_several_windows_at_once_is_one_report(app, client, world, supported):
    owner = world.token("owner")
    with serving(ServedConfig) as server:
        url = f"{server}{reports_url(supported.id, '/2')}"
        answers = _race([(url, owner, {**FILED, "version": 0})] * 6)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [409] * 5, answers
    assert all(answer["error"] for status, answer in answers if status == 409)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(ProgressReport.id))) == 1


def test_one_of_two_answers_to_a_report_wins(app, client, world, supported):
    owner = world.token("owner")
    filed = save(client, owner, supported.id, 1, **FILED, version=0, submit=True).get_json()
    reviewers = [world.token("reviewer"), world.token("admin")]
    with serving(ServedConfig) as server:
        url = f"{server}{reports_url(supported.id, '/1/review')}"
        answers = _race([(url, reviewers[0], {"decision": "accept", "version": filed["version"]}),
                         (url, reviewers[1], {"decision": "request_more", "comment": "Thiếu chứng từ.",
                                              "version": filed["version"]})], method="POST")
    assert sorted(status for status, _ in answers) == [200, 409], answers
