"""The demo data (`seed-demo`): the bulk rows stand as the services would leave them, and the
appraisal round went through the services — a council of five scored six projects, one fell
below the pass mark, five were approved and two have their support decision. Of those two, the
first is under way with report 1 accepted, report 2 overdue and one inspection; the second has
filed its two reports and passed acceptance before a council of the same five."""
from collections import Counter

import pytest

from registry.cli import load_reference_data
from registry.demo import DEMO_ACCOUNTS, DEMO_EXPERTS, DEMO_PASSWORD, ROUND_PROJECTS, seed
from registry.extensions import db
from registry.models import (
    Acceptance,
    Application,
    ApplicationEvent,
    Council,
    CouncilAssignment,
    OutboxMessage,
    SupportDecision,
    User,
)
from registry.models.applications import CHECKLIST
from registry.models.councils import COUNCIL_KINDS
from registry.models.base import province_today
from registry.models.followup import add_months
from registry.services import councils, followup
from registry.services.attachments import file_path
from tests.conftest import _empty_all_tables

ALL_YES = dict.fromkeys(CHECKLIST, True)


def round_applications() -> list[Application]:
    titles = [project["fields"]["title"] for project in ROUND_PROJECTS]
    return list(db.session.scalars(db.select(Application).where(Application.title.in_(titles))
                                   .order_by(Application.id)))


@pytest.fixture
def seeded(app):
    return seed(40)


def test_one_council_of_five_experts_scored_six_projects(seeded):
    assert "and an appraisal round" in seeded
    council = db.session.scalars(db.select(Council).filter_by(purpose="selection")).one()
    assert council.kind == "project"
    assert council.rubric.is_current and council.rubric.total_points == 100
    positions = Counter(member.position for member in council.members)
    assert positions == {"chair": 1, "critical_reviewer": 2, "secretary": 1, "member": 1}
    experts = [member.user for member in council.members]
    assert sorted(e.email for e in experts) == sorted(email for email, _n, _p in DEMO_EXPERTS)
    for expert in experts:
        assert expert.role == "expert" and expert.organization is None
        assert expert.check_password(DEMO_PASSWORD)
    assert (DEMO_EXPERTS[0][0], "expert", DEMO_EXPERTS[0][1]) in DEMO_ACCOUNTS  # one to log in as

    assignments = council.assignments
    assert len(assignments) == 6
    assert {a.application_id for a in assignments} == {a.id for a in round_applications()}
    conflicts = [d for a in assignments for d in a.declarations if d.has_conflict]
    assert len(conflicts) == 1 and conflicts[0].reasons == ["collaboration"]
    for assignment in assignments:
        assert assignment.is_complete
        assert len(assignment.declarations) == 5
        off = sum(1 for d in assignment.declarations if d.has_conflict)
        assert assignment.scorers == 5 - off == len([s for s in assignment.sheets if s.is_submitted])
        result = councils.result_of(assignment)  # what was recorded is what the sheets say
        assert (result.mean_total, result.recommended, result.recommending) == (
            assignment.mean_total, assignment.recommended, assignment.recommending)
        assert all(sheet.comment for sheet in assignment.sheets)
    # The marks vary from member to member and from project to project.
    assert len({s.total for a in assignments for s in a.sheets}) >= 10
    assert len({a.mean_total for a in assignments}) == 6


def test_one_below_the_threshold_five_approved_two_decisions(seeded):
    applications = round_applications()
    assert len(applications) == 6
    below = [a for a in applications if not a.council_assignment("selection").recommended]
    assert len(below) == 1
    weak = below[0].council_assignment("selection")
    assert weak.mean_total < weak.council.rubric.pass_mark or not weak.recommended
    assert below[0].status == "rejected"

    approved = [a for a in applications if a.status == "approved"]
    assert len(approved) == 5
    reviewer = db.session.scalar(db.select(User).filter_by(email=DEMO_ACCOUNTS[1][0]))
    for application in approved:
        assert application.decided_by == reviewer and application.public_code
    decided = [a for a in applications if a.support_decision is not None]
    assert len(decided) == 2 and all(a.is_supported() for a in decided)
    for application in decided:
        decision = application.support_decision
        assert decision.amount_vnd == application.requested_support_vnd > 0
        assert decision.content_type == "application/pdf"
        assert file_path(decision).read_bytes().startswith(b"%PDF-")
    # The demo applicant's organisation has one of the supported projects.
    applicant = db.session.scalar(db.select(User).filter_by(email=DEMO_ACCOUNTS[2][0]))
    assert any(a.organization_id == applicant.organization_id for a in decided)


