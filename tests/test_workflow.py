"""The workflow services, called directly."""
import pytest

from registry.extensions import db
from registry.models.applications import CHECKLIST, TRANSITIONS
from registry.services import applications as workflow
from registry.services.errors import Conflict, PermissionDenied, ValidationFailed
from registry.services.unit_of_work import commit
from tests.factories import attach_required_documents, make_application, make_user


def test_submit_freezes_a_version_and_writes_history(app):
    owner = make_user("applicant")
    application = make_application(owner, "project", "submitted")
    assert application.status == "submitted"
    assert [v.number for v in application.versions] == [1]
    assert application.versions[0].snapshot["commune"] == "12205" and application.former_province == "hung_yen"
    assert [(e.from_status, e.to_status) for e in application.events] == [
        (None, "draft"), ("draft", "submitted")
    ]


def test_stale_version_is_a_conflict_before_any_other_rule(app):
    owner = make_user("applicant")
    stranger = make_user("applicant")
    application = make_application(owner, "project", "draft")
    with pytest.raises(Conflict):
        workflow.update_application(application, stranger, {"title": "Khác hẳn tiêu đề"}, 99)


def test_reject_needs_a_comment(app):
    owner = make_user("applicant")
    reviewer = make_user("reviewer")
    application = make_application(owner, "startup", "submitted")
    with pytest.raises(ValidationFailed) as raised:
        workflow.record_decision(application, reviewer, "reject", "  ", application.version)
    assert "comment" in raised.value.errors


def test_reviewer_cannot_decide_on_own_organisation(app):
    owner = make_user("applicant")
    colleague = make_user("reviewer", organization=owner.organization)
    application = make_application(owner, "project", "submitted")
    with pytest.raises(PermissionDenied):
        workflow.record_decision(application, colleague, "approve", "", application.version)


def test_approval_assigns_a_public_code(app):
    owner = make_user("applicant")
    first = make_application(owner, "project", "approved")
    second = make_application(owner, "startup", "approved")
    year = first.approved_on.year
    assert first.public_code == f"HY-CNSH-{year}-0001"
    assert second.public_code == f"HY-CNSH-{year}-0002"
    assert first.implementation_status == "ongoing"


def test_incomplete_application_lists_missing_fields(app):
    owner = make_user("applicant")
    application = workflow.create_application(owner, "project", {"title": "Dự án còn thiếu"})
    commit()
    with pytest.raises(ValidationFailed) as raised:
        workflow.submit_application(application, owner, application.version)
    assert {"field", "commune", "product_type", "technologies"} <= set(raised.value.errors)


def test_history_rows_cannot_be_changed(app):
    owner = make_user("applicant")
    application = make_application(owner, "project", "submitted")
    event = application.events[0]
    event.comment = "rewritten"
    with pytest.raises(RuntimeError):
        commit()


def test_granted_filing_needs_certificate(app):
    owner = make_user("applicant")
    with pytest.raises(ValidationFailed) as raised:
        make_application(owner, "pvp_filing", "draft", office_status="granted")
    assert {"certificate_number", "granted_on"} <= set(raised.value.errors)


ALL_STATUSES = ("draft", "submitted", "in_review", "revision_requested", "approved", "rejected",
                "withdrawn")


@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_every_action_from_every_status_follows_the_transition_table(app, action, status):
    # A filing: approved on the eligibility check alone (the other kinds also need a council).
    owner, reviewer = make_user("applicant"), make_user("reviewer")
    application = make_application(owner, "pvp_filing", status, reviewer=reviewer)
    if status == "draft":  # complete, with the documents submission needs
        attach_required_documents(application, owner)
    if status == "submitted":  # found eligible, so that the check lets it on to appraisal
        workflow.save_checklist(application, reviewer, dict.fromkeys(CHECKLIST, True), application.version)
        commit()
    allowed_from, to_status = TRANSITIONS[action]
    version = application.version
    act = {
        "submit": lambda: workflow.submit_application(application, owner, version),
        "withdraw": lambda: workflow.withdraw_application(application, owner, version),
        "start_review": lambda: workflow.start_review(application, reviewer, version),
    }.get(action, lambda: workflow.record_decision(application, reviewer, action,
                                                   "Ý kiến của Hội đồng.", version))
    if status in allowed_from:
        act()
        commit()
        assert application.status == to_status
        assert application.version == version + 1
        assert application.events[-1].from_status == status
    else:
        # Staff never see drafts: acting on one is refused as not theirs, before any rule.
        refusal = PermissionDenied if status == "draft" and action not in ("submit", "withdraw") else Conflict
        with pytest.raises(refusal):
            act()
        db.session.rollback()
        assert application.status == status
        assert application.version == version


def test_public_codes_keep_counting_past_9999_in_a_year(app):
    from registry.models.base import province_today
    from registry.services.applications import PUBLIC_CODE_PREFIX

    owner, reviewer = make_user("applicant"), make_user("reviewer")
    earlier = make_application(owner, "pvp_filing", "approved", reviewer=reviewer)
    year = province_today().year
    earlier.public_code = f"{PUBLIC_CODE_PREFIX}-{year}-9999"
    later = make_application(owner, "pvp_filing", "approved", reviewer=reviewer)
    assert later.public_code == f"{PUBLIC_CODE_PREFIX}-{year}-10000"
    third = make_application(owner, "pvp_filing", "approved", reviewer=reviewer)
    assert third.public_code == f"{PUBLIC_CODE_PREFIX}-{year}-10001"


def test_an_individual_submits_a_startup_without_a_company_name(app):
    """The plan counts startups "of enterprises, organisations and individuals" (issue 13, item 9)."""
    from tests.factories import make_organization

    person = make_user("applicant", organization=make_organization("Nguyễn Văn An", district="khoai_chau"))
    person.organization.org_type = "individual"
    enterprise_owner = make_user("applicant")
    commit()
    for owner in (person, enterprise_owner):
        application = make_application(owner, "startup", "draft", company_name="")
        attach_required_documents(application, owner)
        if owner is person:
            workflow.submit_application(application, owner, application.version)
            commit()
            assert application.status == "submitted"
        else:
            with pytest.raises(ValidationFailed) as refused:
                workflow.submit_application(application, owner, application.version)
            assert "company_name" in refused.value.errors
            db.session.rollback()
