"""From eligibility to the council's recommendation: required documents, the eligibility check,
forming a council, conflicts of interest, scoring alone, the recorded result and what approval
stands on. Services directly, then the pages through the test client with the real forms."""
import io
import re

import pytest

from registry.extensions import db
from registry.models import Application, CouncilAssignment, Rubric
from registry.models.applications import CHECKLIST, DOCUMENT_TYPES
from registry.models.base import province_today
from registry.services import applications as workflow
from registry.services import councils
from registry.services.attachments import add_attachment
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import commit
from tests.factories import (
    COUNCIL_POSITIONS,
    SIGNED_PDF,
    appraise,
    council_members,
    form_council,
    make_application,
    make_user,
    score,
)


@pytest.fixture
def people(app):
    return {"owner": make_user("applicant"), "reviewer": make_user("reviewer", full_name="Lê Văn Thẩm")}


def _eligible(people, kind="project", **fields):
    return make_application(people["owner"], kind, "in_review", reviewer=people["reviewer"], **fields)


# Required documents ----------------------------------------------------------------------------

def test_submission_names_the_missing_required_documents(people):
    owner = people["owner"]
    application = make_application(owner, "project", "draft")
    with pytest.raises(ValidationFailed) as refused:
        workflow.submit_application(application, owner, application.version)
    assert str(DOCUMENT_TYPES["technical_description"]) in refused.value.message
    assert str(DOCUMENT_TYPES["budget_estimate"]) in refused.value.message
    db.session.rollback()
    add_attachment(application, owner, io.BytesIO(SIGNED_PDF), "Thuyết minh.pdf", False,
                   application.version, document_type="technical_description")
    commit()
    assert application.missing_documents() == ["budget_estimate"]
    with pytest.raises(ValidationFailed):
        workflow.submit_application(application, owner, application.version)


