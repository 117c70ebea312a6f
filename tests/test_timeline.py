"""An application's timeline for the department: its history, councils, sheets, result and
decision in the order they happened; only the figures each viewer may see; a fixed number of
queries however long the history."""
from datetime import date

import pytest
from flask import render_template
from flask_babel import force_locale

from registry.extensions import db
from registry.models import Application, CouncilAssignment, User
from registry.services import applications as workflow
from registry.services import councils, followup
from registry.services.timeline import LOADING, timeline
from registry.services.unit_of_work import commit
from tests.factories import (
    appraise,
    council_members,
    form_council,
    make_application,
    make_user,
    pass_eligibility,
    record_decision,
    score,
)


@pytest.fixture
def people(app):
    return {"owner": make_user("applicant"), "reviewer": make_user("reviewer", full_name="Lê Văn Thẩm")}


def _decided(people, revisions: int = 0) -> Application:
    """A project asked `revisions` times for a revision, then found eligible, scored by a council of
    five, approved and decided (400 million đồng)."""
    owner, reviewer = people["owner"], people["reviewer"]
    application = make_application(owner, "project", "submitted")
    for n in range(revisions):
        workflow.record_decision(application, reviewer, "request_revision", f"Bổ sung lần {n + 1}.",
                                 application.version)
        commit()
        workflow.submit_application(application, owner, application.version)
        commit()
    pass_eligibility(application, reviewer)
    appraise(application, reviewer)
    workflow.record_decision(application, reviewer, "approve", "Đủ điều kiện hỗ trợ.", application.version)
    commit()
    record_decision(application, reviewer, amount_vnd=400_000_000, number="125/QĐ-UBND")
    return application


def _timeline_of(app, application_id: int, viewer_id: int, lang: str = "en"):
    """Load as a page would (fresh from the database), then build the timeline."""
    db.session.expunge_all()
    viewer = db.session.get(User, viewer_id)
    with app.test_request_context(), force_locale(lang):
        application = db.session.scalar(
            db.select(Application).where(Application.id == application_id).options(*LOADING))
        return timeline(application, viewer)


def test_a_decided_application_tells_its_life_in_order(app, people):
    application = _decided(people)
    council_id = application.council_assignment("selection").council_id
    decision_id = application.support_decision.id
    entries = _timeline_of(app, application.id, people["reviewer"].id)
    kinds = [entry.kind for entry in entries]

    milestones = ["submit", "start_review", "council_assigned", "score_sheet", "council_result",
                  "approve", "support_decision"]
    positions = [kinds.index(kind) for kind in milestones]
    assert positions == sorted(positions), kinds
    assert kinds.count("score_sheet") == 5 and kinds.count("no_conflict_declared") == 5
    # The events that the council and decision entries tell in full are not repeated.
    assert kinds.count("council_assigned") == 1 and kinds.count("support_decision") == 1

    by_kind = {entry.kind: entry for entry in entries}
    assert by_kind["start_review"].title == "Found eligible: on to appraisal"
    assert by_kind["council_assigned"].url == f"/review/councils/{council_id}"
    sheet = by_kind["score_sheet"]
    assert "PGS.TS. Chuyên gia" in sheet.detail and "of 100 points; recommends support" in sheet.detail
    assert by_kind["council_result"].detail == "Mean total 80.00 of 100; 5 of 5 members in favour: recommended"
    decision = by_kind["support_decision"]
    assert decision.title == "Support decision" and not decision.has_time
    assert "125/QĐ-UBND" in decision.detail and "400,000,000 ₫" in decision.detail
    assert decision.url and str(decision_id) in decision.url  # the signed PDF
    assert by_kind["approve"].actor == "Lê Văn Thẩm" and by_kind["approve"].detail == "Đủ điều kiện hỗ trợ."


def test_the_partial_lists_the_entries_with_their_dates(app, people):
    application = _decided(people)
    decided_on = application.support_decision.decided_on.strftime("%d/%m/%Y")
    entries = _timeline_of(app, application.id, people["reviewer"].id, lang="vi")
    with app.test_request_context(), force_locale("vi"):
        html = render_template("review/_timeline.html", timeline=entries)
    assert '<ol class="timeline">' in html
    assert html.count("<li>") == len(entries)
    assert decided_on in html and "125/QĐ-UBND" in html and "400.000.000 ₫" in html


def test_a_member_who_has_not_submitted_sees_no_one_elses_score(app, people):
    reviewer = people["reviewer"]
    application = make_application(people["owner"], "project", "submitted")
    pass_eligibility(application, reviewer)
    council = form_council([application], reviewer)
    assignment = council.assignments[0]
    members = council_members()
    for n, member in enumerate(members[:4]):
        score(assignment, member, share=0.7 + 0.05 * n)
    last = members[4]
    councils.declare_conflict(assignment, last, has_conflict=False, reasons=[], explanation="")
    commit()
    others = [m.display_name for m in members[:4]]
    ids = {"application": application.id, "council": council.id, "assignment": assignment.id,
           "last": last.id, "reviewer": reviewer.id}

    entries = _timeline_of(app, ids["application"], ids["last"])
    kinds = [entry.kind for entry in entries]
    assert "council_assigned" in kinds and "score_sheet" not in kinds and "council_result" not in kinds
    assert kinds.count("no_conflict_declared") == 1  # their own declaration, not the others'
    text = " ".join(f"{e.title} {e.detail} {e.actor}" for e in entries)
    assert not any(name in text for name in others)
    assert "points" not in text
    # Their council page, not the department's.
    placement = next(e for e in entries if e.kind == "council_assigned")
    assert placement.url == f"/council/{ids['council']}/applications/{ids['application']}"

    # The department, not on the council, reads the submitted sheets and every declaration.
    staff = [e.kind for e in _timeline_of(app, ids["application"], ids["reviewer"])]
    assert staff.count("score_sheet") == 4 and staff.count("no_conflict_declared") == 5

    # Once theirs is submitted, the others' sheets and the result open to them.
    db.session.expunge_all()
    assignment = db.session.get(CouncilAssignment, ids["assignment"])
    councils.save_score_sheet(assignment, db.session.get(User, ids["last"]),
                              points={c.id: c.max_points for c in assignment.council.rubric.criteria},
                              recommends=True, comment="Rất tốt.", version=None, submit=True)
    commit()
    kinds = [entry.kind for entry in _timeline_of(app, ids["application"], ids["last"])]
    assert kinds.count("score_sheet") == 5 and "council_result" in kinds