def test_every_approval_of_the_round_stands_on_its_council(seeded):
    for application in round_applications():
        assert application.missing_documents() == []
        for attachment in application.attachments:
            assert file_path(attachment).read_bytes().startswith(b"%PDF-")
        assert application.review_checklist == ALL_YES
        actions = [e.action for e in application.events]
        assert actions[:2] == ["create", "submit"] and "start_review" in actions
        assert "council_result" in actions
        if application.status == "approved" and application.kind in COUNCIL_KINDS:
            assignment = application.council_assignment("selection")
            assert assignment.is_complete and assignment.recommended
            assert assignment.recommending * 2 > assignment.scorers
    # The services' e-mails are not kept: demo data sends no mail.
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_bulk_rows_found_eligible_have_their_checklist(seeded):
    screened = set(db.session.scalars(db.select(ApplicationEvent.application_id)
                                      .where(ApplicationEvent.action == "start_review")))
    rows = db.session.execute(db.select(Application.id, Application.status, Application.review_checklist)).all()
    assert any(status == "approved" for _id, status, _c in rows)
    for app_id, status, checklist in rows:
        if app_id in screened or status in ("in_review", "approved"):
            assert checklist == ALL_YES, (app_id, status)
        else:
            assert checklist == {}, (app_id, status)


def test_the_demo_is_deterministic_and_seeds_again_on_data(app):
    def fingerprint():
        rows = db.session.execute(db.select(Application.kind, Application.status, Application.title)
                                  .order_by(Application.id)).all()
        sheets = db.session.execute(db.select(CouncilAssignment.mean_total, CouncilAssignment.recommending)
                                    .order_by(CouncilAssignment.id)).all()
        return rows, sheets

    seed(30)
    first = fingerprint()
    _empty_all_tables()
    load_reference_data()
    seed(30)
    assert fingerprint() == first

    # On a database that has data, seeding again adds applications, not a second round.
    seed(30)
    assert db.session.scalar(db.select(db.func.count(Council.id))) == 2  # selection, acceptance
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 2 * 30 + 6
    decisions = db.session.execute(db.select(SupportDecision.application_id)).scalars().all()
    assert len(decisions) == len(set(decisions))


def test_seed_demo_if_empty(runner):
    first = runner.invoke(args=["seed-demo", "--count", "20", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "and an appraisal round" in first.output
    again = runner.invoke(args=["seed-demo", "--count", "20", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert db.session.scalar(db.select(db.func.count(Application.id))) == 20 + 6


def decided_applications() -> list[Application]:
    """The round's two decided projects, in the order of ROUND_PROJECTS."""
    by_title = {a.title: a for a in round_applications()}
    return [by_title[p["fields"]["title"]] for p in ROUND_PROJECTS if p["decision"]]


def test_the_first_decided_project_is_under_way_with_report_2_overdue(seeded):
    first, _second = decided_applications()
    today = province_today()
    decision = first.support_decision
    assert decision.decided_on == add_months(today, -14) and first.approved_on <= decision.decided_on
    assert decision.period_start == decision.decided_on
    assert decision.period_end == add_months(decision.decided_on, 24)
    assert first.implementation_status == "ongoing"
    assert [(r.number, r.status) for r in first.progress_reports] == [(1, "accepted")]
    report = first.progress_reports[0]
    assert report.spent_vnd < decision.amount_vnd and report.progress and report.products
    assert report.reviewed_by.email == DEMO_ACCOUNTS[1][0]
    assert len(first.inspections) == 1 and first.inspections[0].inspected_on < today
    # The department's dashboard lists exactly its report 2 as overdue: the bulk records under
    # way filed theirs in time.
    late = [(o.application_id, o.number) for o in followup.overdue()]
    assert late == [(first.id, 2)]
    # The approval dated back keeps a public code of its year.
    assert first.public_code.startswith(f"HY-CNSH-{first.approved_on.year}-")


def test_the_second_decided_project_passed_acceptance(seeded):
    _first, second = decided_applications()
    today = province_today()
    decision = second.support_decision
    assert decision.decided_on == add_months(today, -24)
    assert decision.period_end == add_months(decision.decided_on, 12) < today
    assert [(r.number, r.status) for r in second.progress_reports] == [(1, "accepted"), (2, "accepted")]
    assert second.implementation_status == "completed"
    acceptance = db.session.scalars(db.select(Acceptance)).one()
    assert acceptance.application_id == second.id and acceptance.rating == "passed"
    assert 0 < acceptance.disbursed_vnd < decision.amount_vnd
    assignment = second.council_assignment("acceptance")
    council = assignment.council
    assert council.purpose == "acceptance" and assignment.is_complete and assignment.rating == "passed"
    assert sorted(m.user.email for m in council.members) == sorted(e for e, _n, _p in DEMO_EXPERTS)
    positions = Counter(member.position for member in council.members)
    assert positions == {"chair": 1, "critical_reviewer": 2, "secretary": 1, "member": 1}
    assert followup.overdue_reports(second) == []
    # The demo applicant owns the completed one; no e-mail is kept.
    assert second.created_by.email == DEMO_ACCOUNTS[2][0]
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_a_project_or_startup_is_completed_only_by_its_acceptance(seeded):
    completed = db.session.scalars(db.select(Application).where(
        Application.kind.in_(("project", "startup")), Application.implementation_status == "completed")).all()
    assert completed and all(a.acceptance is not None for a in completed)
    # The bulk records under way have filed every report due, each accepted.
    under_way = db.session.scalars(db.select(Application).where(
        Application.kind.in_(("project", "startup")), Application.implementation_status == "ongoing",
        Application.support_decision.has())).all()
    filed = [r for a in under_way for r in a.progress_reports]
    assert filed and {r.status for r in filed} <= {"accepted"}