def test_applicant_sees_required_documents_before_starting_and_on_the_draft(client, login, people):
    client.set_cookie("lang", "en")
    login(people["owner"])
    page = client.get("/applications/new", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Technical description" in page and "Business plan" in page
    application = make_application(people["owner"], "startup", "draft")
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Document: Business plan" in page
    response = client.post(f"/applications/{application.id}/attachments", data={
        "version": str(application.version), "document_type": "business_plan",
        "file": (io.BytesIO(SIGNED_PDF), "Kế hoạch kinh doanh.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Document: Business plan" not in page
    response = client.post(f"/applications/{application.id}/submit",
                           data={"version": str(db.session.get(Application, application.id).version)})
    assert response.status_code == 302
    assert db.session.get(Application, application.id).status == "submitted"


# Eligibility ------------------------------------------------------------------------------------

def test_only_a_fully_checked_application_goes_on_to_appraisal(people):
    reviewer = people["reviewer"]
    application = make_application(people["owner"], "project", "submitted")
    workflow.save_checklist(application, reviewer, {**dict.fromkeys(CHECKLIST, True), "within_plan": False},
                            application.version)
    commit()
    with pytest.raises(ValidationFailed) as refused:
        workflow.start_review(application, reviewer, application.version)
    assert "within_plan" not in refused.value.message  # it names the item, not its code
    db.session.rollback()
    # Not eligible: a revision or a rejection, with reasons; approval is not open.
    with pytest.raises(Conflict):
        workflow.record_decision(application, reviewer, "approve", "", application.version)
    db.session.rollback()
    workflow.record_decision(application, reviewer, "request_revision", "Bổ sung thuyết minh.",
                             application.version)
    commit()
    assert application.status == "revision_requested"


def test_the_checklist_stands_once_the_application_is_found_eligible(people):
    application = _eligible(people)
    with pytest.raises(Conflict):
        workflow.save_checklist(application, people["reviewer"], {}, application.version)


# Forming a council ------------------------------------------------------------------------------

def _members(*users):
    return [(u.id, p) for u, p in zip(users, COUNCIL_POSITIONS)]


def test_a_council_needs_its_positions_and_refuses_the_applicants_own_people(people):
    application = _eligible(people)
    experts = council_members()
    with pytest.raises(ValidationFailed) as refused:
        councils.form_council(people["reviewer"], purpose="selection", kind="project", name="Hội đồng A",
                              decision_number="", formed_on=province_today(), meets_on=None,
                              members=_members(*experts[:4]), application_ids=[application.id])
    assert "members" in refused.value.errors
    db.session.rollback()
    insider = make_user("expert", organization=application.organization, full_name="Người trong cuộc")
    with pytest.raises(ValidationFailed) as refused:
        councils.form_council(people["reviewer"], purpose="selection", kind="project", name="Hội đồng A",
                              decision_number="", formed_on=province_today(), meets_on=None,
                              members=_members(insider, *experts[1:]), application_ids=[application.id])
    assert any("Người trong cuộc" in message for message in refused.value.errors["members"])


def test_only_eligible_applications_come_before_a_selection_council(people):
    submitted = make_application(people["owner"], "project", "submitted")
    with pytest.raises(ValidationFailed) as refused:
        form_council([submitted], people["reviewer"])
    assert "applications" in refused.value.errors
    db.session.rollback()
    eligible = _eligible(people)
    form_council([eligible], people["reviewer"])
    with pytest.raises(ValidationFailed):  # one selection council per application
        form_council([eligible], people["reviewer"])


# Declaring and scoring ----------------------------------------------------------------------------

def test_an_expert_sees_an_application_only_after_declaring_no_conflict(people):
    application = _eligible(people)
    council = form_council([application], people["reviewer"])
    assignment = council.assignments[0]
    first, second = council_members()[:2]
    assert not application.can_view(first)
    councils.declare_conflict(assignment, first, has_conflict=False, reasons=[], explanation="")
    councils.declare_conflict(assignment, second, has_conflict=True, reasons=["collaboration"], explanation="")
    commit()
    assert application.can_view(first) and not application.can_view(second)
    assert not assignment.can_score(second)
    with pytest.raises(Conflict):  # a declaration is final
        councils.declare_conflict(assignment, first, has_conflict=True, reasons=["family"], explanation="")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        councils.save_score_sheet(assignment, second, points={}, recommends=True, comment="x",
                                  version=None, submit=False)


def test_a_conflict_needs_its_reason_and_other_needs_an_explanation(people):
    assignment = form_council([_eligible(people)], people["reviewer"]).assignments[0]
    member = council_members()[0]
    with pytest.raises(ValidationFailed) as refused:
        councils.declare_conflict(assignment, member, has_conflict=True, reasons=[], explanation="")
    assert "reasons" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        councils.declare_conflict(assignment, member, has_conflict=True, reasons=["other"], explanation=" ")
    assert "explanation" in refused.value.errors


def test_members_score_alone_and_the_last_sheet_records_the_result(people):
    application = _eligible(people)
    assignment = form_council([application], people["reviewer"]).assignments[0]
    members = council_members()
    score(assignment, members[0], share=0.9)
    councils.declare_conflict(assignment, members[1], has_conflict=False, reasons=[], explanation="")
    commit()
    # The second member has not submitted: they see no one else's sheet.
    assert assignment.visible_sheets(members[1]) == []
    assert len(assignment.visible_sheets(members[0])) == 1
    for member in members[1:]:
        if assignment.can_declare(member):
            councils.declare_conflict(assignment, member, has_conflict=False, reasons=[], explanation="")
        rubric = assignment.council.rubric
        councils.save_score_sheet(assignment, member, points={c.id: round(c.max_points * 0.7) for c in rubric.criteria},
                                  recommends=True, comment="Khá.", version=None, submit=True)
        commit()
    db.session.refresh(assignment)
    assert assignment.is_complete and assignment.recommended
    assert assignment.scorers == 5 and assignment.recommending == 5
    assert len(assignment.visible_sheets(members[1])) == 5
    assert application.events[-1].action == "council_result"
    workflow.record_decision(application, people["reviewer"], "approve", "", application.version)
    commit()
    assert application.status == "approved"


def test_approval_waits_for_the_council_and_follows_its_recommendation(people):
    reviewer = people["reviewer"]
    waiting = _eligible(people)
    with pytest.raises(Conflict):  # no council yet
        workflow.record_decision(waiting, reviewer, "approve", "", waiting.version)
    db.session.rollback()
    low = _eligible(people, title="Ứng dụng vi sinh trong xử lý phụ phẩm chăn nuôi")
    assignment = appraise(low, reviewer, share=0.6)  # 60 of 100
    assert assignment.is_complete and not assignment.recommended
    with pytest.raises(Conflict) as refused:
        workflow.record_decision(low, reviewer, "approve", "", low.version)
    assert "60" in refused.value.message  # the council's mean, 60 of 100
    db.session.rollback()
    workflow.record_decision(low, reviewer, "reject", "Hội đồng không đề xuất.", low.version)
    commit()
    assert low.status == "rejected"


def test_the_majority_rule_counts_members_who_recommend(people):
    application = _eligible(people)
    assignment = form_council([application], people["reviewer"]).assignments[0]
    for n, member in enumerate(council_members()):
        score(assignment, member, share=0.9, recommends=n < 2)  # 2 of 5: not more than half
    db.session.refresh(assignment)
    assert assignment.mean_total >= 70 and not assignment.recommended


def test_a_stale_sheet_is_a_conflict_not_an_overwrite(people):
    assignment = form_council([_eligible(people)], people["reviewer"]).assignments[0]
    member = council_members()[0]
    councils.declare_conflict(assignment, member, has_conflict=False, reasons=[], explanation="")
    criterion = assignment.council.rubric.criteria[0]
    sheet = councils.save_score_sheet(assignment, member, points={criterion.id: 10}, recommends=None,
                                      comment="", version=None, submit=False)
    commit()
    with pytest.raises(Conflict):
        councils.save_score_sheet(assignment, member, points={criterion.id: 12}, recommends=None,
                                  comment="", version=None, submit=False)
    db.session.rollback()
    councils.save_score_sheet(assignment, member, points={criterion.id: 12}, recommends=None,
                              comment="", version=sheet.version, submit=False)
    commit()
    assert sheet.points_by_criterion() == {criterion.id: 12}
    with pytest.raises(ValidationFailed) as refused:
        councils.save_score_sheet(assignment, member, points={criterion.id: criterion.max_points + 1},
                                  recommends=True, comment="x", version=sheet.version, submit=True)
    assert f"criterion_{criterion.id}" in refused.value.errors


def test_a_council_keeps_the_rubric_it_was_formed_with(people):
    application = _eligible(people)
    council = form_council([application], people["reviewer"])
    old = council.rubric
    old.is_current = False
    db.session.add(Rubric(kind="project", purpose="selection", number=2, is_current=True, pass_mark=80))
    commit()
    assert council.rubric.number == 1 and councils.current_rubric("project", "selection").number == 2
    assert not old.can_edit(make_user("admin"))  # in use


def test_an_expert_lists_only_what_they_appraise(people):
    from registry.models import visible_applications

    appraised = _eligible(people)
    _eligible(people, title="Một dự án khác không giao cho chuyên gia")
    assignment = form_council([appraised], people["reviewer"]).assignments[0]
    member = council_members()[0]
    assert db.session.scalars(visible_applications(member)).all() == []
    councils.declare_conflict(assignment, member, has_conflict=False, reasons=[], explanation="")
    commit()
    assert db.session.scalars(visible_applications(member)).all() == [appraised]


# The pages ---------------------------------------------------------------------------------------

def _login(client, user):
    from tests.factories import PASSWORD

    client.set_cookie("lang", "en")  # the pages below are read in English
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def test_the_whole_round_through_the_pages(app, people):
    reviewer, owner = people["reviewer"], people["owner"]
    application = make_application(owner, "project", "submitted")
    staff = app.test_client()
    _login(staff, reviewer)
    page = staff.get(f"/review/{application.id}").get_data(as_text=True)
    assert 'value="approve"' not in page  # approval is not open before the eligibility check
    staff.post(f"/review/{application.id}/checklist",
               data={"version": str(application.version), **dict.fromkeys(CHECKLIST, "y")})
    db.session.refresh(application)
    assert staff.post(f"/review/{application.id}/start", data={"version": str(application.version)}).status_code == 302

    experts = council_members()
    page = staff.get("/review/councils/new?purpose=selection&kind=project")
    assert page.status_code == 200
    response = staff.post("/review/councils/new?purpose=selection&kind=project", data={
        "purpose": "selection", "kind": "project", "name": "Hội đồng tư vấn xét chọn dự án năm 2026",
        "decision_number": "45/QĐ-SKHCN", "formed_on": province_today().isoformat(),
        "chair": str(experts[0].id), "critical_reviewer_1": str(experts[1].id),
        "critical_reviewer_2": str(experts[2].id), "secretary": str(experts[3].id),
        "members": [str(experts[4].id)], "applications": [str(application.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    council_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assignment = db.session.scalar(db.select(CouncilAssignment).filter_by(council_id=council_id))
    criteria = assignment.council.rubric.criteria

    for n, expert in enumerate(experts):
        member = app.test_client()
        _login(member, expert)
        home = member.get("/council/").get_data(as_text=True)
        assert "Declare any conflict of interest" in home
        url = f"/council/{council_id}/applications/{application.id}"
        assert "Content of the application" not in member.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert member.post(url + "/declaration", data={"has_conflict": "no"}).status_code == 302
        page = member.get(url).get_data(as_text=True)
        version = re.search(r'id="sheet-version" name="version" type="hidden" value="(\d+)"', page).group(1)
        points = {f"criterion_{c.id}": str(round(c.max_points * (0.85 if n else 0.75))) for c in criteria}
        response = member.post(url + "/sheet", data={**points, "recommends": "yes", "comment": "Đề xuất hỗ trợ.",
                                                     "version": version, "action": "submit"})
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        # Their own sheet, and the sheets submitted before theirs: never one still to come.
        page = member.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert page.count("Assessment by") == n + 1
    db.session.refresh(assignment)
    assert assignment.is_complete and assignment.recommended

    page = staff.get(f"/review/councils/{council_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Recommended for support" in page
    db.session.refresh(application)
    response = staff.post(f"/review/{application.id}/decision",
                          data={"decision": "approve", "comment": "", "version": str(application.version)})
    assert "Recommended for support" in response.get_data(as_text=True)  # beside the confirmation
    response = staff.post(f"/review/{application.id}/decision", data={
        "decision": "approve", "comment": "", "version": str(application.version), "confirmed": "yes"})
    assert response.status_code == 302
    assert db.session.get(Application, application.id).status == "approved"


def test_minutes_are_for_the_department_not_for_staff_of_an_applicant(app, people):
    application = _eligible(people)
    council = form_council([application], people["reviewer"])
    score(council.assignments[0], council_members()[0])
    insider = make_user("reviewer", organization=application.organization)
    staff, inside = app.test_client(), app.test_client()
    _login(staff, people["reviewer"])
    _login(inside, insider)
    response = staff.get(f"/review/councils/{council.id}/minutes.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert inside.get(f"/review/councils/{council.id}/minutes.pdf").status_code == 403


def test_an_expert_lands_on_their_councils(app):
    expert = make_user("expert")
    client = app.test_client()
    from tests.factories import PASSWORD

    response = client.post("/auth/login", data={"email": expert.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/council/")