def test_a_declared_conflict_names_the_member_and_the_reasons_to_the_department(app, people):
    reviewer = people["reviewer"]
    application = make_application(people["owner"], "project", "submitted")
    pass_eligibility(application, reviewer)
    members = council_members(6)
    council = form_council([application], reviewer, members=members)
    councils.declare_conflict(council.assignments[0], members[5], has_conflict=True,
                              reasons=["collaboration"], explanation="Đồng tác giả bài báo 2025.")
    commit()
    name = members[5].display_name
    entries = _timeline_of(app, application.id, reviewer.id)
    conflict = next(e for e in entries if e.kind == "conflict_declared")
    assert name in conflict.detail
    assert "collaborated with the applicant" in conflict.detail and "Đồng tác giả" in conflict.detail


def test_the_follow_up_joins_the_timeline(app, people):
    """Progress reports (each filing and answer, as the history has them), inspections and
    acceptance, after a decision dated back to 15/01/2025."""
    owner, reviewer = people["owner"], people["reviewer"]
    application = make_application(owner, "project", "approved", reviewer=reviewer)
    application.approved_on = date(2025, 1, 5)
    record_decision(application, reviewer, decided_on=date(2025, 1, 15), amount_vnd=500_000_000)
    report = followup.save_progress_report(application, owner, number=1, progress="Hoàn thành 40%.",
                                           spent_vnd=120_000_000, products="", problems="", version=None,
                                           submit=True)
    commit()
    followup.review_progress_report(report, reviewer, accept=False, comment="Bổ sung chứng từ chi.",
                                    version=report.version)
    followup.record_inspection(application, reviewer, inspected_on=date(2025, 9, 1),
                               inspectors="Đoàn kiểm tra Sở KH&CN", findings="Vườn ươm đạt yêu cầu.",
                               conclusion="on_track")
    commit()
    council = form_council([application], reviewer, purpose="acceptance")
    for member in council_members():
        score(council.assignments[0], member, share=0.8)
    db.session.refresh(application)
    followup.record_acceptance(application, reviewer, accepted_on=date(2026, 11, 1),
                               disbursed_vnd=450_000_000, reasons="", version=application.version)
    commit()

    entries = _timeline_of(app, application.id, reviewer.id)
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    kinds = [entry.kind for entry in entries]
    assert kinds.index("support_decision") < kinds.index("inspection") < kinds.index("acceptance")
    filed = by_kind["progress_report"][0]
    assert filed.detail == "Report 1" and filed.url == f"/review/{application.id}/progress/1"
    assert by_kind["progress_returned"][0].detail == "Bổ sung chứng từ chi."
    inspection = by_kind["inspection"][0]
    assert inspection.when == date(2025, 9, 1) and "On track — Đoàn kiểm tra" in inspection.detail
    assert "Vườn ươm đạt yêu cầu." in inspection.detail and inspection.actor == "Lê Văn Thẩm"
    assert by_kind["acceptance"][0].detail == "Passed; total disbursed 450,000,000 ₫\nCompleted (accepted)"
    # Two councils (selection, acceptance), each placed and with its result.
    assert len(by_kind["council_assigned"]) == 2 and len(by_kind["council_result"]) == 2
    acceptance_sheet = next(e for e in by_kind["score_sheet"] if "finds that it passes" in e.detail)
    assert acceptance_sheet.actor


def test_someone_who_may_not_see_the_application_gets_nothing(app, people):
    application = _decided(people)
    outsider = make_user("applicant")
    assert _timeline_of(app, application.id, outsider.id) == []
    expert = make_user("expert")  # on no council of it
    assert _timeline_of(app, application.id, expert.id) == []


def test_the_number_of_queries_does_not_grow_with_the_history(app, people, count_queries):
    short = _decided(people)
    long = _decided(people, revisions=10)
    assert len(long.events) == len(short.events) + 20
    reviewer_id = people["reviewer"].id

    counts = {}
    for application in (short, long):
        application_id = application.id
        db.session.expunge_all()
        viewer = db.session.get(User, reviewer_id)
        with app.test_request_context(), force_locale("en"):
            with count_queries() as loading:
                loaded = db.session.scalar(
                    db.select(Application).where(Application.id == application_id).options(*LOADING))
            with count_queries() as telling:
                entries = timeline(loaded, viewer)
                [(entry.title, entry.detail, entry.actor, entry.url) for entry in entries]
        assert telling.count == 0  # everything it reads came with LOADING
        counts[application_id] = (loading.count, len(entries))
    assert counts[long.id][1] == counts[short.id][1] + 20
    assert counts[long.id][0] == counts[short.id][0]
