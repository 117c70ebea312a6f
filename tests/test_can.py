"""Who may do what, asked of the models directly, role by role (as CKAN tests its auth
functions): every page and API route asks these methods, so the table here is the policy."""
import io

import pytest
from flask_login import AnonymousUserMixin

from registry.extensions import db
from registry.models import (
    Agency,
    Application,
    GeneticResource,
    PlanTask,
    UserSession,
    visible_applications,
)
from registry.models.base import province_today
from registry.services import plan_reports
from registry.services.attachments import add_attachment
from registry.services.tokens import create_token
from registry.services.unit_of_work import commit
from tests.factories import appraise, make_application, make_user, pass_eligibility, record_decision

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ROLES = ("anonymous", "owner", "colleague", "other_applicant", "reviewer", "reviewer_of_owner",
         "admin", "lead_agency", "coordinating_agency", "other_agency")


def agency(code: str) -> Agency:
    return db.session.scalar(db.select(Agency).filter_by(code=code))


@pytest.fixture
def people(app):
    owner = make_user("applicant")
    users = {
        "anonymous": AnonymousUserMixin(),
        "owner": owner,
        "colleague": make_user("applicant", organization=owner.organization),
        "other_applicant": make_user("applicant"),
        "reviewer": make_user("reviewer"),
        "reviewer_of_owner": make_user("reviewer", organization=owner.organization),
        "admin": make_user("admin"),
        "lead_agency": make_user("agency"),
        "coordinating_agency": make_user("agency"),
        "other_agency": make_user("agency"),
    }
    # Task III.1 is led by Agriculture (DARD, today Agriculture and Environment); the district
    # committees coordinate it, whose part the commune and ward committees carry since 2025.
    from registry.models import Commune
    users["lead_agency"].agency = agency("DARD")
    users["coordinating_agency"].agency = plan_reports.committee_of(
        db.session.scalar(db.select(Commune).filter_by(name_vi="Xã Thái Thụy")))
    users["other_agency"].agency = agency("DOH")
    commit()
    return users


def allowed(people, check) -> set[str]:
    return {role for role in ROLES if check(people[role])}


STAFF = {"reviewer", "reviewer_of_owner", "admin"}
OWNERS = {"owner", "colleague"}


# Applications ---------------------------------------------------------------------------------

@pytest.mark.parametrize("status, view, edit, withdraw, review, decide", [
    ("draft", OWNERS, OWNERS, OWNERS, set(), set()),
    # Submitted: staff decide a revision or a rejection (approval waits for the eligibility check).
    ("submitted", OWNERS | STAFF, set(), OWNERS, {"reviewer", "admin"}, {"reviewer", "admin"}),
    ("in_review", OWNERS | STAFF, set(), OWNERS, {"reviewer", "admin"}, {"reviewer", "admin"}),
    ("revision_requested", OWNERS | STAFF, OWNERS, OWNERS, {"reviewer", "admin"}, set()),
    ("approved", OWNERS | STAFF, set(), set(), {"reviewer", "admin"}, set()),
    ("rejected", OWNERS | STAFF, set(), set(), {"reviewer", "admin"}, set()),
    ("withdrawn", OWNERS | STAFF, set(), set(), {"reviewer", "admin"}, set()),
])
def test_application_permissions_by_status(people, status, view, edit, withdraw, review, decide):
    application = make_application(people["owner"], "project", status)
    assert allowed(people, application.can_view) == view
    assert allowed(people, application.can_edit) == edit
    assert allowed(people, application.can_submit) == edit
    assert allowed(people, application.can_withdraw) == withdraw
    assert allowed(people, application.can_review) == review
    assert allowed(people, application.can_read_internal) == review  # never the owner's colleagues on staff
    assert allowed(people, application.can_decide) == decide


def test_implementation_moves_only_from_ongoing(people):
    application = make_application(people["owner"], "project", "approved")
    assert allowed(people, application.can_set_implementation) == {"reviewer", "admin"}
    application.implementation_status = "completed"
    assert allowed(people, application.can_set_implementation) == set()


def test_visible_applications_is_what_each_role_may_list(people):
    draft = make_application(people["owner"], "project", "draft")
    submitted = make_application(people["owner"], "startup", "submitted")
    others = make_application(people["other_applicant"], "conservation", "approved")
    expected = {
        "anonymous": set(), "owner": {draft.id, submitted.id}, "colleague": {draft.id, submitted.id},
        "other_applicant": {others.id},
        "reviewer": {submitted.id, others.id}, "reviewer_of_owner": {submitted.id, others.id},
        "admin": {submitted.id, others.id},
        "lead_agency": set(), "coordinating_agency": set(), "other_agency": set(),
    }
    for role, ids in expected.items():
        listed = set(db.session.scalars(visible_applications(people[role]).with_only_columns(Application.id)))
        assert listed == ids, role
        # The list and the single record agree.
        for application in (draft, submitted, others):
            assert application.can_view(people[role]) == (application.id in ids), role


def test_documents_follow_their_application(people):
    application = make_application(people["owner"], "project", "draft")
    private = add_attachment(application, people["owner"], io.BytesIO(PDF), "Dự toán.pdf", False,
                             application.version, document_type="budget_estimate")
    public = add_attachment(application, people["owner"], io.BytesIO(PDF), "Tóm tắt.pdf", True,
                            application.version, document_type="technical_description")
    commit()
    assert allowed(people, private.can_download) == OWNERS  # a draft: its organisation only
    from registry.services import applications as workflow

    workflow.submit_application(application, people["owner"], application.version)
    commit()
    assert allowed(people, private.can_download) == OWNERS | STAFF
    assert allowed(people, public.can_download) == OWNERS | STAFF  # public only once approved
    pass_eligibility(application, people["reviewer"])
    appraise(application, people["reviewer"])
    workflow.record_decision(application, people["reviewer"], "approve", "", application.version)
    commit()
    # Approved, but a project is public only once its support decision is recorded.
    assert allowed(people, public.can_download) == OWNERS | STAFF
    record_decision(application, people["reviewer"])
    assert allowed(people, private.can_download) == OWNERS | STAFF
    assert allowed(people, public.can_download) == set(ROLES)  # public document, public record


# Plan task reports ------------------------------------------------------------------------------

def test_plan_task_reports(people):
    task = db.session.scalar(db.select(PlanTask).filter_by(code="III.1"))
    assert allowed(people, task.can_file_report) == {"lead_agency"}
    report = plan_reports.save_report(task, people["lead_agency"], province_today().year,
                                      status="in_progress", narrative="Đang triển khai", figures=[])
    document = plan_reports.add_report_attachment(report, people["lead_agency"], io.BytesIO(PDF),
                                                  "Báo cáo.pdf", report.version)
    commit()
    assert allowed(people, report.is_filed_by) == {"lead_agency"}
    assert allowed(people, report.can_edit) == {"lead_agency"}
    assert allowed(people, report.can_view) == {"lead_agency"} | STAFF
    assert allowed(people, report.can_reopen) == set()
    assert allowed(people, document.can_download) == {"lead_agency"} | STAFF

    plan_reports.submit_report(report, people["lead_agency"], report.version)
    commit()
    assert allowed(people, report.can_edit) == set()
    # Once submitted, the agencies taking part in the task read it too.
    assert allowed(people, report.can_view) == {"lead_agency", "coordinating_agency"} | STAFF
    assert allowed(people, report.can_reopen) == STAFF


# Genetic resources ---------------------------------------------------------------------------------

def test_genetic_resource_tools(people):
    resource = db.session.scalar(db.select(GeneticResource).filter_by(code="ga_dong_tao"))
    assert allowed(people, resource.can_add_barcodes) == STAFF
    assert allowed(people, resource.can_confirm_risk) == {"admin"}
    assert allowed(people, resource.can_record_census) == STAFF
    record = make_application(people["owner"], "conservation", "approved", resource="ga_dong_tao")
    assert allowed(people, lambda user: resource.can_record_census(user, record)) == OWNERS | STAFF
    draft = make_application(people["owner"], "conservation", "draft", resource="ga_dong_tao")
    assert allowed(people, lambda user: resource.can_record_census(user, draft)) == STAFF


# Tokens and sessions -------------------------------------------------------------------------------

def test_tokens_and_sessions_belong_to_their_user(people):
    token, _secret = create_token(people["owner"], "batch")
    browser = UserSession(user=people["owner"], key_digest=UserSession.digest("k"))
    db.session.add(browser)
    commit()
    assert allowed(people, token.can_revoke) == {"owner"}
    assert allowed(people, browser.can_end) == {"owner"}
